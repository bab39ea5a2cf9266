"""`python -m spilldesk ...`: the same command line as `spilldesk ...`."""

from spilldesk.cli.main import main

main()
