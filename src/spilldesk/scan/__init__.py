"""The publication gate: find person-level data in a document before it goes public.

from spilldesk.scan import scan_path, scan_paths, extract_records

Every entry point reads in a worker process with memory and time limits (`Limits`,
`spilldesk.scan.isolation`): no input can take the caller down.
"""

from spilldesk.scan.errors import ScanError
from spilldesk.scan.first_sheet import read_first_sheet
from spilldesk.scan.limits import Limits
from spilldesk.scan.lines import Line, document_lines
from spilldesk.scan.person_records import Extraction, PersonRecord, Source, extract_records
from spilldesk.scan.report import FileReport, Finding, Severity, Verdict
from spilldesk.scan.scanner import scan_bytes, scan_file, scan_path, scan_paths, walk

__all__ = [
    "Extraction",
    "FileReport",
    "Finding",
    "Limits",
    "Line",
    "PersonRecord",
    "ScanError",
    "Severity",
    "Source",
    "Verdict",
    "document_lines",
    "extract_records",
    "read_first_sheet",
    "scan_bytes",
    "scan_file",
    "scan_path",
    "scan_paths",
    "walk",
]
