"""Safeguards: removal holds, clearance before any removal, the egress check."""
