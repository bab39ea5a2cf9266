"""End to end in Chromium: an ERO officer records a hand delivery and sees the clearance
date appear; an auditor reads everything and is refused a change."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import LiveDesk, shot
from tests.web.desk_seed import INCIDENT

pytestmark = pytest.mark.e2e


def log_in(browser: Any, desk: LiveDesk, username: str) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{desk.url}/people")
    assert "/login" in page.url  # not logged in: the page sends us to the login form
    shot(page, "01-login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(desk.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/people"))
    return page


def test_ero_officer_records_a_hand_delivery(browser: Any, live_desk: LiveDesk) -> None:
    page = log_in(browser, live_desk, "ero_officer")
    page.get_by_label("Incident").select_option(INCIDENT)
    page.get_by_label("Custody").select_option("detained")
    page.get_by_role("button", name="Filter").click()
    shot(page, "02-people-detained")
    rows = page.locator("tbody tr")
    assert rows.count() == 3
    page.get_by_role("link", name=live_desk.seeded.detained).click()
    verdict = page.locator("#clearance")
    assert "no date yet" in verdict.inner_text()
    shot(page, "03-person-before-delivery")

    page.get_by_label("Result").select_option("delivered")
    page.get_by_label("Method").select_option("hand")
    page.get_by_label("Served by").fill("Officer Diaz")
    page.get_by_role("button", name="Record delivery").click()
    page.wait_for_load_state()
    assert "Recorded: notice delivered" in page.locator(".flash").inner_text()
    after = page.locator("#clearance").inner_text()
    assert "not before" in after
    blocked_until = page.locator("#clearance strong").inner_text()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", blocked_until)
    shot(page, "04-person-after-delivery")

    page.get_by_role("link", name="Clearance").click()
    page.get_by_label("A-number").fill(live_desk.seeded.detained)
    page.get_by_role("button", name="Check", exact=True).click()
    assert page.locator("#blocked-until").inner_text() == blocked_until
    shot(page, "05-clearance")

    page.get_by_role("link", name="Incidents").click()
    page.get_by_role("link", name=INCIDENT).click()
    assert "notified" in page.inner_text("main")
    shot(page, "06-incident-dashboard")
    page.get_by_role("link", name="Tasks").click()
    shot(page, "07-tasks")
    page.get_by_role("link", name="Notices").click()
    shot(page, "08-notices")
    page.context.close()


def test_auditor_reads_everything_and_is_refused_a_change(browser: Any,
                                                          live_desk: LiveDesk) -> None:
    page = log_in(browser, live_desk, "auditor")
    released = live_desk.seeded.person_ids[live_desk.seeded.released]
    page.goto(f"{live_desk.url}/people/id/{released}")
    assert page.get_by_role("heading", name="Audit trail").is_visible()
    assert page.get_by_role("button", name="Record delivery").count() == 0
    shot(page, "09-auditor-person")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    refused = page.request.post(
        f"{live_desk.url}/people/id/{released}/deliveries",
        form={"csrf_token": token or "", "notice": f"{INCIDENT}|noncitizen",
              "status": "delivered", "method": "hand", "served_by": "auditor"})
    assert refused.status == 403
    api = page.request.post(f"{live_desk.url}/api/incidents/{INCIDENT}/holds/extensions",
                            data={"days": 5, "reason": "no"},
                            headers={"X-CSRF-Token": token or ""})
    assert api.status == 403
    page.goto(f"{live_desk.url}/audit")
    assert "notice.delivery" in page.inner_text("main")  # the ERO officer's delivery
    shot(page, "10-audit")
    page.goto(f"{live_desk.url}/review")
    shot(page, "11-review")
    page.context.close()


def test_privacy_officer_pages(browser: Any, live_desk: LiveDesk) -> None:
    page = log_in(browser, live_desk, "privacy_officer")
    page.goto(f"{live_desk.url}/gate")
    shot(page, "12-gate")
    rows = ["Last Name,First Name,A-Number,DOB"] + [
        f"PEREZ{n},JUAN,A{210000000 + n:09d},1980-01-{n + 1:02d}" for n in range(5)]
    page.set_input_files("#g-files", files=[{"name": "stats.csv", "mimeType": "text/csv",
                                             "buffer": "\n".join(rows).encode()}])
    page.get_by_role("button", name="Judge").click()
    page.wait_for_load_state()
    assert "block" in page.inner_text("main")
    shot(page, "12b-gate-findings")
    page.goto(f"{live_desk.url}/alerts")
    shot(page, "13-alerts")
    page.goto(f"{live_desk.url}/")
    shot(page, "14-incidents")
    page.context.close()
