"""Integration tests: the whole application through its HTTP API."""
