"""ZIP packages: limits against zip bombs, and archive members handed back for scanning."""

from __future__ import annotations

import lzma
import zipfile
import zlib
from collections.abc import Iterator

from spilldesk.scan.errors import ScanError
from spilldesk.scan.limits import DEFAULT_LIMITS, Limits
from spilldesk.scan.pieces import Embedded, Location, Piece

__all__ = ["DEFAULT_LIMITS", "ZIP_DAMAGE", "Limits", "check_package", "read_archive"]

# What reading a damaged package raises (a bad header, CRC or compressed stream).
ZIP_DAMAGE = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    EOFError,
    NotImplementedError,
    zlib.error,
    lzma.LZMAError,
)


def check_package(package: zipfile.ZipFile, path: str, limits: Limits) -> None:
    """Refuse archives whose declared contents are too many, too large or too compressed."""
    members = package.infolist()
    if len(members) > limits.max_members:
        raise ScanError(
            f"{path}: {len(members)} archive members exceed the limit; possible zip bomb"
        )
    total = sum(info.file_size for info in members)
    if total > limits.max_unpacked:
        raise ScanError(f"{path}: unpacks to {total} bytes, over the limit; possible zip bomb")
    for info in members:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            raise ScanError(
                f"{path}!/{info.filename}: compression ratio {ratio:.0f}:1 is over the limit; "
                "possible zip bomb"
            )
        if info.flag_bits & 0x1:
            raise ScanError(f"{path}!/{info.filename}: the member is password-protected")


def read_archive(package: zipfile.ZipFile, path: str) -> Iterator[Piece]:
    for info in package.infolist():
        if info.is_dir():
            continue
        try:
            data = package.read(info)
        except (*ZIP_DAMAGE, OSError) as error:
            raise ScanError(f"{path}!/{info.filename}: damaged member ({error})") from None
        yield Embedded(Location(path, "archive_member", cell=info.filename), info.filename, data)
