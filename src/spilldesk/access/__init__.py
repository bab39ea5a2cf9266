"""Access: the desk's users, roles, passwords, tokens and sign-in throttling."""
