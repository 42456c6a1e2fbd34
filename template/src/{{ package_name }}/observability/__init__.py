"""What the service tells about itself: its logs, and what each backend it was made with adds.

Each backend has a module of its own here, and nothing outside this package imports an
observability SDK. :mod:`.logs` sets up logging from the settings for every entry point;
:func:`.errors.observe_error` is what the problem handlers call for each error they answer.
"""
