"""Tier 3: ``copier update`` brings a template change into a project that has changed since,
and loses nothing of the user's.

The template's history is built here, in a repository of its own
(tests/harness/template_history.py): the working tree as it is, tagged with the newest release
of CHANGELOG.md (V1), then the next release on top (V2, tagged from its changelog section) that
changes a file users edit too, changes a file they leave alone, and adds a file. Every variant
is rendered at V1, committed, edited as a team would, committed, and updated to V2; the answer
changes and the conflict are shown on the default variant.
"""

from __future__ import annotations

import re
import subprocess
import sysconfig
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from copier import run_copy, run_update

from tests.harness import REPO_ROOT, database_servers
from tests.harness.projects import UV, Project, install, project_files, read_answers
from tests.harness.template_history import (
    APP_DOCSTRING,
    NEW_APP_DOCSTRING,
    TEAM_FUNCTION,
    TemplateHistory,
    commit,
    git,
    newest_release,
    next_minor,
    reword_the_app_docstring,
)
from tests.harness.variants import BASE_ANSWERS, DOCKER_FILES, Variant, copier_answer

V1 = newest_release()
V2 = next_minor(V1)
V2_ENV_LINE = (
    "# OTEL_SERVICE_NAME is not read: the service name is {{ package_name | upper }}_SERVICE_NAME."
)
V2_NEW_FILE = "RUNBOOK.md"
CONFLICT_MARKERS = re.compile(r"^(<<<<<<<|=======$|>>>>>>>)", re.MULTILINE)


def _v2(template: Path) -> None:
    """What the next release changes: a file teams edit too, one they leave alone, a new one."""
    reword_the_app_docstring(template)
    env_example = template / "template" / ".env.example.jinja"
    with env_example.open("a", encoding="utf-8") as stream:
        stream.write(V2_ENV_LINE + "\n")
    (template / "template" / f"{V2_NEW_FILE}.jinja").write_text(
        "# {{ project_name }}: runbook\n\nWhat to do when the service pages you.\n",
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def template_repo(isolated_copier: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This template released (the working tree, tagged V1), and the next release (V2)."""
    history = TemplateHistory.of_the_working_tree(tmp_path_factory.mktemp("template"))
    assert history.tag == V1
    released = history.release(_v2, "### Changed\n- A runbook.\n\n### Upgrading\n- Nothing.")
    assert released == V2
    return history.path


def _answers(overrides: Mapping[str, str]) -> dict[str, object]:
    given = {**BASE_ANSWERS, **overrides}
    return {question: copier_answer(question, value) for question, value in given.items()}


def _copy(source: Path, dest: Path, answers: Mapping[str, object], ref: str) -> None:
    """Render ``source`` at ``ref`` with ``answers`` (as Copier takes them), tasks skipped."""
    run_copy(
        src_path=str(source),
        dst_path=dest,
        data=dict(answers),
        defaults=True,
        unsafe=True,
        vcs_ref=ref,
        quiet=True,
        skip_tasks=True,
    )


def _update(project: Path, ref: str, data: Mapping[str, object] | None = None) -> None:
    run_update(
        dst_path=project,
        data=dict(data or {}),
        defaults=True,
        overwrite=True,
        unsafe=True,
        vcs_ref=ref,
        quiet=True,
        skip_tasks=True,
        skip_answered=True,
    )


def _package(project: Path) -> Path:
    return project / "src" / str(read_answers(project)["package_name"])


def _tree(project: Path) -> dict[str, str]:
    """Every file of a project but git's, with its text."""
    return {
        str(path.relative_to(project)): path.read_text(encoding="utf-8")
        for path in sorted(project.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(project).parts
    }


def _rendered_and_committed(template: Path, dest: Path, overrides: Mapping[str, str]) -> Path:
    _copy(template, dest, _answers(overrides), V1)
    git(dest, "init", "--quiet", "--initial-branch=main")
    commit(dest, "Rendered from the template")
    return dest


USER_NOTE = "# The team's note: request ids come from the edge proxy.\n"
USER_FILE = '"""A module of the team\'s own."""\n\nOWNER = "payments"\n'


def _edit_as_a_team_would(project: Path) -> None:
    """Edits in a file the template changes (apart from its change), in a file it leaves
    alone, and a new file; committed."""
    package = _package(project)
    with (package / "app.py").open("a", encoding="utf-8") as stream:
        stream.write(TEAM_FUNCTION)
    with (package / "core" / "context.py").open("a", encoding="utf-8") as stream:
        stream.write(USER_NOTE)
    (package / "owners.py").write_text(USER_FILE, encoding="utf-8")
    commit(project, "Our changes")


@pytest.fixture
def edited(variant: Variant, template_repo: Path, tmp_path: Path) -> Path:
    """A project rendered at v1 with the variant's answers, and edited by its team."""
    project = _rendered_and_committed(template_repo, tmp_path / "project", variant.answers)
    _edit_as_a_team_would(project)
    return project


def test_an_update_brings_the_release_and_keeps_every_edit(
    edited: Path, template_repo: Path, tmp_path: Path
) -> None:
    edits = git(edited, "diff", "--binary", "HEAD~1", "HEAD")

    _update(edited, V2)

    package = _package(edited)
    app = (package / "app.py").read_text(encoding="utf-8")
    assert app.startswith(NEW_APP_DOCSTRING)
    assert app.endswith(TEAM_FUNCTION)
    assert (package / "core" / "context.py").read_text(encoding="utf-8").endswith(USER_NOTE)
    assert (package / "owners.py").read_text(encoding="utf-8") == USER_FILE
    answers = read_answers(edited)
    env_example = (edited / ".env.example").read_text(encoding="utf-8")
    package_name = str(answers["package_name"])
    assert V2_ENV_LINE.replace("{{ package_name | upper }}", package_name.upper()) in env_example
    assert (edited / V2_NEW_FILE).is_file()
    assert answers["_commit"] == V2
    assert not list(edited.rglob("*.rej"))
    conflicted = [name for name, text in _tree(edited).items() if CONFLICT_MARKERS.search(text)]
    assert not conflicted

    # The invariant: what the update made is a fresh copy of v2 plus the team's edits.
    fresh = tmp_path / "fresh"
    given = {key: value for key, value in answers.items() if not key.startswith("_")}
    _copy(template_repo, fresh, given, V2)
    subprocess.run(["git", "apply", "-"], cwd=fresh, input=edits, text=True, check=True)
    assert _tree(edited) == _tree(fresh)


def test_an_overlapping_edit_is_marked_inline_and_nothing_else_is_lost(
    template_repo: Path, tmp_path: Path
) -> None:
    project = _rendered_and_committed(template_repo, tmp_path / "project", {})
    app = _package(project) / "app.py"
    ours = '"""The application factory, as our team tells it."""'
    app.write_text(
        app.read_text(encoding="utf-8").replace(APP_DOCSTRING, ours) + TEAM_FUNCTION,
        encoding="utf-8",
    )
    commit(project, "Our docstring")

    _update(project, V2)

    text = app.read_text(encoding="utf-8")
    assert ours in text
    assert NEW_APP_DOCSTRING in text
    assert len(CONFLICT_MARKERS.findall(text)) == 3
    assert text.endswith(TEAM_FUNCTION)
    # Reported as git reports a merge's: the file is unmerged in the index.
    unmerged = git(project, "diff", "--name-only", "--diff-filter=U").split()
    assert unmerged == [str(app.relative_to(project))]
    assert (project / V2_NEW_FILE).is_file()
    others = [
        name
        for name, content in _tree(project).items()
        if name != str(app.relative_to(project)) and CONFLICT_MARKERS.search(content)
    ]
    assert not others


def test_answering_no_docker_on_update_removes_exactly_the_container_files(
    template_repo: Path, tmp_path: Path
) -> None:
    project = _rendered_and_committed(template_repo, tmp_path / "project", {})
    before = set(_tree(project))

    _update(project, V1, {"docker": False})

    after = set(_tree(project))
    assert before - after == set(DOCKER_FILES)
    assert after - before == set()
    assert "docker compose" not in (project / "README.md").read_text(encoding="utf-8")


def test_switching_tracing_on_by_update_wires_it_in(template_repo: Path, tmp_path: Path) -> None:
    project = _rendered_and_committed(template_repo, tmp_path / "project", {})
    _edit_as_a_team_would(project)

    _update(project, V2, {"tracing": "otlp"})

    package = _package(project)
    assert (package / "observability" / "tracing.py").is_file()
    assert (project / "tests" / "integration" / "test_tracing.py").is_file()
    lifecycle = (package / "observability" / "lifecycle.py").read_text(encoding="utf-8")
    assert "self.add(self.tracing)" in lifecycle
    app = (package / "app.py").read_text(encoding="utf-8")
    assert app.endswith(TEAM_FUNCTION)
    pyproject = (project / "pyproject.toml").read_text(encoding="utf-8")
    assert "opentelemetry-exporter-otlp-proto-http" in pyproject


def _locked_and_installed(path: Path, name: str, answers: Mapping[str, str]) -> Project:
    """The updated project at ``path``, its lock refreshed (as a team does after an update that
    changes the dependencies) and its environment made from it."""
    variant = Variant(name, {**BASE_ANSWERS, **answers})
    project = Project(variant, path, project_files(path), read_answers(path))
    locked = project.run("lock", UV, "lock")
    assert locked.ok, locked.explain()
    error = install(project)
    assert error is None, error
    return project


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A PostgreSQL server for a project's own tests (skipped, or failed in CI, without one)."""
    url = database_servers.reachable_url(database_servers.SERVERS["postgresql"], request)
    prefix = database_servers.database_name("update-sqlite-to-postgresql")
    database_servers.drop_databases(url, prefix)
    yield database_servers.with_database(url, prefix)
    database_servers.drop_databases(url, prefix)


def test_moving_from_sqlite_to_postgresql_by_update_passes_the_projects_suite(
    template_repo: Path, tmp_path: Path, postgres_url: str
) -> None:
    project_path = _rendered_and_committed(template_repo, tmp_path / "project", {})
    _edit_as_a_team_would(project_path)

    _update(project_path, V2, {"database": "postgresql"})

    pyproject = (project_path / "pyproject.toml").read_text(encoding="utf-8")
    assert "asyncpg" in pyproject
    assert "aiosqlite" not in pyproject
    project = _locked_and_installed(
        project_path, "update-sqlite-to-postgresql", {"database": "postgresql"}
    )
    project.env["TEST_DATABASE_URL"] = postgres_url
    tested = project.check("pytest")
    assert tested.ok, tested.explain()


def test_the_default_project_updates_cleanly_from_the_previous_commit(tmp_path: Path) -> None:
    """From this repository's previous commit to its working tree, as a project made last
    release and updated now would go."""
    previous = git(REPO_ROOT, "rev-parse", "HEAD~1").strip()
    project = tmp_path / "project"
    _copy(REPO_ROOT, project, _answers({}), previous)
    git(project, "init", "--quiet", "--initial-branch=main")
    commit(project, "Rendered from the template")

    _update(project, "HEAD")

    assert not list(project.rglob("*.rej"))
    conflicted = [name for name, text in _tree(project).items() if CONFLICT_MARKERS.search(text)]
    assert not conflicted
    fresh = tmp_path / "fresh"
    _copy(REPO_ROOT, fresh, _answers({}), "HEAD")
    updated, copied = _tree(project), _tree(fresh)
    updated.pop(".copier-answers.yml")
    copied.pop(".copier-answers.yml")
    assert updated == copied


@pytest.mark.usefixtures("isolated_copier")
def test_a_project_copied_from_a_url_updates_from_inside_it(tmp_path: Path) -> None:
    """The source recorded as given (a URL), the newest release found by Copier itself, the
    update run by the command line from the project's directory."""
    history = TemplateHistory.of_the_working_tree(tmp_path / "work")
    published = tmp_path / "published" / "groundwork.git"
    git(tmp_path, "clone", "--quiet", "--bare", str(history.path), str(published))
    url = published.as_uri()
    copier = Path(sysconfig.get_path("scripts")) / "copier"
    data = [f"--data={key}={value}" for key, value in BASE_ANSWERS.items()]
    subprocess.run(
        [str(copier), "copy", "--trust", "--defaults", "--skip-tasks", *data, url, "project"],
        cwd=tmp_path,
        capture_output=True,
        check=True,
    )
    project = tmp_path / "project"
    git(project, "init", "--quiet", "--initial-branch=main")
    commit(project, "Rendered from the template")
    assert read_answers(project)["_src_path"] == url
    released = history.release(reword_the_app_docstring, "### Changed\n- Wording.")
    git(history.path, "push", "--quiet", "--tags", str(published), "main")

    updated = subprocess.run(
        [str(copier), "update", "--trust", "--skip-answered", "--skip-tasks"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )

    assert updated.returncode == 0, updated.stderr
    answers = read_answers(project)
    assert (answers["_src_path"], answers["_commit"]) == (url, released)
    assert (_package(project) / "app.py").read_text(encoding="utf-8").startswith(NEW_APP_DOCSTRING)


# The README's "Extending the service": python blocks, each a file its first line names.
EXTENSION_SECTION = re.compile(r"^## Extending the service\n(.*?)^## ", re.MULTILINE | re.DOTALL)
PYTHON_BLOCK = re.compile(r"^```python\n# (\S+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def _extensions_of_the_readme(project: Path) -> dict[str, str]:
    """The files the README's "Extending the service" gives, by their path."""
    readme = (project / "README.md").read_text(encoding="utf-8")
    section = EXTENSION_SECTION.search(readme)
    assert section, "the README has no 'Extending the service' section"
    files = dict(PYTHON_BLOCK.findall(section[1]))
    assert files, "the README's 'Extending the service' shows no file"
    return files


@pytest.mark.parametrize("metrics", ["prometheus", "otlp"])
def test_the_readmes_extensions_survive_an_update_and_pass_their_checks(
    template_repo: Path, tmp_path: Path, metrics: str
) -> None:
    """A router, a readiness check, a metric, a middleware and a settings group added as the
    README says, in the files it names: the next release merges without a conflict, and the
    project passes its lint, its strict types and the test the README gives."""
    answers = {"metrics": metrics}
    project_path = _rendered_and_committed(template_repo, tmp_path / "project", answers)
    extensions = _extensions_of_the_readme(project_path)
    for name, text in extensions.items():
        (project_path / name).write_text(text, encoding="utf-8")
    commit(project_path, "Payments")

    _update(project_path, V2)

    conflicted = [
        name for name, text in _tree(project_path).items() if CONFLICT_MARKERS.search(text)
    ]
    assert not conflicted
    assert not list(project_path.rglob("*.rej"))
    for name, text in extensions.items():
        assert (project_path / name).read_text(encoding="utf-8") == text, name
    assert NEW_APP_DOCSTRING in (_package(project_path) / "app.py").read_text(encoding="utf-8")
    project = _locked_and_installed(project_path, f"update-with-extensions-{metrics}", answers)
    for step in ("ruff-format", "ruff-check", "mypy"):
        checked = project.check(step)
        assert checked.ok, checked.explain()
    tested = project.run(
        "pytest", UV, "run", "--no-sync", "pytest", "tests/integration/test_payments.py"
    )
    assert tested.ok, tested.explain()
