import pytest
from hypothesis import given
from hypothesis import strategies as st

from spilldesk.domain.anumber import (
    A_NUMBER_CANDIDATE,
    InvalidANumber,
    is_a_number,
    mask_a_number,
    normalize_a_number,
)


@pytest.mark.parametrize(
    "written",
    ["A012345678", "a012345678", "A12345678", "12345678", "012-345-678", "A-012-345-678",
     "A# 012 345 678", "A 012345678", "012.345.678", " A012345678 "],
)
def test_common_writings_normalise(written: str) -> None:
    assert normalize_a_number(written) == "A012345678"


@pytest.mark.parametrize("bad", ["", "A", "A1234567", "A1234567890", "12-34", "ABC123456",
                                 "A000000000", "A01234567X", "١٢٣٤٥٦٧٨٩"])
def test_non_a_numbers_are_refused(bad: str) -> None:
    with pytest.raises(InvalidANumber):
        normalize_a_number(bad)
    assert not is_a_number(bad)


@given(st.integers(min_value=1, max_value=999_999_999))
def test_normalisation_is_canonical_and_idempotent(number: int) -> None:
    digits = f"{number:09d}"
    canonical = normalize_a_number(digits)
    assert canonical == "A" + digits
    assert normalize_a_number(canonical) == canonical
    grouped = f"A-{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    assert normalize_a_number(grouped) == canonical


@given(st.integers(min_value=1, max_value=999_999_999))
def test_mask_shows_only_last_four(number: int) -> None:
    canonical = normalize_a_number(f"{number:09d}")
    masked = mask_a_number(canonical)
    assert masked == "A*****" + canonical[-4:]
    assert canonical[1:6] not in masked or canonical[1:6] == "*****"


def test_candidate_pattern_finds_a_numbers_in_text() -> None:
    text = "Detainee A# 012-345-678 was booked; A98765432 too; phone 555-1234."
    found = [normalize_a_number(m.group(0)) for m in A_NUMBER_CANDIDATE.finditer(text)]
    assert found == ["A012345678", "A098765432"]


@given(st.text(alphabet="Aa#-:. 0123456789\u0660\u00b2NOo", max_size=14))
def test_the_quick_shapes_strip_as_the_patterns_do(text: str) -> None:
    """Bare digits and `A` + digits skip the two regex passes: with the same result."""
    from spilldesk.domain import anumber

    assert anumber._digits(text) == anumber._SEPARATORS.sub("", anumber._PREFIX.sub("", text))
