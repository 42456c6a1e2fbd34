"""The data layer against the real database: repository, session, failures, migrations."""
