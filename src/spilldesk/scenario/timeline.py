"""The dates the 2022 scenario turns on (from the seed)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

EASTERN = timezone(timedelta(hours=-5), "EST")  # Nov 28 and Dec 7, 2022 were standard time
CUSTODY_REFERENCE = date(2022, 11, 19)  # the workbook's people were in custody on this day
WORKBOOK_POSTED = datetime(2022, 11, 28, 9, 45, tzinfo=EASTERN)
WORKBOOK_REPORTED = datetime(2022, 11, 28, 13, 53, tzinfo=EASTERN)  # by Human Rights First
WORKBOOK_REMOVED = datetime(2022, 11, 28, 14, 4, tzinfo=EASTERN)
CUBA_COMMUNICATION_SENT = datetime(2022, 12, 7, 11, 20, tzinfo=EASTERN)
CUBA_DISCOVERED = datetime(2022, 12, 7, 16, 35, tzinfo=EASTERN)
REGISTRY_AS_OF = date(2022, 12, 9)  # the registry's state: "now" in the scenario
REMOVAL_FLIGHT = date(2022, 12, 14)
EARLIEST_BOOK_IN = date(2021, 1, 4)
# Fixed document times so that the same seed gives the same bytes.
DOCUMENT_TIME = datetime(2022, 11, 28, 9, 30)
