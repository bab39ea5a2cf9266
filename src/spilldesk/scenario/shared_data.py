"""The real ICE statistics workbooks the scenario is built on: where they are, which one, and
the detention facilities listed in its `Facilities` sheet."""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from defusedxml import ElementTree  # an XML parser that refuses entity expansion
from openpyxl import Workbook

SHARED_DIR_ENV = "SPILLDESK_SHARED_DIR"
STATS_FOLDER = Path("data") / "ice-detention-stats"
# The workbook family that leaked was the FY23 one; the newest FY23 workbook whose sheets
# are all FY23 stands in for the Nov 28 posting.
_FISCAL_YEAR = "FY23"
# Footnotes name real facility codes: "[1] (STFRCTX) SOUTH TEXAS FAMILY RESIDENTIAL CENTER ..."
_FOOTNOTE_CODE = re.compile(r"\(([A-Z0-9]{7})\)\s+([A-Z0-9 .,'&/-]+?)\s+(?:houses|is|was|has)\b")
_SMALL_WORDS = {"OF", "THE", "AND", "&", "-", "AT", "FOR"}


class SharedDataMissing(FileNotFoundError):
    """The shared ICE workbooks could not be found."""


@dataclass(frozen=True)
class Facility:
    code: str
    name: str
    address_line1: str
    city: str
    state: str
    postal_code: str
    aor: str
    kind: str
    holds: str
    average_population: float


def find_shared_dir(start: Path | None = None) -> Path:
    """`SPILLDESK_SHARED_DIR`, else the `shared/` folder beside the repository root, looked
    for upward from this package and from the working directory."""
    configured = os.environ.get(SHARED_DIR_ENV)
    if configured:
        path = Path(configured)
        if (path / STATS_FOLDER).is_dir():
            return path
        raise SharedDataMissing(f"{SHARED_DIR_ENV}={configured} has no {STATS_FOLDER} folder")
    origins = [start] if start else [Path(__file__).resolve(), Path.cwd().resolve()]
    for origin in origins:
        for folder in [origin, *origin.parents]:
            candidate = folder / "shared"
            if (candidate / STATS_FOLDER).is_dir():
                return candidate
    raise SharedDataMissing(
        f"no shared/{STATS_FOLDER} found above {origins[0]}; set {SHARED_DIR_ENV}"
    )


_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def sheet_names(path: Path) -> list[str]:
    """The workbook's sheet names, read from its package without loading the workbook."""
    with zipfile.ZipFile(path) as package:
        root = ElementTree.fromstring(package.read("xl/workbook.xml"))
    return [str(sheet.get("name")) for sheet in root.iter(f"{_MAIN_NS}sheet")]


def _facility_sheet_name(path: Path) -> str | None:
    titles = sheet_names(path)
    if any("FY24" in title or "EOFY" in title for title in titles):
        return None
    facilities = [title for title in titles if title.strip().startswith("Facilities")]
    return facilities[0] if facilities else None


def choose_workbook(shared_dir: Path) -> tuple[Path, str]:
    """The newest FY23 workbook with a Facilities sheet, and that sheet's name."""
    folder = shared_dir / STATS_FOLDER
    candidates = sorted(folder.glob(f"*{_FISCAL_YEAR}*.xlsx"), reverse=True)
    for path in candidates:
        sheet = _facility_sheet_name(path)
        if sheet is not None:
            return path, sheet
    raise SharedDataMissing(f"no {_FISCAL_YEAR} workbook with a Facilities sheet in {folder}")


def _header_index(rows: list[tuple[object, ...]]) -> int:
    for index, row in enumerate(rows):
        cells = [str(value).strip() for value in row if value is not None]
        if cells[:1] == ["Name"] and "AOR" in cells:
            return index
    raise SharedDataMissing("the Facilities sheet has no header row with Name and AOR")


def _known_codes(rows: list[tuple[object, ...]]) -> dict[str, str]:
    codes: dict[str, str] = {}
    for row in rows:
        for value in row:
            if isinstance(value, str):
                for code, name in _FOOTNOTE_CODE.findall(value):
                    codes[name.strip()] = code
    return codes


def _generated_code(name: str, state: str, taken: set[str]) -> str:
    """A stable DETLOC-like code: five letters from the name's words, then the state."""
    words = [w for w in re.split(r"[^A-Z0-9]+", name.upper()) if w and w not in _SMALL_WORDS]
    letters = "".join(word[0] for word in words)
    filler = "".join(words)
    stem = (letters + filler)[:5].ljust(5, "X")
    code = stem + state[:2].upper().ljust(2, "X")
    suffix = 0
    while code in taken:
        suffix += 1
        code = stem[:4] + str(suffix % 10) + state[:2].upper()
        if suffix > 9:
            code = stem[:3] + f"{suffix:02d}" + state[:2].upper()
    return code


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def read_facilities(workbook: Workbook, sheet_name: str) -> list[Facility]:
    """Every facility row of the sheet, with a real code from the footnotes when there is one."""
    rows = [tuple(row) for row in workbook[sheet_name].iter_rows(values_only=True)]
    header_at = _header_index(rows)
    header = [str(value).strip() if value is not None else "" for value in rows[header_at]]
    col = {name: index for index, name in enumerate(header) if name}
    levels = [col[name] for name in ("Level A", "Level B", "Level C", "Level D") if name in col]
    known = _known_codes(rows)
    taken: set[str] = set(known.values())
    facilities: list[Facility] = []
    for row in rows[header_at + 1 :]:
        name, aor = row[col["Name"]], row[col["AOR"]]
        if not isinstance(name, str) or not name.strip() or not aor:
            continue
        name = " ".join(name.split())
        state = str(row[col["State"]] or "").strip()
        code = known.get(name) or _generated_code(name, state, taken)
        taken.add(code)
        zip_value = row[col["Zip"]]
        postal = f"{zip_value:05d}" if isinstance(zip_value, int) else str(zip_value or "").strip()
        facilities.append(
            Facility(
                code=code,
                name=name,
                address_line1=" ".join(str(row[col["Address"]] or "").split()),
                city=str(row[col["City"]] or "").strip(),
                state=state,
                postal_code=postal,
                aor=str(aor).strip(),
                kind=str(row[col.get("Type Detailed", col["AOR"])] or "").strip(),
                holds=str(row[col["Male/Female"]] or "Female/Male") if "Male/Female" in col
                else "Female/Male",
                average_population=sum(_number(row[index]) for index in levels),
            )
        )
    return facilities
