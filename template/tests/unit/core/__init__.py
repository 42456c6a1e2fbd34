"""Unit tests of the core: errors, request context, logging."""
