"""The timings table reaches the terminal summary from xdist workers."""

from __future__ import annotations

import pytest

from tests.harness import REPO_ROOT
from tests.harness.projects import COVERAGE, STEPS
from tests.harness.timings import table

# As conftest.py does: record in a fixture's teardown, after the test's own steps ran.
RECORDING_TESTS = """
import pytest
from tests.harness import timings

@pytest.fixture
def steps(record_property):
    seconds = {"render": 1.0}
    yield seconds
    record_property(*timings.as_property("alpha", seconds))

@pytest.mark.parametrize("step", ["mypy", "pytest"])
def test_step(steps, step):
    steps[step] = 2.0
"""


def test_table_merges_steps_and_totals_and_shows_the_coverage() -> None:
    lines = table(
        {"py3.11": {"render": 1.0, "mypy": 2.5}, "py3.12": {"pytest": 4.0, COVERAGE: 91.6}}
    )
    assert lines[0].split() == ["variant", *STEPS, "total", COVERAGE]
    assert lines[1].split() == ["py3.11", "1.0", "-", "-", "-", "2.5", "-", "3.5", "-"]
    assert lines[2].split() == ["py3.12", "-", "-", "-", "-", "-", "4.0", "4.0", "92%"]


def test_summary_collects_timings_from_xdist_workers(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(REPO_ROOT))
    pytester.makeconftest(
        "from tests.harness import timings\n\n"
        "def pytest_terminal_summary(terminalreporter):\n"
        "    timings.summarize(terminalreporter)\n"
    )
    pytester.makepyfile(test_recording=RECORDING_TESTS)
    result = pytester.runpytest_subprocess("-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        ["*seconds per variant and step*", "alpha *1.0 *-*2.0 *2.0 *5.0 *-"]
    )
