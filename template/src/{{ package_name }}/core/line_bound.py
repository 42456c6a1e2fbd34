"""A bound on the size of a JSON log line: the longest values of a longer line are shortened.

A value logged can be as large as what it came from: a header, a library's error message, the
stack of a deep recursion. Log pipelines do not take long lines well: Docker's json-file
driver and containerd split a line at 16 KiB into pieces no longer JSON, Cloud Logging refuses
an entry beyond 256 KB, and every shipper holds the whole line in memory.

A line longer than the bound (its newline included) is rendered again with its longest values
cut, all to one length, just short enough for the line to fit. A cut value keeps its start
and its end (where a stack says what was raised), joined by ``...[N characters cut]...``; a
value that is not a string is cut as its JSON text. The line's ``truncated`` field lists the
keys cut. What says when, how severe, where and for which request a line was logged
(:data:`KEPT_KEYS`) is never cut; the event may be, as the longest values are, and is never
left out. When cutting values is not enough (a line of thousands of fields), the line keeps
those and the event alone, and ``truncated`` is ``["*"]``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from collections.abc import Callable

    from structlog.typing import EventDict, WrappedLogger

# The bound unless told otherwise (settings.log.max_line_bytes): the size at which Docker and
# containerd split a line.
MAX_LINE_BYTES = 16_384
# The fields of a line's identity, under structlog's names and Cloud Logging's.
KEPT_KEYS = frozenset({"timestamp", "time", "level", "severity", "logger", "request_id"})
TRUNCATED_KEY = "truncated"
# The event's key, and its Cloud Logging name.
_EVENT_KEYS = ("event", "message")
# What a line's identity keeps of each of its values when all else is gone.
_KEPT_CHARACTERS = 256
# Renderings with values cut before only the identity and the event are kept.
_ATTEMPTS = 4


def line_size(line: str) -> int:
    """The bytes of ``line`` in UTF-8, its newline included."""
    return (len(line) if line.isascii() else len(line.encode())) + 1


class LineBound:
    """structlog processor: render with ``render``, and cut the longest values of a line
    longer than ``max_bytes``."""

    def __init__(
        self,
        render: Callable[[WrappedLogger, str, EventDict], str],
        max_bytes: int = MAX_LINE_BYTES,
    ) -> None:
        self._render = render
        self._max_bytes = max_bytes

    def __call__(self, logger: WrappedLogger, method_name: str, event_dict: EventDict) -> str:
        line = self._render(logger, method_name, event_dict)
        excess = overflow = line_size(line) - self._max_bytes
        for _ in range(_ATTEMPTS):
            if overflow <= 0:
                return line
            line = self._render(logger, method_name, cut_longest(event_dict, excess))
            # Escapes and cut marks may cost more than reckoned: cut that much more next time.
            overflow = line_size(line) - self._max_bytes
            excess += overflow
        if overflow <= 0:
            return line
        return self._render(logger, method_name, self._identity(logger, method_name, event_dict))

    def _identity(
        self, logger: WrappedLogger, method_name: str, event_dict: EventDict
    ) -> EventDict:
        """The line's identity and its event alone, each cut to fit."""
        kept: EventDict = {
            key: _cut(_text(value), _KEPT_CHARACTERS)
            for key, value in event_dict.items()
            if key in KEPT_KEYS
        }
        kept[TRUNCATED_KEY] = ["*"]
        for key in _EVENT_KEYS:
            if key in event_dict:
                room = self._max_bytes - line_size(self._render(logger, method_name, kept))
                kept[key] = _cut(_text(event_dict[key]), max(room - len(key) - 64, 0))
        return kept


def cut_longest(event_dict: EventDict, excess: int) -> EventDict:
    """A copy of ``event_dict`` whose longest values (outside :data:`KEPT_KEYS`) are cut to
    one length, so that ``excess`` bytes fewer are rendered."""
    sizes = {
        key: len(orjson.dumps(_text(value)))
        for key, value in event_dict.items()
        if key not in KEPT_KEYS
    }
    length = _common_length(sorted(sizes.values(), reverse=True), excess)
    cut = {key: size for key, size in sizes.items() if size > length}
    shortened = dict(event_dict)
    for key, size in cut.items():
        text = _text(event_dict[key])
        # The rendered size is not the length (escapes, UTF-8): cut in proportion to it.
        shortened[key] = _cut(text, len(text) * length // size)
    shortened[TRUNCATED_KEY] = sorted(cut)
    return shortened


def _common_length(sizes: list[int], excess: int) -> int:
    """The length to cut every size above it to, so that ``excess`` goes: ``sizes`` are in
    decreasing order, and the fewest are cut, the longest first."""
    total = 0
    for count, size in enumerate(sizes, start=1):
        total += size
        following = sizes[count] if count < len(sizes) else 0
        length = (total - excess) // count
        if length >= following:
            return max(length, 0)
    return 0


def _text(value: Any) -> str:
    """``value`` as the text a cut keeps part of: a string itself, anything else its JSON."""
    if isinstance(value, str):
        return value
    try:
        return orjson.dumps(value, default=repr, option=orjson.OPT_NON_STR_KEYS).decode()
    except orjson.JSONEncodeError:
        return repr(value)


def _cut(text: str, length: int) -> str:
    """``text`` with its middle cut out, to about ``length`` characters and a mark."""
    if len(text) <= length:
        return text
    head = length // 2
    tail = length - head
    dropped = len(text) - length
    return f"{text[:head]}...[{dropped} characters cut]...{text[len(text) - tail :]}"
