"""Keep secrets out of the logs.

:func:`redact_processor` runs on every log line, the service's and third-party libraries'
alike, just before it is rendered:

- the value of any field whose name contains a secret-sounding word (``password``,
  ``token``, ``authorization``, ``cookie``, ``x-api-key``, ``db_password``...), matched
  without regard to case, at any depth of nested mappings and lists, becomes ``"***"``;
- the password of a URL written in any text (``postgresql://app:s3cret@db/app``), the
  message itself included, becomes ``***`` too: ``postgresql://app:***@db/app``.

A secret value is replaced whole, never in part. ``None`` and booleans are kept, since they
cannot hold a secret and ``token_expired=True`` is worth reading. Error reporters reuse
:func:`redact` so that what they send is cleaned the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from structlog.typing import EventDict, WrappedLogger

REDACTED = "***"

_SECRET_KEY = re.compile(
    r"pass(?:word|wd)|pwd|secret|token|api[-_]?key|authorization|cookie|dsn|credential"
    r"|private[-_]?key|session",
    re.IGNORECASE,
)
# scheme://user:password@host, read the way URL parsers read it: the authority ends at the
# first "/", "?", "#" or space, and the password runs to the last "@" before that (so an
# unencoded "@" inside the password is hidden too).
_URL_PASSWORD = re.compile(
    r"(?P<prefix>[A-Za-z][A-Za-z0-9+.-]*://[^\s:/?#@]*:)[^\s/?#]*@",
)


@lru_cache(maxsize=1024)
def is_secret_key(key: str) -> bool:
    """Whether a field called ``key`` holds a secret (the same few names recur: cached)."""
    return _SECRET_KEY.search(key) is not None


def redact(value: object) -> object:
    """``value`` with its secrets replaced; containers are copied, never changed in place."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {key: _redact_field(key, item) for key, item in value.items()}
    if isinstance(value, list):
        return [_redact_element(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_redact_element(item) for item in value)
    return value


def redact_text(text: str) -> str:
    """``text`` with the password of every URL in it replaced."""
    # Most values hold no URL at all: two substring searches spare them the regex.
    if "@" not in text or "://" not in text:
        return text
    return _URL_PASSWORD.sub(rf"\g<prefix>{REDACTED}@", text)


def redact_processor(_logger: WrappedLogger, _method_name: str, event_dict: EventDict) -> EventDict:
    """structlog processor: redact every field of the event, in place."""
    for key, value in event_dict.items():
        event_dict[key] = _redact_field(key, value)
    return event_dict


# Values that hold no URL: kept as they are, without a closer look, unless their key is secret.
_NUMBERS = frozenset({int, float})


def _redact_field(key: object, value: object) -> object:
    kind = type(value)
    if kind is bool or value is None:
        return value
    if isinstance(key, str) and is_secret_key(key):
        return REDACTED
    if kind in _NUMBERS:
        return value
    if kind is str:
        return redact_text(cast("str", value))
    return redact(value)


def _redact_element(item: object) -> object:
    """A list element; a ``(name, value)`` pair, as headers often come, is a field."""
    match item:
        case tuple([str() as name, value]):
            return (name, _redact_field(name, value))
        case _:
            return redact(item)
