"""`spilldesk user ...`: passwords never echoed unless generated, tokens shown once."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from spilldesk.access.users import authenticate, user_for_token
from spilldesk.cli.main import app
from spilldesk.config import Settings
from spilldesk.store.db import Store

pytestmark = pytest.mark.db
runner = CliRunner()


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_add_with_a_given_password_never_echoes_it(store: Store, settings: Settings) -> None:
    result = invoke("user", "add", "pat", "--role", "ero-officer", "--password",
                    "a long secret phrase")
    assert result.exit_code == 0, result.output
    assert "a long secret phrase" not in result.output
    with store.session() as session:
        user = authenticate(session, "pat", "a long secret phrase")
        assert user is not None and user.role == "ero_officer"


def test_generated_password_is_shown_once_and_works(store: Store, settings: Settings) -> None:
    result = invoke("user", "add", "sam", "--role", "auditor", "--generate", "--json")
    assert result.exit_code == 0
    password = json.loads(result.stdout)["password"]
    assert password and len(password) >= 12
    with store.session() as session:
        assert authenticate(session, "sam", password) is not None
        assert authenticate(session, "sam", password + "x") is None


def test_bad_role_and_duplicate_user_exit_2(store: Store, settings: Settings) -> None:
    assert invoke("user", "add", "x", "--role", "wizard").exit_code == 2
    assert invoke("user", "add", "bot", "--role", "machine").exit_code == 0
    again = invoke("user", "add", "bot", "--role", "machine")
    assert again.exit_code == 2 and "already exists" in again.output


def test_token_is_shown_once_and_revocable(store: Store, settings: Settings) -> None:
    invoke("user", "add", "scheduler", "--role", "machine")
    result = invoke("user", "token", "scheduler", "--label", "removal-scheduler", "--json")
    issued = json.loads(result.stdout)
    with store.session() as session:
        found = user_for_token(session, issued["token"])
        assert found is not None and found[0].username == "scheduler"
    listing = invoke("user", "tokens", "--json").stdout
    assert issued["token"] not in listing
    assert json.loads(listing)["tokens"][0]["label"] == "removal-scheduler"
    assert invoke("user", "revoke", str(issued["id"])).exit_code == 0
    with store.session() as session:
        assert user_for_token(session, issued["token"]) is None


def test_deactivated_user_cannot_log_in(store: Store, settings: Settings) -> None:
    invoke("user", "add", "lee", "--role", "auditor", "--password", "another long phrase")
    assert invoke("user", "deactivate", "lee").exit_code == 0
    with store.session() as session:
        assert authenticate(session, "lee", "another long phrase") is None


def test_serve_refuses_a_desk_that_was_never_initialised(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("SPILLDESK_DATABASE_URL", raising=False)
    result = invoke("serve", "--workdir", str(tmp_path / "nothing"))
    assert result.exit_code == 2
    assert "spilldesk init" in result.output and "Traceback" not in result.output
