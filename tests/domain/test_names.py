from hypothesis import given
from hypothesis import strategies as st

from spilldesk.domain.names import name_tokens, normalize_name, split_full_name, surnames

any_text = st.text(max_size=60)
words = st.lists(
    st.text(alphabet="ABCDEFGHJKLMNOPQRSTUVWXZÁÉÍÓÚÑÇ", min_size=2, max_size=10),
    min_size=1,
    max_size=4,
)


def test_accents_and_case_fold() -> None:
    assert normalize_name("José Pérez-García") == "JOSE PEREZ GARCIA"
    assert normalize_name("  núñez   de la  Peña ") == "NUNEZ DE LA PENA"
    assert normalize_name("D'Ángelo") == "DANGELO"
    assert normalize_name("São João") == "SAO JOAO"


def test_cyrillic_bgn_pcgn() -> None:
    assert normalize_name("Щукин") == "SHCHUKIN"
    assert normalize_name("Жуков") == "ZHUKOV"
    assert normalize_name("Хрущёв") == "KHRUSHCHYOV"
    assert normalize_name("Цой") == "TSOY"
    assert normalize_name("Чайковский") == "CHAYKOVSKIY"
    assert normalize_name("Юлия Яковлева") == "YULIYA YAKOVLEVA"
    assert normalize_name("Шевченко") == "SHEVCHENKO"


def test_split_with_comma_is_family_first() -> None:
    assert split_full_name("DE LA CRUZ PEREZ, Maria José") == ("DE LA CRUZ PEREZ", "MARIA JOSE")


def test_split_without_comma_keeps_particles_with_surname() -> None:
    assert split_full_name("Juan de la Cruz") == ("DE LA CRUZ", "JUAN")
    assert split_full_name("Ana Maria Silva") == ("SILVA", "ANA MARIA")
    assert split_full_name("Madonna") == ("MADONNA", "")
    assert split_full_name("") == ("", "")


def test_surnames_two_with_particles() -> None:
    assert surnames("DE LA CRUZ PEREZ") == ["DE LA CRUZ", "PEREZ"]
    assert surnames("García y Pérez") == ["GARCIA", "PEREZ"]
    assert surnames("Silva e Souza") == ["SILVA", "SOUZA"]
    assert surnames("Rodríguez") == ["RODRIGUEZ"]
    assert surnames("") == []


def test_name_tokens_drop_particles_keep_initials() -> None:
    assert name_tokens("María de los Ángeles y Cruz") == ("MARIA", "ANGELES", "CRUZ")
    assert name_tokens("E Pérez") == ("E", "PEREZ")


@given(any_text)
def test_normalize_is_idempotent_and_ascii(text: str) -> None:
    once = normalize_name(text)
    assert normalize_name(once) == once
    assert once.isascii()
    assert once == once.upper()
    assert "  " not in once and once == once.strip()


@given(words)
def test_surnames_preserve_every_word_in_order(parts: list[str]) -> None:
    family = " ".join(parts)
    rejoined = " ".join(surnames(family)).split()
    assert rejoined == normalize_name(family).split()


@given(words, words)
def test_comma_split_roundtrips(family: list[str], given_names: list[str]) -> None:
    fam, giv = split_full_name(f"{' '.join(family)}, {' '.join(given_names)}")
    assert fam == normalize_name(" ".join(family))
    assert giv == normalize_name(" ".join(given_names))


@given(words)
def test_name_tokens_are_order_invariant_as_a_set(parts: list[str]) -> None:
    forward = frozenset(name_tokens(" ".join(parts)))
    backward = frozenset(name_tokens(" ".join(reversed(parts))))
    # Connectives are position dependent; particles and words are not.
    assert {t for t in forward if len(t) > 1} == {t for t in backward if len(t) > 1}


@given(words)
def test_split_never_loses_words(parts: list[str]) -> None:
    family, given_name = split_full_name(" ".join(parts))
    assert f"{given_name} {family}".split() == normalize_name(" ".join(parts)).split()
