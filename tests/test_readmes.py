"""Tier 3: the READMEs, run as written, from the copy to the update (tests/harness/readme_walk.py).

The template README's walk on the default answers; the rendered README's on each database
server, after the template README's copy. A README change that breaks a newcomer's path fails
here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

import pytest

from tests.harness import REPO_ROOT, database_servers, left_out
from tests.harness.projects import StepResult, copy_template, read_answers
from tests.harness.readme_walk import Walk, command_blocks, split_at_update
from tests.harness.template_history import (
    NEW_APP_DOCSTRING,
    TEAM_FUNCTION,
    TemplateHistory,
    add_the_team_function,
    commit,
    git,
    reword_the_app_docstring,
)

TEMPLATE_README = REPO_ROOT / "README.md"
# The template's own test command: the suite this test is part of, not a step of the walk.
TEMPLATE_TESTS = ["uv run pytest -n auto"]
PROJECT_DIR = "my-service"  # where the template README's copy renders
EMAIL = "team@example.com"
CONFLICT_MARKERS = re.compile(r"^(<<<<<<<|=======$|>>>>>>>)", re.MULTILINE)
RELEASE_NOTES = "### Changed\n- The application module's docstring.\n\n### Upgrading\n- Nothing."


def _template_blocks() -> list[list[str]]:
    blocks = command_blocks(TEMPLATE_README.read_text(encoding="utf-8"))
    assert TEMPLATE_TESTS in blocks, "the template README no longer gives its test command"
    return [block for block in blocks if block != TEMPLATE_TESTS]


@pytest.fixture
def history(isolated_copier: None, tmp_path: Path) -> TemplateHistory:
    """The template, released, in ``groundwork/`` beside where the walk starts."""
    return TemplateHistory.of_the_working_tree(tmp_path / "groundwork")


@pytest.fixture
def report_left_out(
    record_property: Callable[[str, object], None], request: pytest.FixtureRequest
) -> Iterator[list[Walk]]:
    walks: list[Walk] = []
    yield walks
    reasons = [reason for walk in walks for reason in walk.left_out]
    record_property(*left_out.as_property(request.node.name, reasons))


def _passed(result: StepResult) -> StepResult:
    if not result.ok:
        pytest.fail(result.explain(), pytrace=False)
    return result


def _copied(result: StepResult, project: Path, history: TemplateHistory) -> None:
    """What every copy from a released template shows."""
    assert "No git tags found" not in result.output
    answers = read_answers(project)
    assert answers["_commit"] == history.tag
    assert answers["_src_path"] == history.path.resolve().as_posix()
    assert f"is in {PROJECT_DIR}. Next, as its README.md explains:" in result.output
    assert git(project, "log", "--format=%s").splitlines() == [
        f"Render the project from Groundwork {history.tag}"
    ]


def _release_and_update(
    walk: Walk, update_blocks: list[list[str]], project: Path, history: TemplateHistory
) -> StepResult:
    """A commit of the team's, a new release of the template, then the README's update."""
    app = add_the_team_function(project, walk.package)
    commit(project, "Our banner")
    new_tag = history.release(reword_the_app_docstring, RELEASE_NOTES)

    updated = _passed(walk.run(update_blocks, project, project.parent / "update.log"))

    assert f"is updated to Groundwork {new_tag}. Next:" in updated.output
    assert read_answers(project)["_commit"] == new_tag
    text = app.read_text(encoding="utf-8")
    assert text.startswith(NEW_APP_DOCSTRING)
    assert text.endswith(TEAM_FUNCTION)
    conflicted = git(project, "diff", "--name-only", "--diff-filter=U").split()
    assert conflicted == []
    assert not CONFLICT_MARKERS.search(text)
    return updated


def test_the_template_readme_runs_from_the_copy_to_an_update(
    history: TemplateHistory, tmp_path: Path, report_left_out: list[Walk]
) -> None:
    walk = Walk({"project_name": "My Service", "author_email": EMAIL}, package="my_service")
    report_left_out.append(walk)
    before_update, update = split_at_update(_template_blocks())

    result = _passed(walk.run(before_update, tmp_path, tmp_path / "walk.log"))

    project = tmp_path / PROJECT_DIR
    _copied(result, project, history)
    assert '"title":"First note"' in result.output
    assert re.search(r"=+ \d+ passed", result.output), "the project's tests ran"
    _release_and_update(walk, update, project, history)
    assert walk.left_out == []


def _commands(blocks: list[list[str]]) -> list[str]:
    """The commands of ``blocks``, without comments and blank lines."""
    commands = (line.split(" #", 1)[0].strip() for block in blocks for line in block)
    return [command for command in commands if command and not command.startswith("#")]


def test_the_template_readme_is_the_default_projects_readme_in_short(
    isolated_copier: None, tmp_path: Path
) -> None:
    """The template README's steps in the service are the rendered README's, in its order."""
    copy_template(tmp_path / "p", {"project_name": "My Service", "author_email": EMAIL})
    readme = (tmp_path / "p" / "README.md").read_text(encoding="utf-8")
    rendered = iter(_commands(command_blocks(readme)))
    before_update, _ = split_at_update(_template_blocks())
    steps = [step for step in _commands(before_update[1:]) if step != f"cd {PROJECT_DIR}"]
    missing = [step for step in steps if step not in rendered]
    assert missing == [], "not in the rendered README, in this order"


DATABASE_URL_LINE = re.compile(r"^(?P<name>[A-Z0-9_]+_DATABASE__URL)=(?P<url>\S+)$", re.MULTILINE)


def _at_server(url: str, server: SplitResult) -> str:
    """``url`` pointed at ``server``'s host and port."""
    parts = urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    return parts._replace(netloc=f"{credentials}@{server.hostname}:{server.port}").geturl()


def _client_environment(server: SplitResult, database: str, home: Path) -> dict[str, str]:
    """The environment that points psql, or mysql, at the server (as its administrator)."""
    if database == "postgresql":
        return {
            "PGHOST": server.hostname or "127.0.0.1",
            "PGPORT": str(server.port or 5432),
            "PGUSER": server.username or "postgres",
            "PGPASSWORD": server.password or "",
            "PGDATABASE": server.path.lstrip("/") or "postgres",
        }
    home.mkdir(exist_ok=True)
    (home / "my.cnf").write_text(
        "[client]\n"
        f"host={server.hostname or '127.0.0.1'}\nport={server.port or 3306}\n"
        f"user={server.username or 'root'}\npassword={server.password or ''}\n",
        encoding="utf-8",
    )
    return {"MYSQL_HOME": str(home)}


@pytest.fixture
def clean_server(request: pytest.FixtureRequest) -> Iterator[tuple[str, SplitResult, str]]:
    """A database server, and the names the walk creates on it dropped before and after."""
    database = request.param
    server = database_servers.reachable_url(database_servers.SERVERS[database], request)
    package = f"gw_walk_{database}"
    test_prefix = database_servers.database_name(f"walk-{database}")

    def clean() -> None:
        database_servers.drop_databases(server, package)
        database_servers.drop_databases(server, test_prefix)
        database_servers.drop_user(server, package)

    clean()
    yield database, server, package
    clean()


@pytest.mark.parametrize("clean_server", ["postgresql", "mysql"], indirect=True)
def test_the_rendered_readme_runs_on_a_database_server(
    clean_server: tuple[str, SplitResult, str],
    history: TemplateHistory,
    tmp_path: Path,
    report_left_out: list[Walk],
) -> None:
    database, server, package = clean_server
    walk = Walk(
        {
            "project_name": package.replace("_", " ").title(),
            "author_email": EMAIL,
            "database": database,
        },
        package=package,
        env={
            **_client_environment(server, database, tmp_path / "mysql-home"),
            "TEST_DATABASE_URL": database_servers.with_database(
                server, database_servers.database_name(f"walk-{database}")
            ),
        },
    )
    report_left_out.append(walk)
    copied = _passed(walk.run([_template_blocks()[0]], tmp_path, tmp_path / "copy.log"))
    project = tmp_path / PROJECT_DIR
    _copied(copied, project, history)
    readme = (project / "README.md").read_text(encoding="utf-8")
    before_update, update = split_at_update(command_blocks(readme))
    example = (project / ".env.example").read_text(encoding="utf-8")
    setting = DATABASE_URL_LINE.search(example)
    assert setting, ".env.example sets no database URL for the role the README creates"
    walk.env[setting["name"]] = _at_server(setting["url"], server)

    result = _passed(walk.run(before_update, project, tmp_path / "walk.log"))

    assert '"title":"First note"' in result.output
    assert re.search(r"=+ \d+ passed", result.output), "the project's tests ran"
    _release_and_update(walk, update, project, history)
    assert all(reason.startswith("docker") for reason in walk.left_out), walk.left_out
