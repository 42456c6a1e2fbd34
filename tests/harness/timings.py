"""Seconds per variant and step, printed at the end of the run.

Timings travel as a user property of each test's reports: pytest-xdist sends reports,
user properties included, from the workers to the controller, which prints the summary.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pytest

from tests.harness.projects import COVERAGE, STEPS

PROPERTY = "groundwork-timings"


def as_property(variant: str, timings: Mapping[str, float]) -> tuple[str, object]:
    """A user property (``record_property``) carrying a snapshot of ``timings``."""
    return PROPERTY, (variant, dict(timings))


def collect(reports: Iterable[object]) -> dict[str, dict[str, float]]:
    """Merge the timings recorded in ``reports``, per variant."""
    merged: dict[str, dict[str, float]] = {}
    for report in reports:
        for name, value in getattr(report, "user_properties", ()):
            if name == PROPERTY:
                variant, timings = value
                merged.setdefault(variant, {}).update(timings)
    return merged


def table(merged: Mapping[str, Mapping[str, float]]) -> list[str]:
    width = max(len("variant"), *(len(variant) for variant in merged))
    header = "".join(f"{column:>12}" for column in (*STEPS, "total", COVERAGE))
    lines = [f"{'variant':<{width}}{header}"]
    for variant in sorted(merged):
        steps = merged[variant]
        cells = [f"{steps[step]:12.1f}" if step in steps else f"{'-':>12}" for step in STEPS]
        total = sum(steps.get(step, 0.0) for step in STEPS)
        coverage = f"{steps[COVERAGE]:11.0f}%" if COVERAGE in steps else f"{'-':>12}"
        lines.append(f"{variant:<{width}}{''.join(cells)}{total:12.1f}{coverage}")
    return lines


def summarize(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the table (from ``pytest_terminal_summary``, on the xdist controller)."""
    reports = (report for reports in terminalreporter.stats.values() for report in reports)
    merged = collect(reports)
    if merged:
        terminalreporter.write_sep("=", "seconds per variant and step")
        for line in table(merged):
            terminalreporter.write_line(line)
