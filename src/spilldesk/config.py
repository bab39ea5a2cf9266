"""Where the desk keeps its data, and how it is configured: every setting, in one table.

`SETTINGS` names each setting once: its environment variable, its default, what it does and how
its text is read. `Settings.load` (the CLI and the server), `scan.limits` (the gate), the CLI's
options that mirror a setting (`--workdir`, `serve --insecure-http`, `serve --trusted-proxy`,
`alerts push --secret-env`) and docs/settings.md all read this table; a test checks that the
page shows every row as `settings_markdown()` renders it.

Everything lives in one work directory (`--workdir`, else `SPILLDESK_HOME`, else
`~/.spilldesk`): the SQLite database, the key files and the outputs. An empty variable counts as
unset. A bad value is a `ConfigError` naming the variable (never the value of a secret).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from spilldesk.private_files import private_folder


class ConfigError(ValueError):
    """The desk's configuration is unusable."""


# How a setting's text is read: each raises ValueError with what was expected.

def _path(text: str) -> Path:
    return Path(text).expanduser()


def _text(text: str) -> str:
    return text


def _zone(text: str) -> ZoneInfo:
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("unknown time zone (expected an IANA name such as "
                         "America/New_York)") from None


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def _flag(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered not in _TRUE | _FALSE:
        raise ValueError("expected 1 or 0")
    return lowered in _TRUE


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def parse_size(text: str) -> int:
    """`2G`, `512M`, `1.5GiB` or a number of bytes."""
    match = _SIZE.match(text)
    if not match or float(match[1]) <= 0:
        raise ValueError("expected a size such as 2G or 512M")
    return int(float(match[1]) * _UNITS[match[2].upper()])


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0 or value == float("inf"):
        raise ValueError("expected a number of seconds")
    return value


def _cells(text: str) -> int:
    cleaned = text.strip().replace("_", "").replace(",", "")
    if not cleaned.isdigit() or int(cleaned) <= 0:
        raise ValueError("expected a number of cells")
    return int(cleaned)


_SPARK_MASTER = re.compile(r"^(local(\[(\d+|\*)\])?|spark://[\w.-]+:\d+(,[\w.-]+:\d+)*|yarn|k8s://\S+)$")


def _spark_master(text: str) -> str:
    if not _SPARK_MASTER.match(text):
        raise ValueError("expected local[N], spark://HOST:PORT, yarn or k8s://URL")
    return text


@dataclass(frozen=True)
class Setting:
    """One setting: read from `env_var`, else `default` (None: derived from another setting,
    as `shown_default` says)."""

    name: str
    env_var: str
    default: str | None
    help: str
    parse: Callable[[str], Any] = _text
    shown_default: str | None = None
    secret: bool = False
    option: str | None = None  # the command-line option that sets it for one command

    def text(self, environ: Mapping[str, str] | None = None) -> str | None:
        """The setting's text: the variable's, else the default (None when derived)."""
        value = (os.environ if environ is None else environ).get(self.env_var, "").strip()
        return value or self.default

    def read(self, environ: Mapping[str, str] | None = None) -> Any:
        """The setting's value, or None when it is derived and the variable is unset."""
        text = self.text(environ)
        if text is None:
            return None
        try:
            return self.parse(text)
        except ValueError as exc:
            shown = self.env_var if self.secret else f"{self.env_var}={text!r}"
            raise ConfigError(f"{shown}: {exc}") from None

    @property
    def default_text(self) -> str:
        """The default as --help and docs/settings.md show it."""
        if self.shown_default is not None:
            return self.shown_default
        return "(unset)" if self.default is None else self.default


HOME = Setting(
    "home", "SPILLDESK_HOME", "~/.spilldesk",
    "The desk's directory: database, keys, outputs.", _path, option="--workdir")
DATABASE_URL = Setting(
    "database_url", "SPILLDESK_DATABASE_URL", None,
    "The database, as an SQLAlchemy URL (e.g. `postgresql://user@host/db` for the server "
    "deployment).", shown_default="sqlite:///<home>/spilldesk.db", secret=True)
KEY_FILE = Setting(
    "key_file", "SPILLDESK_KEY_FILE", None,
    "The AES-256-GCM and blind-index keys (mode 0600; `spilldesk init` writes it).", _path,
    shown_default="<home>/keys/spilldesk.key")
AUDIT_KEY_FILE = Setting(
    "audit_key_file", "SPILLDESK_AUDIT_KEY_FILE", None,
    "The audit chain's key (mode 0600).", _path,
    shown_default="audit.key beside the key file")
AUDIT_CHECKPOINTS = Setting(
    "audit_checkpoints", "SPILLDESK_AUDIT_CHECKPOINTS", None,
    "Where signed audit checkpoints are appended, outside the database.", _path,
    shown_default="audit-checkpoints.jsonl beside the key file")
TIMEZONE = Setting(
    "timezone", "SPILLDESK_TIMEZONE", "America/New_York",
    "The agency's time zone: due dates, clearance days and hold arithmetic.", _zone)
ACTOR = Setting(
    "actor", "SPILLDESK_ACTOR", None,
    "Who a command acts as in the audit log (`cli:NAME`, at most 96 characters).",
    shown_default="$USER, else operator")
INSECURE_HTTP = Setting(
    "insecure_http", "SPILLDESK_INSECURE_HTTP", "0",
    "Send the login cookie over plain HTTP too (only with a loopback --host).", _flag,
    option="serve --insecure-http")
TRUSTED_PROXIES = Setting(
    "trusted_proxies", "SPILLDESK_TRUSTED_PROXIES", "",
    "Addresses or networks of the TLS proxy in front, separated by spaces: its "
    "X-Forwarded-For names the client.", _words, shown_default="(none)",
    option="serve --trusted-proxy")
WEBHOOK_SECRET = Setting(
    "webhook_secret", "SPILLDESK_WEBHOOK_SECRET", None,
    "The secret shared with an alert receiver: `alerts push` signs each body with it "
    "(`--secret-env` names another variable to read it from).", secret=True,
    option="alerts push --secret-env")
SCAN_MEMORY = Setting(
    "scan_memory", "SPILLDESK_SCAN_MEMORY", "2G",
    "Address space the gate's worker may add while it reads one file (`2G`, `512M`...).",
    parse_size)
SCAN_TIMEOUT = Setting(
    "scan_timeout", "SPILLDESK_SCAN_TIMEOUT", "120",
    "Seconds the gate may spend on one file, archive members included.", _seconds)
SCAN_SHEET_CELLS = Setting(
    "scan_sheet_cells", "SPILLDESK_SCAN_SHEET_CELLS", "5000000",
    "Cells of one sheet's grid the gate reads before it calls the file an error.", _cells)
SCAN_FILE_CELLS = Setting(
    "scan_file_cells", "SPILLDESK_SCAN_FILE_CELLS", "20000000",
    "Cells of one workbook, over its sheets, the gate reads before it calls the file an "
    "error.", _cells)
SPARK_MASTER = Setting(
    "spark_master", "SPILLDESK_SPARK_MASTER", "local[2]",
    "Where `link --backend spark` runs: this machine (`local[N]`) or a cluster's master "
    "(`spark://HOST:7077`, `yarn`, `k8s://URL`).", _spark_master)

SETTINGS: tuple[Setting, ...] = (
    HOME, DATABASE_URL, KEY_FILE, AUDIT_KEY_FILE, AUDIT_CHECKPOINTS, TIMEZONE, ACTOR,
    INSECURE_HTTP, TRUSTED_PROXIES, WEBHOOK_SECRET,
    SCAN_MEMORY, SCAN_TIMEOUT, SCAN_SHEET_CELLS, SCAN_FILE_CELLS, SPARK_MASTER,
)


def setting(name: str) -> Setting:
    """The table's row named `name` (KeyError for none)."""
    for row in SETTINGS:
        if row.name == name:
            return row
    raise KeyError(name)


def default_home(environ: Mapping[str, str] | None = None) -> Path:
    """`SPILLDESK_HOME`, else ~/.spilldesk (not resolved: for the crash log too)."""
    home: Path = HOME.read(environ)
    return home


def settings_markdown() -> str:
    """The table as docs/settings.md shows it."""
    lines = ["| setting | variable | default | option | meaning |", "|---|---|---|---|---|"]
    for row in SETTINGS:
        option = f"`{row.option}`" if row.option else ""
        lines.append(f"| `{row.name}` | `{row.env_var}` | `{row.default_text}` | {option} | "
                     f"{row.help} |")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Settings:
    workdir: Path
    database_url: str
    key_file: Path
    timezone: ZoneInfo

    @classmethod
    def load(cls, workdir: Path | None = None,
             environ: Mapping[str, str] | None = None) -> Settings:
        home = (Path(workdir).expanduser() if workdir else default_home(environ)).resolve()
        url = DATABASE_URL.read(environ) or f"sqlite:///{home / 'spilldesk.db'}"
        key_file = KEY_FILE.read(environ) or home / "keys" / "spilldesk.key"
        return cls(workdir=home, database_url=url, key_file=key_file,
                   timezone=TIMEZONE.read(environ))

    @property
    def audit_key_file(self) -> Path:
        """The audit chain's key, beside the desk's other keys (`SPILLDESK_AUDIT_KEY_FILE`)."""
        named: Path | None = AUDIT_KEY_FILE.read()
        return named or self.key_file.parent / "audit.key"

    @property
    def audit_checkpoints(self) -> Path:
        """Where signed audit checkpoints are appended (`SPILLDESK_AUDIT_CHECKPOINTS`)."""
        named: Path | None = AUDIT_CHECKPOINTS.read()
        return named or self.key_file.parent / "audit-checkpoints.jsonl"

    def output_dir(self, name: str) -> Path:
        return private_folder(self.workdir / name)
