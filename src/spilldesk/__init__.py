"""spilldesk: the privacy-spill response desk."""

__version__ = "0.1.0"
