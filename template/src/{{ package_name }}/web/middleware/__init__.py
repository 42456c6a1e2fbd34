"""Pure ASGI middleware: each wraps ``send`` and calls the app once, with no extra task.

``app.py`` orders them; the request context is outermost so that every response, errors
included, carries the request id.
"""
