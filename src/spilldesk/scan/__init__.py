"""The publication gate: find person-level data in a document before it goes public.

from spilldesk.scan import scan_path, scan_paths, extract_records
"""

from spilldesk.scan.errors import ScanError
from spilldesk.scan.records import Extraction, PersonRecord, Source, extract_records
from spilldesk.scan.report import FileReport, Finding, Severity, Verdict
from spilldesk.scan.scanner import scan_bytes, scan_path, scan_paths, walk

__all__ = [
    "Extraction",
    "FileReport",
    "Finding",
    "PersonRecord",
    "ScanError",
    "Severity",
    "Source",
    "Verdict",
    "extract_records",
    "scan_bytes",
    "scan_path",
    "scan_paths",
    "walk",
]
