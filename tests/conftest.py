"""Fixtures: Copier isolated from the user's settings, one rendered project per variant."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator

import pytest
from _pytest.mark import ParameterSet
from plumbum import local

from tests.harness import database_servers, left_out, timings
from tests.harness.projects import Project, Projects, with_every_python
from tests.harness.variants import VARIANTS, Variant
from tests.harness.xdist_scheduling import VariantGroupScheduling

pytest_plugins = ("pytester",)

# Copier commits uncommitted template changes in its clone: it needs an identity.
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Groundwork Tests",
    "GIT_AUTHOR_EMAIL": "tests@groundwork.invalid",
    "GIT_COMMITTER_NAME": "Groundwork Tests",
    "GIT_COMMITTER_EMAIL": "tests@groundwork.invalid",
}


@pytest.fixture(scope="session", autouse=True)
def isolated_copier(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Copier reads no user settings, and its git commits work on any machine."""
    settings = tmp_path_factory.mktemp("copier") / "settings.yml"
    settings.write_text("{}\n", encoding="utf-8")  # an empty mapping: Copier rejects an empty file
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COPIER_SETTINGS_PATH", str(settings))
        for name, value in GIT_IDENTITY.items():
            patch.setenv(name, value)
        # The template's tasks (uv lock, then the first commit) need each variant's Python,
        # without downloading one, and a git identity. Copier runs tasks through plumbum,
        # whose environment is a copy of this process's, taken when it was imported: the
        # variables go there.
        task_env = {
            **GIT_IDENTITY,
            "PYENV_VERSION": with_every_python(os.environ.get("PYENV_VERSION", "")),
            "UV_PYTHON_DOWNLOADS": "never",
            "UV_PYTHON_PREFERENCE": "only-system",
        }
        with local.env(**task_env):
            yield


@pytest.fixture(scope="session")
def projects(
    isolated_copier: None, tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> Projects:
    require_pythons = bool(pytestconfig.getoption("--require-pythons"))
    return Projects(tmp_path_factory.mktemp("variants"), require_pythons=require_pythons)


def variant_params(variants: Iterable[Variant]) -> list[ParameterSet]:
    """``variants`` as parameters of the ``variant`` fixture, each in its own xdist group.

    ``@pytest.mark.parametrize("variant", variant_params(...), indirect=True)`` runs a test
    on some variants only.
    """
    return [
        pytest.param(variant, id=variant.name, marks=pytest.mark.xdist_group(variant.name))
        for variant in variants
    ]


@pytest.fixture(params=variant_params(VARIANTS))
def variant(request: pytest.FixtureRequest) -> Variant:
    """Each variant in turn; its tests share one xdist worker, hence one render."""
    assert isinstance(request.param, Variant)
    return request.param


@pytest.fixture
def rendered(
    variant: Variant, projects: Projects, record_property: Callable[[str, object], None]
) -> Iterator[Project]:
    project = projects.rendered(variant)
    yield project
    record_property(*timings.as_property(variant.name, project.timings))
    record_property(*left_out.as_property(variant.name, project.left_out))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--require-services",
        action="store_true",
        help="fail, rather than skip, a test whose database server or tool is missing (CI)",
    )
    parser.addoption(
        "--require-pythons",
        action="store_true",
        help="fail, rather than leave out, the checks of a newer Python that is not installed",
    )
    parser.addoption(
        "--variant",
        action="append",
        default=[],
        metavar="NAME",
        help=(
            "run only the tests of this variant (repeatable); "
            "python -m tests.harness.variants lists them"
        ),
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test of a variant ``variant`` (``-m "not variant"`` selects the others), and
    keep only the chosen variants' tests under ``--variant``."""
    chosen = set(config.getoption("--variant"))
    unknown = chosen - {variant.name for variant in VARIANTS}
    if unknown:
        raise pytest.UsageError(f"no such variant: {', '.join(sorted(unknown))}")
    kept, deselected = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        variant = callspec.params.get("variant") if callspec else None
        if isinstance(variant, Variant):
            item.add_marker(pytest.mark.variant)
        if chosen and not (isinstance(variant, Variant) and variant.name in chosen):
            deselected.append(item)
        else:
            kept.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


@pytest.fixture
def installed(rendered: Project, projects: Projects) -> Project:
    return projects.installed(rendered.variant)


@pytest.fixture
def linted(rendered: Project, projects: Projects) -> Project:
    return projects.linted(rendered.variant)


@pytest.fixture
def test_databases(installed: Project, request: pytest.FixtureRequest) -> Iterator[None]:
    """For a server database: a fresh database name for the variant, and none left after.

    An unreachable server skips the test with the reason, or fails it with
    ``--require-services``.
    """
    server = database_servers.SERVERS.get(str(installed.answers.get("database")))
    if server is None:
        yield
        return
    url = database_servers.reachable_url(server, request)
    prefix = database_servers.database_name(installed.variant.name)
    installed.env["TEST_DATABASE_URL"] = database_servers.with_database(url, prefix)
    database_servers.drop_databases(url, prefix)
    yield
    database_servers.drop_databases(url, prefix)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """``--dist loadgroup`` (the default in addopts), grouped by variant."""
    if config.getvalue("dist") != "loadgroup":
        return None
    return VariantGroupScheduling(config, log)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    timings.summarize(terminalreporter)
    left_out.summarize(terminalreporter)
