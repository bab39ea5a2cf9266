"""An unexpected error on any command is one line and a crash log without person data."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

from spilldesk.cli import main as cli_main


def test_an_unexpected_error_is_one_line_and_a_private_crash_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import spilldesk.cli.scan as scan_command

    def explode(paths: object) -> object:
        raise RuntimeError("cannot judge A012345678 GARCIA LOPEZ born 1988-03-04")

    monkeypatch.setattr(scan_command, "scan_paths", explode)
    document = tmp_path / "list.csv"
    document.write_text("a_number\nA012345678\n")
    monkeypatch.setattr(sys, "argv", ["spilldesk", "scan", str(document), "--workdir",
                                      str(tmp_path)])
    with pytest.raises(SystemExit) as exited:
        cli_main.main()
    assert exited.value.code == 2
    stderr = capsys.readouterr().err
    assert len(stderr.strip().splitlines()) == 1 and "Traceback" not in stderr
    assert "RuntimeError" in stderr and "A012345678" not in stderr
    logs = list((tmp_path / "crash-logs").iterdir())
    assert len(logs) == 1 and str(logs[0]) in stderr
    assert stat.S_IMODE(logs[0].stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "crash-logs").stat().st_mode) == 0o700
    text = logs[0].read_text()
    assert "builtins.RuntimeError" in text and "command: spilldesk scan\n" in text
    assert "test_crash.py" in text and "in explode" in text  # where it failed
    for secret in ("A012345678", "GARCIA", "1988"):
        assert secret not in text
