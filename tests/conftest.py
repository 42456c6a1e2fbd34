"""Fixtures: Copier isolated from the user's settings, one rendered project per variant."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests import timings
from tests.rendering import Project, Projects
from tests.scheduling import VariantGroupScheduling
from tests.variants import VARIANTS, Variant

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
        yield


@pytest.fixture(scope="session")
def projects(isolated_copier: None, tmp_path_factory: pytest.TempPathFactory) -> Projects:
    return Projects(tmp_path_factory.mktemp("variants"))


@pytest.fixture(
    params=[
        pytest.param(variant, id=variant.name, marks=pytest.mark.xdist_group(variant.name))
        for variant in VARIANTS
    ]
)
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


@pytest.fixture
def installed(rendered: Project, projects: Projects) -> Project:
    return projects.installed(rendered.variant)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """``--dist loadgroup`` (the default in addopts), grouped by variant."""
    if config.getvalue("dist") != "loadgroup":
        return None
    return VariantGroupScheduling(config, log)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    timings.summarize(terminalreporter)
