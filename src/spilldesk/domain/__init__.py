"""Pure types and rules: no I/O, nothing of the rest of the project."""
