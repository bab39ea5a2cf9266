"""What gets rendered: notice packets (letter + FAQ sheet in the notice's language), the
letters the playbook's tasks need (court notices, letters to representatives) and the
facilities' hand-delivery manifests, as PDFs — one job each, for the worker processes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from spilldesk.notify.labels import page_footer
from spilldesk.notify.letters import letter_context, render_packet_text, render_template
from spilldesk.notify.manifests import render_facility_manifest
from spilldesk.notify.notice_facts import NoticeFacts
from spilldesk.notify.pdf import render_packet_pdf


@dataclass(frozen=True)
class LetterJob:
    """One English letter from a template about one notice's person (e.g. to the IJ)."""

    name: str  # file name without .pdf, also printed on every page
    folder: str  # relative folder in the output
    template: str
    facts: NoticeFacts
    language: str = "en"  # court filings and lawyers' letters are English


@dataclass(frozen=True)
class ManifestJob:
    """The hand-delivery manifest of one facility (notices in walking order)."""

    incident_id: str
    facility_code: str
    notices: tuple[NoticeFacts, ...]


RenderJob = NoticeFacts | LetterJob | ManifestJob


def packet_filename(facts: NoticeFacts) -> str:
    return f"{facts.notice_number}.pdf"


def output_path(job: RenderJob) -> PurePosixPath:
    """Where a job's PDF goes, relative to the output folder."""
    if isinstance(job, LetterJob):
        return PurePosixPath(job.folder, f"{job.name}.pdf")
    if isinstance(job, ManifestJob):
        return PurePosixPath("manifests", f"{job.facility_code or 'unknown'}.pdf")
    return PurePosixPath("notices", packet_filename(job))


def render_packet(facts: NoticeFacts) -> bytes:
    return render_packet_pdf(
        facts.notice_number,
        render_packet_text(facts),
        footer=page_footer(facts.language, facts.notice_number),
        title="Notice",
    )


def render_letter(job: LetterJob) -> bytes:
    context = letter_context(job.facts, job.language)
    text = render_template(job.template, job.language, court="", **context)
    return render_packet_pdf(job.name, [text], footer=page_footer(job.language, job.name),
                             title="Letter")


def render_job(job: RenderJob) -> bytes:
    if isinstance(job, LetterJob):
        return render_letter(job)
    if isinstance(job, ManifestJob):
        return render_facility_manifest(job.incident_id, job.notices)
    return render_packet(job)
