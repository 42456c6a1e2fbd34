"""The harness's own helpers: interpreters exposed to uv, failures that show their output."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.harness.projects import OUTPUT_TAIL, StepResult, with_every_python


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        ("", "3.11.7:3.12.1:3.13.0"),
        ("3.11.7", "3.11.7:3.12.1:3.13.0"),
        ("3.13.2:3.12.9:3.11.11", "3.13.2:3.12.9:3.11.11"),
    ],
)
def test_pyenv_version_exposes_every_python(current: str, expected: str) -> None:
    assert with_every_python(current) == expected


def test_failure_shows_the_command_and_the_end_of_its_output() -> None:
    output = "\n".join(f"line {number}" for number in range(1, OUTPUT_TAIL + 11))
    result = StepResult("mypy", ("uv", "run", "mypy"), Path("/p"), 1, output, 2.0)
    explained = result.explain().splitlines()
    assert explained[0] == "mypy failed (exit 1, 2.0s): uv run mypy"
    assert explained[-OUTPUT_TAIL:] == output.splitlines()[-OUTPUT_TAIL:]
    assert "line 10" not in explained
