"""Disclosed records → registry persons: exact on A-number, then Fellegi–Sunter (splink)."""

from spilldesk.link.linking import link_frames, link_records
from spilldesk.link.model import Candidate, LinkRecord, LinkResult, LinkSettings

__all__ = ["Candidate", "LinkRecord", "LinkResult", "LinkSettings", "link_frames", "link_records"]
