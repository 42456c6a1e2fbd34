"""The HTTP layer: middleware, problem responses, health probes and the API documentation.

It translates between HTTP and the rest of the service; what it knows of FastAPI and
Starlette stays here and in ``app.py``.
"""
