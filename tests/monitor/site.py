"""A small desk with an incident, and a real web site on 127.0.0.1 where its records reappear.

The site is served by `http.server` in a thread (no mock): pages with a table, pasted text,
prose, a hidden block, a CSV and an XLSX attachment; a namesake with another date of birth;
registry people the incident did not expose; a page robots.txt forbids; a 500, a redirect
off the host and a link to a port nobody listens on.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from spilldesk.intake.incidents import IncidentSpec, open_incident
from spilldesk.intake.registry import import_file
from spilldesk.store.db import Store
from spilldesk.store.models import Exposure
from spilldesk.store.people import find_people

ET = ZoneInfo("America/New_York")
ACTOR = "test:monitor"
INCIDENT = "NOV28"


@dataclass(frozen=True)
class Someone:
    a_number: str
    family: str
    given: str
    born: date


EXPOSED = [
    Someone("A201000001", "GARCÍA LÓPEZ", "MARÍA ELENA", date(1988, 3, 4)),
    Someone("A201000002", "PÉREZ", "JOSÉ", date(1979, 11, 23)),
    Someone("A201000003", "RODRÍGUEZ DÍAZ", "YOANDY", date(1992, 7, 1)),
    Someone("A201000004", "HERNÁNDEZ", "ODALYS", date(1985, 1, 30)),
    Someone("A201000005", "DE LA CRUZ", "RAÚL", date(1990, 12, 5)),
    Someone("A201000006", "SILVA", "ANA PAULA", date(1995, 6, 17)),
    Someone("A201000007", "MORALES", "ERNESTO", date(1983, 9, 9)),
    Someone("A201000008", "ORTIZ", "DAYANA", date(2001, 2, 14)),
]
# In the registry, never in this incident's disclosure.
NOT_EXPOSED = [
    Someone("A201000009", "CASTILLO", "ARIEL", date(1987, 4, 12)),
    Someone("A201000010", "SÁNCHEZ", "LEIDYS", date(1993, 8, 21)),
]


def make_desk(store: Store, folder: Path) -> None:
    path = folder / "persons.csv"
    lines = ["a_number,family_name,given_name,date_of_birth,country_of_citizenship,posture"]
    lines += [f"{p.a_number},{p.family},{p.given},{p.born},CUB,removal_proceedings"
              for p in EXPOSED + NOT_EXPOSED]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    spec = IncidentSpec(id=INCIDENT, title="posting",
                        exposed_from=datetime(2022, 11, 28, 9, 45, tzinfo=ET),
                        exposed_until=datetime(2022, 11, 28, 14, 4, tzinfo=ET))
    with store.session() as session:
        import_file(session, path, kind="persons", actor=ACTOR, tz=ET)
        open_incident(session, spec, actor=ACTOR)
        found = find_people(session, [p.a_number for p in EXPOSED])
        for p in EXPOSED:
            session.add(Exposure(incident_id=INCIDENT, person_id=found[p.a_number].id,
                                 source="linkage", created_by=ACTOR))


def _page(title: str, body: str) -> str:
    return f"<!DOCTYPE html><html><head><title>{title}</title></head><body>{body}</body></html>"


# Which page carries whom (by A-number): the truth the tests compare with.
EXPECTED = {
    "table.html": {"A201000001", "A201000002", "A201000003"},
    "pasted.html": {"A201000004", "A201000005"},
    "prose.html": {"A201000006", "A201000007"},
    "hidden.html": {"A201000008"},
    "files/rows.csv": {"A201000001", "A201000005"},
    "files/leak.xlsx": {"A201000002", "A201000007"},
}


def write_site(root: Path, *, broken_port: int) -> None:
    (root / "files").mkdir(parents=True)
    (root / "private").mkdir()
    e = EXPOSED
    links = "".join(f'<li><a href="/{name}">{name}</a></li>' for name in (
        "table.html", "pasted.html", "prose.html", "hidden.html", "namesake.html",
        "others.html", "names-only.html", "private/list.html", "error", "away"))
    links += f'<li><a href="http://127.0.0.1:{broken_port}/gone.html">mirror</a></li>'
    (root / "index.html").write_text(_page("Leak watch", f"<ul>{links}</ul>"))
    rows = "".join(f"<tr><td>{p.family}</td><td>{p.given}</td><td>{p.a_number}</td>"
                   f"<td>{p.born:%m/%d/%Y}</td></tr>" for p in e[:3])
    (root / "table.html").write_text(_page("Table", (
        "<table><tr><th>Last Name</th><th>First Name</th><th>A-Number</th><th>DOB</th></tr>"
        f"{rows}</table>")))
    pasted = "\n".join(f"{p.family.upper()}, {p.given.upper()} | A {p.a_number[1:4]}-"
                       f"{p.a_number[4:7]}-{p.a_number[7:]} | {p.born:%d.%m.%Y}" for p in e[3:5])
    (root / "pasted.html").write_text(_page("Forum", f"<pre>{pasted}</pre>"))
    # Prose: names in either order, no A-number; spelled out dates.
    (root / "prose.html").write_text(_page("Post", (
        f"<p>{e[5].given.title()} {e[5].family.title()}, born {e[5].born:%d %B %Y}, was "
        "moved last week.</p>"
        f"<p>Another detainee, MORALES Ernesto (born {e[6].born:%B %d, %Y}), too.</p>")))
    (root / "hidden.html").write_text(_page("Story", (
        "<p>We will not republish the list.</p><div style=\"display:none\">"
        f"{e[7].given} {e[7].family} A# {e[7].a_number[1:]}</div>"
        f'<a href="/files/rows.csv">csv</a> <a href="/files/leak.xlsx">xlsx</a>')))
    (root / "files" / "rows.csv").write_text(
        "Apellido,Nombre,Fecha de Nacimiento\n"
        f"{e[0].family},{e[0].given},{e[0].born:%Y-%m-%d}\n"
        f"{e[4].family},{e[4].given},{e[4].born:%Y-%m-%d}\n", encoding="utf-8")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Name", "A#", "Born"])
    for p in (e[1], e[6]):
        sheet.append([f"{p.given} {p.family}", p.a_number[1:], p.born])
    book.save(root / "files" / "leak.xlsx")
    # Same names as exposed persons, other dates of birth: namesakes, not hits.
    (root / "namesake.html").write_text(_page("Namesakes", (
        f"<p>{e[0].given} {e[0].family}, born 1 January 1970.</p>"
        f"<p>{e[1].given} {e[1].family} (DOB 1979-11-24)</p>")))
    # Registry people this incident did not expose.
    (root / "others.html").write_text(_page("Others", "".join(
        f"<p>{p.given} {p.family} born {p.born:%Y-%m-%d}, A-{p.a_number[1:]}</p>"
        for p in NOT_EXPOSED)))
    # Names alone (no date, no A-number) are never a hit.
    (root / "names-only.html").write_text(_page("Names", "".join(
        f"<p>{p.given} {p.family}</p>" for p in e)))
    (root / "private" / "list.html").write_text(_page("Private", (
        f"<p>{e[2].given} {e[2].family} {e[2].a_number}</p>")))
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n")


class _Handler(SimpleHTTPRequestHandler):
    requested: list[str] = []  # every path asked for, in order (shared by the server's threads)

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        type(self).requested.append(self.path)
        if self.path == "/endless":  # a response that never ends: the size limit stops it
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                while True:
                    self.wfile.write(b"<p>" + b"x" * 65536 + b"</p>")
            except (BrokenPipeError, ConnectionResetError):
                return
        elif self.path == "/error":
            self.send_error(500, "broken")
        elif self.path == "/away":
            self.send_response(302)
            self.send_header("Location", "http://example.invalid/elsewhere.html")
            self.end_headers()
        else:
            super().do_GET()

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return


@contextmanager
def serving(root: Path) -> Iterator[str]:
    """The folder on a real HTTP server on 127.0.0.1 (an ephemeral port), for the block."""
    _Handler.requested = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def requested() -> list[str]:
    return list(_Handler.requested)
