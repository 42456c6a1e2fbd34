"""Unit tests of the notes resource."""
