"""Persistence: the only package that knows SQL, the engine and the session lifecycle."""
