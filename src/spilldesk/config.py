"""Where the desk keeps its data, and how it is configured.

Everything lives in one work directory (`--workdir`, else `SPILLDESK_HOME`, else
`~/.spilldesk`): the SQLite database, the key file and the outputs. `SPILLDESK_DATABASE_URL`
and `SPILLDESK_KEY_FILE` override the database and the key file (`SPILLDESK_AUDIT_KEY_FILE` and
`SPILLDESK_AUDIT_CHECKPOINTS` the audit log's key and checkpoint file, default beside it);
`SPILLDESK_TIMEZONE` the agency's time zone (default America/New_York).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "America/New_York"


class ConfigError(ValueError):
    """The desk's configuration is unusable."""


@dataclass(frozen=True)
class Settings:
    workdir: Path
    database_url: str
    key_file: Path
    timezone: ZoneInfo

    @classmethod
    def load(cls, workdir: Path | None = None) -> Settings:
        home = workdir or Path(os.environ.get("SPILLDESK_HOME") or Path.home() / ".spilldesk")
        home = Path(home).expanduser().resolve()
        url = os.environ.get("SPILLDESK_DATABASE_URL") or f"sqlite:///{home / 'spilldesk.db'}"
        key_file = Path(os.environ.get("SPILLDESK_KEY_FILE") or home / "keys" / "spilldesk.key")
        zone_name = os.environ.get("SPILLDESK_TIMEZONE") or DEFAULT_TIMEZONE
        try:
            zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"SPILLDESK_TIMEZONE: unknown time zone {zone_name!r}") from None
        return cls(workdir=home, database_url=url, key_file=key_file.expanduser(), timezone=zone)

    @property
    def audit_key_file(self) -> Path:
        """The audit chain's key, beside the desk's other keys (`SPILLDESK_AUDIT_KEY_FILE`)."""
        named = os.environ.get("SPILLDESK_AUDIT_KEY_FILE")
        return Path(named).expanduser() if named else self.key_file.parent / "audit.key"

    @property
    def audit_checkpoints(self) -> Path:
        """Where signed audit checkpoints are appended (`SPILLDESK_AUDIT_CHECKPOINTS`)."""
        named = os.environ.get("SPILLDESK_AUDIT_CHECKPOINTS")
        return (Path(named).expanduser() if named
                else self.key_file.parent / "audit-checkpoints.jsonl")

    def output_dir(self, name: str) -> Path:
        path = self.workdir / name
        path.mkdir(parents=True, exist_ok=True)
        return path
