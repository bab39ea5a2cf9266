"""Saving workbooks byte-for-byte reproducibly: fixed document times, fixed zip entry times."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from spilldesk.private_files import write_private
from spilldesk.scenario.timeline import DOCUMENT_TIME

_ZIP_TIME = DOCUMENT_TIME.timetuple()[:6]


PartRewrite = Callable[[str, bytes], bytes]


def _repack(data: bytes, rewrite: PartRewrite | None = None) -> bytes:
    """The same archive with every entry stamped at the document time (and parts rewritten)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            content = source.read(info.filename)
            if rewrite is not None:
                content = rewrite(info.filename, content)
            target.writestr(entry, content)
    return out.getvalue()


def save_reproducibly(
    workbook: Workbook, path: Path, *, creator: str, rewrite: PartRewrite | None = None
) -> bytes:
    """Save with fixed created/modified times; return the bytes written."""
    workbook.properties.creator = creator
    workbook.properties.lastModifiedBy = creator
    workbook.properties.created = DOCUMENT_TIME
    workbook.properties.modified = DOCUMENT_TIME
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).save()
    data = _repack(buffer.getvalue(), rewrite)
    write_private(path, data)
    return data
