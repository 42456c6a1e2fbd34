"""Tier 1: the database and example_resource answers render exactly what they need."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import variant_params
from tests.harness.projects import Project
from tests.harness.variants import answering

DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg", "mysql": "asyncmy"}
DATA_LAYER_DEPENDENCIES = {"sqlalchemy", "alembic", *DRIVERS.values()}
# Traces of the example resource: its package, routes, model and table.
DATA_LAYER_IMPORT = re.compile(r"^\s*(?:from|import)\s+(?:sqlalchemy|alembic)\b", re.MULTILINE)
DATA_LAYER_WIRING = re.compile(r"DATABASE__|register\(\s*\"database\"")
RESOURCE_TRACE = re.compile(r"\bnotes?\b|\bNotes?\b")


def test_each_database_depends_on_its_own_driver_only(rendered: Project) -> None:
    database = str(rendered.answers["database"])
    found = rendered.dependencies() & DATA_LAYER_DEPENDENCIES
    if database == "none":
        assert not found
    else:
        assert found == {"sqlalchemy", "alembic", DRIVERS[database]}


@pytest.mark.parametrize("variant", variant_params(answering("database", "none")), indirect=True)
def test_no_database_renders_no_data_layer(rendered: Project) -> None:
    package = Path("src", str(rendered.answers["package_name"]))
    paths = {str(relative) for relative in rendered.files}
    assert not any(path.startswith((str(package / "db"), "migrations")) for path in paths)
    # The generic tests of the core may name a "database" check as an example dependency;
    # what must be absent is the data layer itself: its imports, settings and readiness check.
    mentions = [
        str(relative)
        for relative, text in rendered.texts().items()
        if DATA_LAYER_IMPORT.search(text)
        or (relative.parts[0] != "tests" and DATA_LAYER_WIRING.search(text))
    ]
    assert not mentions, f"database traces in: {mentions}"


@pytest.mark.parametrize(
    "variant", variant_params(answering("example_resource", "false")), indirect=True
)
def test_without_the_example_resource_no_trace_of_it_remains(rendered: Project) -> None:
    paths = [str(relative) for relative in rendered.files if "note" in str(relative).lower()]
    assert not paths
    traces = [
        f"{relative}:{number}: {line.strip()}"
        for relative, text in rendered.texts().items()
        for number, line in enumerate(text.splitlines(), start=1)
        if RESOURCE_TRACE.search(line)
    ]
    assert not traces, "traces of the example resource:\n" + "\n".join(traces)


@pytest.mark.parametrize(
    "variant", variant_params(answering("example_resource", "true")), indirect=True
)
def test_the_example_resource_comes_with_its_migration(rendered: Project) -> None:
    package = Path("src", str(rendered.answers["package_name"]), "notes")
    assert {package / name for name in ("models.py", "router.py", "service.py")} <= set(
        rendered.files
    )
    migrations = [path for path in rendered.files if path.parts[:2] == ("migrations", "versions")]
    assert any(path.name.endswith("_create_notes.py") for path in migrations)
