"""Where a 422 problem says each invalid value is, and what it says about it: a JSON Pointer
into the request, and a message that never quotes what the client sent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

# Characters a URI fragment holds as they are (RFC 3986 §3.5), besides letters, digits and
# "-._~"; quote() %-encodes the others. "/" is not among them: in a token it is "~1".
_FRAGMENT_SAFE = "!$&'()*+,;=:@"
# Context members pydantic fills from the schema (limits, expected values, the pattern) and
# never from the input, so a message built from them alone cannot quote the value.
_SCHEMA_CONTEXT = frozenset(
    {
        "actual_length",
        "class",
        "class_name",
        "decimal_places",
        "discriminator",
        "encoding",
        "expected",
        "expected_plural",
        "expected_schemes",
        "expected_tags",
        "expected_version",
        "field_type",
        "ge",
        "gt",
        "le",
        "lt",
        "max_digits",
        "max_length",
        "min_length",
        "multiple_of",
        "pattern",
        "tz_expected",
        "whole_digits",
    }
)
# Fixed messages for the errors whose message may quote the input: a parser's error text,
# a validator's exception, the tag found in the input.
_FIXED_MESSAGES = {
    "assertion_error": "Value is not valid",
    "bytes_invalid_encoding": "Data is not validly encoded",
    "date_from_datetime_parsing": "Input should be a valid date or datetime",
    "date_parsing": "Input should be a valid date in the format YYYY-MM-DD",
    "datetime_from_date_parsing": "Input should be a valid datetime or date",
    "datetime_parsing": "Input should be a valid datetime",
    "json_invalid": "Input should be valid JSON",
    "time_delta_parsing": "Input should be a valid timedelta",
    "time_parsing": "Input should be in a valid time format",
    "timezone_offset": "Input has the wrong timezone offset",
    "union_tag_invalid": "Input tag does not match any of the expected tags",
    "url_parsing": "Input should be a valid URL",
    "url_syntax_violation": "Input violated strict URL syntax rules",
    "uuid_parsing": "Input should be a valid UUID",
    "value_error": "Value is not valid",
}
_DEFAULT_MESSAGE = "Value is not valid"


def json_pointer(location: Iterable[str | int]) -> str:
    """``location`` as a JSON Pointer in URI-fragment form.

    ``("body", "a/b", 0)`` is ``#/body/a~1b/0``.
    """
    tokens = (str(token).replace("~", "~0").replace("/", "~1") for token in location)
    return "#" + "".join(f"/{quote(token, safe=_FRAGMENT_SAFE)}" for token in tokens)


def invalid_value(error: Mapping[str, Any]) -> dict[str, str]:
    """A member of a 422 problem's ``errors`` from one of pydantic's (or FastAPI's) errors.

    The value the client sent (pydantic's ``input`` and ``ctx``) is left out.
    """
    location = tuple(error["loc"])
    match error["type"], location:
        # FastAPI's error for a body that is not JSON: the location is the character where
        # parsing failed, not a place in a document.
        case "json_invalid", ("body", int(position)):
            return {
                "pointer": json_pointer(("body",)),
                "detail": f"The body is not valid JSON (error at character {position})",
                "code": "json_invalid",
            }
    return {"pointer": json_pointer(location), "detail": _message(error), "code": error["type"]}


def _message(error: Mapping[str, Any]) -> str:
    context = error.get("ctx") or {}
    if context.keys() <= _SCHEMA_CONTEXT:
        return str(error["msg"])
    return _FIXED_MESSAGES.get(error["type"], _DEFAULT_MESSAGE)
