"""Oversight reporting: the incident report (JSON, HTML, PDF, with charts), the notices to
EOIR, USCIS and the DHS Chief Privacy Officer, the investigation record and live metrics.

`figures.py` gathers every figure from the database in one place; the renderers
(`html.py`, `pdf.py`) and the notices (`oversight.py`) only lay those figures out.
"""
