"""What a test did not run on this machine, and why, printed at the end of the run.

A test records each left-out step with ``record_property(*left_out.as_property(...))``;
pytest-xdist carries user properties from the workers to the controller, which prints them
all after the results (the summary of a run that leaves nothing out prints nothing).
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

PROPERTY = "groundwork-left-out"


def as_property(test: str, reasons: Iterable[str]) -> tuple[str, object]:
    return PROPERTY, (test, list(reasons))


def summarize(terminalreporter: pytest.TerminalReporter) -> None:
    found: dict[str, list[str]] = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            for name, value in getattr(report, "user_properties", ()):
                if name == PROPERTY:
                    test, reasons = value
                    found.setdefault(test, [])
                    found[test].extend(r for r in reasons if r not in found[test])
    if any(found.values()):
        terminalreporter.write_sep("=", "left out on this machine, and why")
        for test, reasons in sorted(found.items()):
            for reason in reasons:
                terminalreporter.write_line(f"{test}: {reason}")
