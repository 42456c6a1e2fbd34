"""The data layer: models' base, the engine, one session per request, repositories.

Nothing here imports the web framework except :mod:`.session`, the request's dependency.
"""
