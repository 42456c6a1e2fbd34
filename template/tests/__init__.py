"""The service's tests: unit tests per module, integration tests through the HTTP API."""
