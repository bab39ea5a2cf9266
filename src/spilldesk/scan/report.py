"""What the gate says about a file: findings (entity, where, how sure, how many) and a verdict.

Findings never carry a person's data: identifiers are masked (`A*****5678`), names shown as
initials, dates as `****-**-**`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from spilldesk.scan.pieces import Location


class Verdict(StrEnum):
    PASS = "pass"  # nosec B105 # a verdict, not a password
    REVIEW = "review"
    BLOCK = "block"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return ["pass", "review", "block", "error"].index(self.value)


class Severity(StrEnum):
    INFO = "info"
    REVIEW = "review"
    BLOCK = "block"


@dataclass(frozen=True)
class Finding:
    entity: str
    location: Location
    score: float
    severity: Severity
    count: int = 1
    rows: int | None = None
    entities: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    message: str = ""
    patterns: tuple[str, ...] = ()  # which patterns found it (`prefixed`, `header_row`...)
    distinct: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    def to_json(self) -> dict[str, object]:
        where = self.location
        return {
            "entity": self.entity,
            "location": {
                "part": where.part,
                "sheet": where.sheet,
                "cell": where.cell,
                "page": where.page,
                "hidden": where.hidden,
                "hidden_how": where.hidden_how,
            },
            "score": round(self.score, 2),
            "severity": self.severity.value,
            "count": self.count,
            "rows": self.rows,
            "entities": list(self.entities),
            "examples": list(self.examples),
            "message": self.message,
            "patterns": list(self.patterns),
        }


@dataclass
class FileReport:
    path: str
    verdict: Verdict
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    members: list[FileReport] = field(default_factory=list)
    sha256: str | None = None

    def flattened(self) -> list[FileReport]:
        """This report then every nested one (archive members, embedded objects)."""
        reports = [self]
        for member in self.members:
            reports += member.flattened()
        return reports

    def to_json(self) -> dict[str, object]:
        document: dict[str, object] = {
            "path": self.path,
            "verdict": self.verdict.value,
            "findings": [f.to_json() for f in self.findings],
        }
        if self.error is not None:
            document["error"] = self.error
        return document
