"""OMB M-17-12 risk-of-harm assessment: three factors → low / moderate / high, with reasons.

The memorandum asks agencies to weigh (1) the nature and sensitivity of the PII, (2) the
likelihood of access and use, and (3) the type of breach. The desk records each factor's level
and the officer's reasons, and derives the overall level the same way every time: the higher of
the first two factors, raised one step when the breach type is itself aggravating (a public
posting or a disclosure to a foreign government), never lowered by it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class Level(IntEnum):
    LOW = 1
    MODERATE = 2
    HIGH = 3

    @classmethod
    def parse(cls, text: str) -> Level:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"not a risk level: {text!r} (use low, moderate or high)") from None

    def label(self) -> str:
        return self.name.lower()


AGGRAVATING_BREACH_TYPES = frozenset({"public_posting", "foreign_government", "intentional"})
BREACH_TYPES = AGGRAVATING_BREACH_TYPES | {"unintentional_internal", "lost_device", "misdirected"}


@dataclass(frozen=True)
class RiskAssessment:
    nature_and_sensitivity: Level
    likelihood_of_access_and_use: Level
    breach_type: str
    reasons: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.breach_type not in BREACH_TYPES:
            known = ", ".join(sorted(BREACH_TYPES))
            raise ValueError(f"unknown breach type {self.breach_type!r} (use one of: {known})")

    @property
    def level(self) -> Level:
        base = max(self.nature_and_sensitivity, self.likelihood_of_access_and_use)
        if self.breach_type in AGGRAVATING_BREACH_TYPES:
            return Level(min(Level.HIGH, base + 1))
        return Level(base)

    def as_dict(self) -> dict[str, object]:
        return {
            "nature_and_sensitivity": self.nature_and_sensitivity.label(),
            "likelihood_of_access_and_use": self.likelihood_of_access_and_use.label(),
            "breach_type": self.breach_type,
            "level": self.level.label(),
            "reasons": list(self.reasons),
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> RiskAssessment:
        reasons = data.get("reasons") or ()
        return cls(
            nature_and_sensitivity=Level.parse(str(data["nature_and_sensitivity"])),
            likelihood_of_access_and_use=Level.parse(str(data["likelihood_of_access_and_use"])),
            breach_type=str(data["breach_type"]),
            reasons=tuple(str(r) for r in reasons) if isinstance(reasons, list | tuple) else (),
        )
