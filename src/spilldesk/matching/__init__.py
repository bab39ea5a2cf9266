"""Matching: disclosed records to registry persons, the review queue, overlap."""
