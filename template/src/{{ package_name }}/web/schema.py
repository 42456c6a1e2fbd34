"""What the service's models share in their JSON Schema."""

from __future__ import annotations

from typing import Any


def without_null_defaults(schema: dict[str, Any]) -> None:
    """``json_schema_extra`` for a model that leaves out the members it has no value for: it
    never sends them as null, so the schema names no null default."""
    for member in schema["properties"].values():
        if "default" in member and member["default"] is None:
            del member["default"]
