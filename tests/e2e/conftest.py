"""A real `spilldesk serve` on 127.0.0.1 over a small desk the tests build, and Chromium.

Debian's Chromium (`apt-get install chromium`), driven by Playwright; never a downloaded
browser. Screenshots of every page land in test-artifacts/screenshots/ (gitignored).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from spilldesk.access.users import Role, add_user
from spilldesk.config import Settings
from spilldesk.store.db import initialise
from tests.live_server import free_port, wait_until_up
from tests.web.desk_seed import PASSWORD, Seeded, seed_desk

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "test-artifacts" / "screenshots"


@dataclass
class LiveDesk:
    url: str
    seeded: Seeded
    password: str = PASSWORD


def _need_chromium() -> None:
    """Skip without Debian's Chromium, unless the run requires the browser tests (CI)."""
    if Path(CHROMIUM).exists():
        return
    message = "Debian's chromium is not installed (apt-get install -y chromium)"
    if os.environ.get("SPILLDESK_REQUIRE_E2E") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def live_desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveDesk]:
    _need_chromium()
    root = tmp_path_factory.mktemp("e2e")
    workdir = root / "desk"
    env = {k: v for k, v in os.environ.items()
           if k not in ("SPILLDESK_DATABASE_URL", "SPILLDESK_KEY_FILE")}
    env["SPILLDESK_HOME"] = str(workdir)
    saved = {k: os.environ.pop(k, None) for k in ("SPILLDESK_DATABASE_URL",
                                                  "SPILLDESK_KEY_FILE")}
    try:
        store = initialise(Settings.load(workdir))
        seeded = seed_desk(store, root)
        with store.session() as session:
            for role in (Role.ERO_OFFICER, Role.AUDITOR, Role.PRIVACY_OFFICER):
                add_user(session, role.value, role, PASSWORD, actor="test:e2e")
        store.close()
    finally:
        for key, value in saved.items():
            if value is not None:
                os.environ[key] = value
    port = free_port()
    spilldesk = shutil.which("spilldesk", path=str(Path(sys.executable).parent)) or "spilldesk"
    server = subprocess.Popen([spilldesk, "serve", "--workdir", str(workdir), "--host",
                               "127.0.0.1", "--port", str(port), "--insecure-http"], env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, server, path="/api/health")
        yield LiveDesk(url, seeded)
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def shot(page: object, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]
