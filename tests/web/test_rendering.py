"""Small pieces of the pages: local times, pagers, the notices chart."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from spilldesk.web.charts import cumulative_chart
from spilldesk.web.pages.queues import PER_PAGE, Pager
from spilldesk.web.templating import local_time

ET = ZoneInfo("America/New_York")


def test_local_time_shows_the_agency_wall_clock() -> None:
    assert local_time("2022-11-28T14:45:00+00:00", ET) == "2022-11-28 09:45 EST"
    assert local_time(datetime(2022, 7, 1, 16, 0, tzinfo=UTC), ET) == "2022-07-01 12:00 EDT"
    assert local_time("2022-11-28T14:45:00", ET) == "2022-11-28 09:45 EST"  # naive = UTC
    assert local_time(None, ET) == "—"


def test_pager_links_keep_the_filters() -> None:
    pager = Pager(2, PER_PAGE * 2 + 1, "/tasks", {"component": "ERO", "incident": ""})
    assert pager.pages == 3
    assert pager.link(3) == "/tasks?component=ERO&page=3"
    assert Pager(1, 0, "/alerts", {}).pages == 1


def test_chart_draws_the_cumulative_steps_and_the_total() -> None:
    series = [{"date": "2022-12-01", "provided": 2, "cumulative": 2},
              {"date": "2022-12-03", "provided": 3, "cumulative": 5}]
    svg = str(cumulative_chart(series, 10, title="Notices <provided>"))
    assert svg.startswith("<svg") and "<polyline" in svg
    assert "Notices &lt;provided&gt;" in svg  # escaped
    assert "2022-12-01" in svg and "2022-12-03" in svg
    empty = str(cumulative_chart([], 10, title="t"))
    assert "No notice provided yet" in empty
