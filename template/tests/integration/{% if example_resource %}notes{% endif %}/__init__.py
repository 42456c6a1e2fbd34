"""The notes resource against the real database: its API, service and repository."""
