"""`spilldesk notify ...` end to end on a small desk."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from spilldesk.cli.main import app
from tests.notify.test_notices import _ensure_all, desk  # noqa: F401  (fixture)

pytestmark = pytest.mark.db
runner = CliRunner()


def test_generate_record_import_status(desk, tmp_path):  # noqa: F811
    with desk.session() as session:
        _ensure_all(session)
    result = runner.invoke(app, ["notify", "generate", "NOV28", "--out", str(tmp_path / "p"),
                                 "--workers", "1", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["packets"] == 7 and report["by_channel"]["hand"] == 2

    result = runner.invoke(app, ["notify", "record", "NOV28", "--a-number", "A200000002",
                                 "--recipient", "noncitizen", "--status", "mailed",
                                 "--at", "2022-12-01T10:00", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["method"] == "usps"

    sheet = (tmp_path / "p" / "delivery-sheets" / "KRO.csv").read_text().splitlines()
    filled = [sheet[0]] + [line.replace(",,,hand,", ",delivered,2022-12-02T09:00,hand,Officer Diaz")
                           for line in sheet[1:]]
    (tmp_path / "done.csv").write_text("\n".join(filled) + "\n")
    result = runner.invoke(app, ["notify", "import", "NOV28", str(tmp_path / "done.csv"),
                                 "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["recorded"] == {"delivered": 2}

    result = runner.invoke(app, ["notify", "status", "NOV28", "--json"])
    summary = json.loads(result.stdout)
    assert summary["by_status"]["delivered"] == 2 and summary["by_status"]["mailed"] == 1


def test_errors_are_one_line_and_exit_2(desk):  # noqa: F811
    with desk.session() as session:
        _ensure_all(session)
    result = runner.invoke(app, ["notify", "record", "NOV28", "--a-number", "A200000001",
                                 "--recipient", "noncitizen", "--status", "delivered",
                                 "--at", "yesterday"])
    assert result.exit_code == 2 and "--at" in result.output
    result = runner.invoke(app, ["notify", "record", "NOV28", "--a-number", "A299999999",
                                 "--recipient", "noncitizen", "--status", "mailed",
                                 "--at", "2022-12-01T10:00"])
    assert result.exit_code == 2 and "A*****9999" in result.output
    assert "A299999999" not in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["notify", "status", "NOPE"])
    assert result.exit_code == 2


def test_incident_telephone_line_is_printed_on_the_packets(desk, tmp_path):  # noqa: F811
    from pypdf import PdfReader

    with desk.session() as session:
        _ensure_all(session)
    bad = runner.invoke(app, ["incident", "contact", "NOV28", "--phone", "ring us"])
    assert bad.exit_code == 2 and "phone" in bad.stderr and "Traceback" not in bad.output
    result = runner.invoke(app, ["incident", "contact", "NOV28", "--phone", "1-888-351-4024",
                                 "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["contact_phone"] == \
        "1-888-351-4024"
    result = runner.invoke(app, ["notify", "generate", "NOV28", "--out", str(tmp_path / "p"),
                                 "--workers", "1", "--json"])
    assert result.exit_code == 0, result.output
    packets = sorted((tmp_path / "p" / "notices").glob("*.pdf"))
    assert packets
    for path in packets:
        text = " ".join(page.extract_text() for page in PdfReader(path).pages)
        assert "1-888-351-4024" in " ".join(text.split())
