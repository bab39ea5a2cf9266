"""From findings to a verdict (SPEC "Verdict").

block  — at least 3 person records (a name tied to an A-number, SSN, passport or date of
         birth), or at least 3 distinct government identifiers;
review — 1–2 of those, or a weaker signal (a birth date or a person named in context, an
         embedded object the gate cannot open);
pass   — otherwise. Informational findings (hidden sheets, rows, comments; phone numbers,
         e-mail and street addresses, countries alone) are reported and never change it;
         hidden content is counted like visible content, so hiding never lowers a verdict.
"""

from __future__ import annotations

from collections.abc import Iterable

from spilldesk.scan.report import Finding, Severity, Verdict

BLOCK_AT = 3


def verdict_for(findings: Iterable[Finding]) -> Verdict:
    findings = list(findings)
    records = sum(f.rows or 0 for f in findings if f.entity == "PERSON_RECORDS")
    identifiers: set[str] = set()
    for finding in findings:
        identifiers |= finding.distinct
    if records >= BLOCK_AT or len(identifiers) >= BLOCK_AT:
        return Verdict.BLOCK
    if records or identifiers or any(f.severity is not Severity.INFO for f in findings):
        return Verdict.REVIEW
    return Verdict.PASS


def worst(verdicts: Iterable[Verdict]) -> Verdict:
    return max(verdicts, key=lambda v: v.rank, default=Verdict.PASS)
