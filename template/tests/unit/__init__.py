"""Unit tests: one module of the service at a time, no HTTP server."""
