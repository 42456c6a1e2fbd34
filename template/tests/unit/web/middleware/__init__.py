"""Unit tests of the ASGI middleware, with fake receive and send."""
