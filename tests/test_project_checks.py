"""Tier 2: each variant, installed from its own pyproject, passes its own checks.

The checks of a variant share its environment; each is its own test, so a failure names it.
"""

from __future__ import annotations

import pytest

from tests.harness.projects import Project


def _passes(project: Project, step: str) -> None:
    result = project.check(step)
    if not result.ok:
        pytest.fail(f"{project.variant.name}: {result.explain()}", pytrace=False)


def test_ruff_format(linted: Project) -> None:
    _passes(linted, "ruff-format")


def test_ruff_check(linted: Project) -> None:
    _passes(linted, "ruff-check")


def test_mypy(installed: Project) -> None:
    _passes(installed, "mypy")


@pytest.mark.usefixtures("test_databases")
def test_pytest(installed: Project) -> None:
    """The project's own tests; a server variant's run against a fresh database of its own."""
    _passes(installed, "pytest")
