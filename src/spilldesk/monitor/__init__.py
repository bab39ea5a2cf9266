"""Leak monitoring (SPEC capability 8): watch web sources, feeds and folders for an incident's
leaked records, comparing keyed fingerprints only, and record each document that carries them.

fingerprints.py  the persons' keyed fingerprints (never their data)
candidates.py    what a document could carry, read by the gate in its worker, as fingerprints
web.py           fetching over HTTP: robots.txt, rate, conditional requests, limits
run.py           a run: sources → documents → matches → hits (resumable)
hits.py          hits, their evidence, the takedown task, audited reads
"""
