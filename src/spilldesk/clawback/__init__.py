"""Clawback: from the web server's access logs to every recipient, their letter and answer."""
