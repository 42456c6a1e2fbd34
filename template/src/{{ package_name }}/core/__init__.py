"""Framework-free building blocks: errors, request context, logging.

Nothing in this package imports FastAPI or Starlette, so it can be used from workers,
scripts and tests alike.
"""
