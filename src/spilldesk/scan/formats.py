"""Report formats: the SPEC's JSON shape, SARIF 2.1.0 for code-scanning tools, plain text."""

from __future__ import annotations

from collections.abc import Iterable

from spilldesk.scan.report import FileReport, Finding, Severity, Verdict

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.BLOCK: "error", Severity.REVIEW: "warning", Severity.INFO: "note"}
RULES = {
    "PERSON_RECORDS": "A table or list of persons (a name tied to an identifier or birth date)",
    "A_NUMBER": "Alien registration number",
    "SSN": "US Social Security number",
    "PASSPORT": "Passport number",
    "DATE_OF_BIRTH": "Date of birth",
    "PERSON_NAME": "Person name",
    "NATIONALITY": "Country of citizenship",
    "PHONE": "Phone number",
    "EMAIL": "E-mail address",
    "STREET_ADDRESS": "Street address",
    "HIDDEN_CONTENT": "Content a viewer does not see",
    "UNINSPECTABLE": "An embedded object the gate cannot open",
    "SCAN_ERROR": "File not scanned",
}


def flatten(reports: Iterable[FileReport]) -> list[FileReport]:
    return [nested for report in reports for nested in report.flattened()]


def to_json(reports: Iterable[FileReport]) -> dict[str, object]:
    return {"files": [report.to_json() for report in flatten(reports)]}


def to_sarif(reports: Iterable[FileReport]) -> dict[str, object]:
    results = []
    for report in flatten(reports):
        if report.verdict is Verdict.ERROR:
            results.append(
                _result("SCAN_ERROR", "error", report.error or "not scanned", report.path)
            )
        for finding in report.findings:
            results.append(_finding_result(finding, report.path))
    driver = {
        "name": "spilldesk-scan",
        "rules": [
            {"id": rule, "shortDescription": {"text": text}} for rule, text in sorted(RULES.items())
        ],
    }
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": results}],
    }


def _finding_result(finding: Finding, path: str) -> dict[str, object]:
    where = finding.location
    place = ", ".join(
        part
        for part in (
            f"sheet {where.sheet!r}" if where.sheet else "",
            f"cell {where.cell}" if where.cell else "",
            f"page {where.page}" if where.page else "",
            f"hidden: {where.hidden_how}" if where.hidden else "",
        )
        if part
    )
    text = f"{finding.entity} x{finding.count} in {where.part}" + (f" ({place})" if place else "")
    if finding.message:
        text += f": {finding.message}"
    result = _result(finding.entity, _LEVEL[finding.severity], text, path)
    result["properties"] = {
        "score": round(finding.score, 2),
        "hidden": where.hidden,
        "part": where.part,
        "sheet": where.sheet,
        "cell": where.cell,
        "page": where.page,
        "rows": finding.rows,
        "patterns": list(finding.patterns),
    }
    return result


def _result(rule: str, level: str, text: str, path: str) -> dict[str, object]:
    artifact = path.split("!/", 1)[0]
    return {
        "ruleId": rule,
        "level": level,
        "message": {"text": text},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact}}}],
    }


def to_text(reports: Iterable[FileReport]) -> list[str]:
    """One line per file, then one indented line per finding (informational ones summarised)."""
    lines = []
    for report in flatten(reports):
        lines.append(f"{report.verdict.value.upper():7} {report.path}")
        if report.error:
            lines.append(f"        {report.error}")
        info = 0
        for finding in report.findings:
            if finding.severity is Severity.INFO and finding.entity != "HIDDEN_CONTENT":
                info += 1
                continue
            lines.append("        " + _finding_line(finding))
        if info:
            lines.append(f"        ({info} informational finding(s); --format json lists them)")
    return lines


def _finding_line(finding: Finding) -> str:
    where = finding.location
    place = " ".join(
        p
        for p in (
            where.part,
            f"sheet={where.sheet!r}" if where.sheet else "",
            f"cell={where.cell}" if where.cell else "",
            f"page={where.page}" if where.page else "",
        )
        if p
    )
    hidden = f" HIDDEN ({where.hidden_how})" if where.hidden else ""
    examples = f" e.g. {', '.join(finding.examples)}" if finding.examples else ""
    message = f" - {finding.message}" if finding.message else ""
    head = f"[{finding.severity.value}] {finding.entity} x{finding.count}"
    return f"{head} {place}{hidden}{examples}{message}"
