"""The desk in the browser: FastAPI JSON API under /api and server-rendered pages."""
