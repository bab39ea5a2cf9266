"""The settings table: each setting read from its variable, else its default; a bad value is one
line naming the variable (never a secret's value); the CLI and the server read the same rows."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from spilldesk.cli.main import app
from spilldesk.config import (
    INSECURE_HTTP,
    SCAN_MEMORY,
    TIMEZONE,
    TRUSTED_PROXIES,
    ConfigError,
    Setting,
    Settings,
)
from spilldesk.scan import Limits


def test_settings_come_from_the_variables_else_the_defaults(tmp_path: Path) -> None:
    default = Settings.load(tmp_path, {})
    assert default.database_url == f"sqlite:///{tmp_path.resolve() / 'spilldesk.db'}"
    assert default.key_file == tmp_path.resolve() / "keys" / "spilldesk.key"
    assert default.timezone == ZoneInfo("America/New_York")
    chosen = Settings.load(None, {"SPILLDESK_HOME": str(tmp_path / "desk"),
                                  "SPILLDESK_TIMEZONE": "America/Chicago",
                                  "SPILLDESK_KEY_FILE": str(tmp_path / "k.key"),
                                  "SPILLDESK_DATABASE_URL": "postgresql://u@h/db"})
    assert chosen.workdir == (tmp_path / "desk").resolve()
    assert chosen.timezone == ZoneInfo("America/Chicago")
    assert chosen.key_file == tmp_path / "k.key"
    assert chosen.database_url == "postgresql://u@h/db"
    # An empty variable counts as unset.
    assert Settings.load(tmp_path, {"SPILLDESK_TIMEZONE": " "}).timezone == default.timezone


def test_a_bad_value_names_its_variable() -> None:
    with pytest.raises(ConfigError, match=r"^SPILLDESK_TIMEZONE='Mars/Base': unknown time zone"):
        TIMEZONE.read({"SPILLDESK_TIMEZONE": "Mars/Base"})
    with pytest.raises(ConfigError, match=r"^SPILLDESK_INSECURE_HTTP='maybe': expected 1 or 0"):
        INSECURE_HTTP.read({"SPILLDESK_INSECURE_HTTP": "maybe"})


def test_a_secret_value_is_never_repeated() -> None:
    def refuse(text: str) -> str:
        raise ValueError("not a usable secret")

    secret = Setting("token", "SPILLDESK_TOKEN", None, "A secret.", refuse, secret=True)
    with pytest.raises(ConfigError) as raised:
        secret.read({"SPILLDESK_TOKEN": "hunter2-secret"})
    assert str(raised.value) == "SPILLDESK_TOKEN: not a usable secret"


def test_the_gate_limits_default_to_the_table() -> None:
    assert Limits().memory == SCAN_MEMORY.read({}) == 2 << 30
    assert TRUSTED_PROXIES.read({"SPILLDESK_TRUSTED_PROXIES": " 10.0.0.5  10.1.0.0/16 "}) == (
        "10.0.0.5", "10.1.0.0/16")


def test_serve_reads_its_settings_from_the_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    monkeypatch.setenv("SPILLDESK_INSECURE_HTTP", "1")
    refused = runner.invoke(app, ["serve", "--host", "0.0.0.0", "--workdir", str(tmp_path)])
    assert refused.exit_code == 2 and "--insecure-http: only on a loopback" in refused.output
    monkeypatch.setenv("SPILLDESK_INSECURE_HTTP", "0")
    monkeypatch.setenv("SPILLDESK_TRUSTED_PROXIES", "10.0.0.5 not-an-address")
    bad = runner.invoke(app, ["serve", "--workdir", str(tmp_path)])
    assert bad.exit_code == 2 and "'not-an-address' is not an IP address" in bad.output
