"""What the service's models share in their JSON Schema."""

from __future__ import annotations

from typing import Any

from pydantic import BeforeValidator


def without_null_defaults(schema: dict[str, Any]) -> None:
    """``json_schema_extra`` for a model that leaves out the members it has no value for: it
    never sends them as null, so the schema names no null default."""
    for member in schema["properties"].values():
        if "default" in member and member["default"] is None:
            del member["default"]


def _whole_number(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# An integer as JSON has it, for a strict model: JSON has one kind of number, and JSON
# Schema's ``integer`` is any whole one, ``2.0`` included, which a strict ``int`` refuses;
# strings and booleans are still refused. Append it to an int type's metadata, after its
# constraints (before them, the constraints would leave the schema):
# ``Annotated[int, Field(ge=0), JSON_INTEGER]``.
JSON_INTEGER = BeforeValidator(_whole_number)
