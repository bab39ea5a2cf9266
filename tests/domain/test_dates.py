from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spilldesk.domain.dates import (
    InvalidDate,
    PartialDate,
    infer_day_first,
    parse_date,
    parse_partial_date,
    parse_timestamp,
)

dates = st.dates(min_value=date(1901, 1, 1), max_value=date(2029, 12, 31))


@given(dates)
def test_iso_us_and_day_first_writings_agree(value: date) -> None:
    assert parse_date(value.isoformat()) == value
    assert parse_date(f"{value.month}/{value.day}/{value.year}") == value
    assert parse_date(f"{value.day:02d}/{value.month:02d}/{value.year}", day_first=True) == value
    assert parse_date(value.strftime("%d-%b-%Y")) == value
    assert parse_date(value.strftime("%B %d, %Y")) == value


@given(dates)
def test_partial_dates_round_trip(value: date) -> None:
    assert parse_partial_date(value.isoformat()).to_date() == value
    assert parse_partial_date(f"{value.year}") == PartialDate(value.year)
    assert parse_partial_date(f"{value.month:02d}/{value.year}") == PartialDate(
        value.year, value.month
    )


def test_spanish_month_names() -> None:
    assert parse_date("12 de marzo de 1990") == date(1990, 3, 12)


@pytest.mark.parametrize("bad", ["", "31/02/1990", "1990-13-01", "yesterday", "12/12"])
def test_bad_dates_raise(bad: str) -> None:
    with pytest.raises(InvalidDate):
        parse_date(bad)


def test_column_order_inference() -> None:
    assert infer_day_first(["25/12/1990", "01/02/1980"]) is True
    assert infer_day_first(["12/25/1990", "01/02/1980"]) is False
    assert infer_day_first(["01/02/1980", "03/04/1970"]) is None
    assert infer_day_first(["25/12/1990", "12/25/1990"]) is None


def test_timestamps_default_to_agency_zone() -> None:
    zone = ZoneInfo("America/New_York")
    assert parse_timestamp("2022-11-28T09:45", zone) == datetime(2022, 11, 28, 9, 45, tzinfo=zone)
    aware = parse_timestamp("2022-11-28T14:45:00+00:00", zone)
    assert aware.utcoffset() is not None and aware.hour == 14
    with pytest.raises(InvalidDate):
        parse_timestamp("not a time", zone)
