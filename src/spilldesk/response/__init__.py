"""Services that change the desk's state. Each takes a session and an actor; no I/O of its own
beyond the files it is given."""
