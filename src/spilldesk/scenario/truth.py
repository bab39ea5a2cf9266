"""The ground truth (for tests and benchmarks only; the product never reads it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spilldesk.domain.posture import Custody
from spilldesk.scenario.access_log import WORKBOOK_URL, AccessLog
from spilldesk.scenario.cuba_list import SHEET as CUBA_SHEET
from spilldesk.scenario.cuba_list import ListedRow
from spilldesk.scenario.manifest import Manifest
from spilldesk.scenario.mirror import MirrorPage
from spilldesk.scenario.population import DISCOVERY_DAY, Person
from spilldesk.scenario.selection import Disclosures
from spilldesk.scenario.timeline import CUSTODY_REFERENCE
from spilldesk.scenario.workbook import PERSON_SHEET, WorkbookRow


@dataclass(frozen=True)
class Paths:
    workbook: str
    cuba_list: str
    communication: str
    manifest: str
    access_log: str
    mirror: str


def _namesakes(pairs: list[tuple[Person, Person]]) -> list[dict[str, Any]]:
    return [
        {
            "a_number": namesake.a_number,
            "shares_names_with": original.a_number,
            "same_date_of_birth": namesake.date_of_birth == original.date_of_birth,
            "in_custody_on_reference_date": namesake.in_custody_on(CUSTODY_REFERENCE),
        }
        for namesake, original in pairs
    ]


def _since_reference(workbook: list[Person], custody: Custody) -> list[str]:
    return sorted(p.a_number for p in workbook if p.custody is custody)


def ground_truth(
    seed: int,
    paths: Paths,
    disclosures: Disclosures,
    workbook_rows: list[WorkbookRow],
    listed: list[ListedRow],
    manifest: Manifest,
    log: AccessLog,
    mirror: list[MirrorPage],
) -> dict[str, Any]:
    exposed = disclosures.workbook + disclosures.cuba_list
    return {
        "seed": seed,
        "custody_reference_date": CUSTODY_REFERENCE.isoformat(),
        "workbook": {
            "file": paths.workbook, "sheet": PERSON_SHEET, "header_row": 1,
            "records": [{"row": r.row, "a_number": r.a_number} for r in workbook_rows],
            "removed_since_reference": _since_reference(disclosures.workbook, Custody.REMOVED),
            "released_since_reference": _since_reference(disclosures.workbook, Custody.RELEASED),
            # Removed after the Nov 28 discovery: the people the desk exists to protect.
            "removed_after_discovery": sorted(
                p.a_number for p in disclosures.workbook
                if p.custody is Custody.REMOVED and p.book_out and p.book_out > DISCOVERY_DAY
            ),
        },
        "cuba_list": {
            "file": paths.cuba_list, "sheet": CUBA_SHEET, "header_row": 1,
            "communication": paths.communication,
            "records": [
                {"row": r.row, "number": r.number, "a_number": r.a_number,
                 "in_workbook": r.in_workbook, "noise": list(r.noise)}
                for r in listed
            ],
            "in_workbook": sum(r.in_workbook for r in listed),
            "not_in_workbook": sum(not r.in_workbook for r in listed),
        },
        "namesakes": _namesakes(disclosures.namesakes),
        "cuba_namesakes": _namesakes(disclosures.cuba_namesakes),
        # Released or removed, no address on file: the notification step must flag them.
        "exposed_without_usable_address": sorted(
            {p.a_number for p in exposed if p.address is None and p.custody is not Custody.DETAINED}
        ),
        "manifest": {
            "file": paths.manifest, "a_numbers": manifest.a_numbers,
            "exposed": manifest.exposed, "unknown": manifest.unknown,
            "review_candidates": manifest.review_candidates,
        },
        "mirror": {
            "folder": paths.mirror,
            "pages": [
                {"file": f"{paths.mirror}/{page.name}", "rows": list(page.rows),
                 "a_numbers": list(page.a_numbers)}
                for page in mirror
            ],
        },
        "access_log": {
            "file": paths.access_log, "url": WORKBOOK_URL,
            "downloaders": [
                {"client": d.client, "user_agent": d.agent, "kind": d.kind,
                 "downloaded_at": d.downloaded_at}
                for d in log.downloaders
            ],
            "partial_only": log.partial_only, "internal": log.internal,
            "not_found_after_removal": log.not_found_after_removal,
        },
    }
