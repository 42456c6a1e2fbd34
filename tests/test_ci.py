"""Tier 1: the ci answer renders the project's own pipeline, valid for its provider.

Both providers run the same jobs: lint, typecheck, tests (against a service container of
the variant's database server), migrations (with a database), build-image (with a
Dockerfile). The files are checked by the providers' schemas (and actionlint for GitHub),
then parsed for what a user relies on.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import variant_params
from tests.harness.projects import Project, copy_with_cli, read_answers
from tests.harness.validators import run_tool, tool_command
from tests.harness.variants import BASE_ANSWERS, answering

WORKFLOWS = {"github": Path(".github", "workflows", "ci.yml"), "gitlab": Path(".gitlab-ci.yml")}
SERVICE_IMAGES = {"postgresql": "postgres:18", "mysql": "mariadb:11.8"}
SERVER_PORTS = {"postgresql": "5432", "mysql": "3306"}
DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "mysql": "mysql+asyncmy",
}
MIGRATION_COMMANDS = [
    "uv run alembic upgrade head",
    "uv run alembic downgrade base",
    "uv run alembic upgrade head",
    "uv run alembic check",
]
CHECK_COMMANDS = {
    "lint": ["uv run ruff format --check .", "uv run ruff check ."],
    "typecheck": ["uv run mypy"],
    "tests": ["uv run pytest --cov"],
}
AUDIT_COMMANDS = [
    "uv export --locked --no-dev --no-emit-project --format requirements-txt"
    " --output-file requirements.txt",
    "uv run --isolated --only-group audit pip-audit --strict --disable-pip --require-hashes"
    " --requirement requirements.txt",
]
# Top-level keys of a .gitlab-ci.yml that are not jobs.
GITLAB_KEYWORDS = frozenset({"default", "include", "stages", "variables", "workflow"})
# (github.com itself is not one: the pre-commit hooks come from there.)
PROVIDER_TRACE = re.compile(r"GitHub Actions|GitLab|\.github/|\.gitlab-ci|workflows/ci")


def _pipeline(project: Project) -> dict[Any, Any]:
    path = project.path / WORKFLOWS[str(project.answers["ci"])]
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _jobs(project: Project) -> dict[str, dict[str, Any]]:
    """The pipeline's jobs by name; a GitLab job with the template it extends merged in."""
    pipeline = _pipeline(project)
    if project.answers["ci"] == "github":
        jobs: dict[str, dict[str, Any]] = pipeline["jobs"]
        return jobs
    merged = {}
    for name, job in pipeline.items():
        if name in GITLAB_KEYWORDS or name.startswith("."):
            continue
        extended = pipeline[job["extends"]] if "extends" in job else {}
        merged[name] = {**extended, **job}
    return merged


def _commands(project: Project, job: dict[str, Any]) -> list[str]:
    """The shell commands a job runs, in order."""
    if project.answers["ci"] == "github":
        return [step["run"] for step in job["steps"] if "run" in step]
    return [*job.get("before_script", []), *job["script"]]


def _service_images(project: Project, job: dict[str, Any]) -> list[str]:
    services = job.get("services", {})
    if project.answers["ci"] == "github":
        return [service["image"] for service in services.values()]
    return [service["name"] if isinstance(service, dict) else service for service in services]


def _variables(project: Project, job: dict[str, Any]) -> dict[str, str]:
    key = "env" if project.answers["ci"] == "github" else "variables"
    variables: dict[str, str] = job.get(key, {})
    return variables


@pytest.mark.parametrize("variant", variant_params(answering("ci", "github")), indirect=True)
def test_actionlint_finds_nothing(rendered: Project, request: pytest.FixtureRequest) -> None:
    linted = run_tool(
        tool_command("actionlint", request), str(WORKFLOWS["github"]), cwd=rendered.path
    )
    assert (linted.returncode, linted.stdout + linted.stderr) == (0, "")


# An action pinned to the commit its release tag names, the tag in a comment (which Dependabot
# moves with the pin): docs/decisions/0011.
PINNED_USES = re.compile(r"^\s*(?:- )?uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


@pytest.mark.parametrize("variant", variant_params(answering("ci", "github")), indirect=True)
def test_zizmor_finds_nothing_in_the_github_files(
    rendered: Project, request: pytest.FixtureRequest
) -> None:
    """Offline: its audits that need GitHub's API are left out."""
    audited = run_tool(tool_command("zizmor", request), "--offline", ".", cwd=rendered.path)
    assert audited.returncode == 0, audited.stdout + audited.stderr


@pytest.mark.parametrize("variant", variant_params(answering("ci", "github")), indirect=True)
def test_every_action_is_pinned_to_a_commit_with_its_release_named(rendered: Project) -> None:
    uses = [line for line in _pipeline_text(rendered).splitlines() if "uses:" in line]
    assert uses
    assert [line for line in uses if not PINNED_USES.match(line)] == []


@pytest.mark.parametrize(
    "variant", variant_params(answering("ci", "github", "gitlab")), indirect=True
)
def test_the_pipeline_matches_its_providers_schema(
    rendered: Project, request: pytest.FixtureRequest
) -> None:
    provider = str(rendered.answers["ci"])
    schema = {"github": "vendor.github-workflows", "gitlab": "vendor.gitlab-ci"}[provider]
    checked = run_tool(
        tool_command("check-jsonschema", request),
        "--builtin-schema",
        schema,
        str(WORKFLOWS[provider]),
        cwd=rendered.path,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_only_the_chosen_providers_file_is_rendered(rendered: Project) -> None:
    expected = {WORKFLOWS[provider] for provider in WORKFLOWS if provider == rendered.answers["ci"]}
    assert {path for path in WORKFLOWS.values() if path in rendered.files} == expected
    # Besides the workflow, .github holds Dependabot's configuration (test_dependency_updates).
    others = {path for path in rendered.files if path.parts[0] == ".github"} - expected
    dependabot = {Path(".github", "dependabot.yml")}
    assert others == (dependabot if rendered.answers["ci"] == "github" else set())


@pytest.mark.parametrize("variant", variant_params(answering("ci", "none")), indirect=True)
def test_no_ci_leaves_no_trace_of_a_provider(rendered: Project) -> None:
    traces = [
        f"{relative}:{number}: {line.strip()}"
        for relative, text in rendered.texts().items()
        for number, line in enumerate(text.splitlines(), start=1)
        if PROVIDER_TRACE.search(line) and relative != Path(".copier-answers.yml")
    ]
    assert not traces, "\n".join(traces)
    readme = (rendered.path / "README.md").read_text(encoding="utf-8")
    assert "## CI" not in readme


@pytest.mark.parametrize(
    "variant", variant_params(answering("ci", "github", "gitlab")), indirect=True
)
def test_the_checks_and_the_tests_run_from_the_lock(rendered: Project) -> None:
    jobs = _jobs(rendered)
    for name, commands in CHECK_COMMANDS.items():
        run = _commands(rendered, jobs[name])
        assert run[run.index("uv sync --locked") + 1 :] == commands, name
    for name, job in jobs.items():
        if name not in {"build-image", "audit"}:
            assert "uv sync --locked" in _commands(rendered, job), name


@pytest.mark.parametrize(
    "variant", variant_params(answering("ci", "github", "gitlab")), indirect=True
)
def test_the_audit_checks_the_locked_runtime_dependencies_without_installing_them(
    installed: Project,
) -> None:
    """pip-audit's advisory database is out of reach here: the job is validated, not run. Its
    export is run: every runtime dependency pinned with its hashes, no dev tool, not the
    project (which is not on PyPI)."""
    run = _commands(installed, _jobs(installed)["audit"])
    assert [command for command in run if command.startswith(("uv export", "uv run"))] == (
        AUDIT_COMMANDS
    )
    exported = installed.run("export", *shlex.split(AUDIT_COMMANDS[0]))
    assert exported.ok, exported.explain()
    requirements = installed.path / "requirements.txt"
    text = requirements.read_text(encoding="utf-8")
    requirements.unlink()
    pinned = set(re.findall(r"^([a-z0-9][a-z0-9._-]*)==", text, re.MULTILINE))
    assert {name.replace("_", "-") for name in installed.dependencies()} <= pinned
    assert not {"pytest", "mypy", "ruff", "pip-audit", installed.answers["project_slug"]} & pinned
    assert text.count("==") <= text.count("--hash=sha256:")


@pytest.mark.parametrize(
    "variant", variant_params(answering("ci", "github", "gitlab")), indirect=True
)
def test_the_tests_run_against_the_variants_database_server(rendered: Project) -> None:
    database = str(rendered.answers["database"])
    tests = _jobs(rendered)["tests"]
    expected = [SERVICE_IMAGES[database]] if database in SERVICE_IMAGES else []
    assert _service_images(rendered, tests) == expected
    variables = _variables(rendered, tests)
    if database not in SERVICE_IMAGES:
        assert "TEST_DATABASE_URL" not in variables
        return
    url = variables["TEST_DATABASE_URL"]
    assert url.startswith(f"{DRIVERS[database]}://")
    assert f":{SERVER_PORTS[database]}/{rendered.answers['package_name']}_test" in url
    if rendered.answers["ci"] == "github":
        (service,) = tests["services"].values()
        assert "--health-cmd" in service["options"]
        assert service["ports"] == [f"{SERVER_PORTS[database]}:{SERVER_PORTS[database]}"]
    else:
        (service,) = tests["services"]
        assert service["variables"]["HEALTHCHECK_TCP_PORT"] == SERVER_PORTS[database]
        assert f"@{service['alias']}:" in url


@pytest.mark.parametrize(
    "variant", variant_params(answering("ci", "github", "gitlab")), indirect=True
)
def test_migrations_go_up_down_up_with_no_drift_exactly_with_a_database(
    rendered: Project,
) -> None:
    database = str(rendered.answers["database"])
    jobs = _jobs(rendered)
    if database == "none":
        assert "migrations" not in jobs
        assert not any(
            "alembic" in command for job in jobs.values() for command in _commands(rendered, job)
        )
        return
    migrations = jobs["migrations"]
    run = _commands(rendered, migrations)
    assert run[run.index("uv sync --locked") + 1 :] == MIGRATION_COMMANDS
    setting = f"{str(rendered.answers['package_name']).upper()}_DATABASE__URL"
    assert _variables(rendered, migrations)[setting].startswith(f"{DRIVERS[database]}://")
    expected = [SERVICE_IMAGES[database]] if database in SERVICE_IMAGES else []
    assert _service_images(rendered, migrations) == expected


@pytest.mark.parametrize(
    "variant", variant_params(answering("ci", "github", "gitlab")), indirect=True
)
def test_the_image_is_built_exactly_with_a_dockerfile(rendered: Project) -> None:
    jobs = _jobs(rendered)
    assert set(jobs) - {"build-image"} == {"lint", "typecheck", "tests", "audit"} | (
        set() if rendered.answers["database"] == "none" else {"migrations"}
    )
    if rendered.answers["docker"] is not True:
        assert "build-image" not in jobs
        assert not re.search(r"docker", _pipeline_text(rendered), re.IGNORECASE)
        return
    build = jobs["build-image"]
    if rendered.answers["ci"] == "github":
        (step,) = [
            step for step in build["steps"] if "docker/build-push-action" in step.get("uses", "")
        ]
        assert step["with"]["context"] == "."
        assert step["with"]["push"] is False
    else:
        assert build["script"] == ["docker build ."]


def _pipeline_text(project: Project) -> str:
    return (project.path / WORKFLOWS[str(project.answers["ci"])]).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "variant", variant_params(answering("ci", "github", "gitlab")), indirect=True
)
def test_the_pipeline_uses_the_variants_python(rendered: Project) -> None:
    version = rendered.python_version
    jobs = {name: job for name, job in _jobs(rendered).items() if name != "build-image"}
    if rendered.answers["ci"] == "github":
        # uv installs the Python .python-version pins (the variant's), and nothing overrides it.
        assert (rendered.path / ".python-version").read_text(encoding="utf-8").strip() == version
        for name, job in jobs.items():
            assert "uv python install" in _commands(rendered, job), name
            setup = [step for step in job["steps"] if "astral-sh/setup-uv" in step.get("uses", "")]
            assert [step["with"] for step in setup] == [{"enable-cache": True}], name
        assert "python-version:" not in _pipeline_text(rendered)
    else:
        for name, job in jobs.items():
            assert re.fullmatch(
                rf"ghcr\.io/astral-sh/uv:[\d.]+-python{version}-\S+", job["image"]
            ), name


@pytest.mark.parametrize("variant", variant_params(answering("ci", "github")), indirect=True)
def test_github_runs_with_least_permissions_and_bounded_jobs(rendered: Project) -> None:
    workflow = _pipeline(rendered)
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"]["cancel-in-progress"] is True
    assert all(job["timeout-minutes"] <= 30 for job in workflow["jobs"].values())


@pytest.mark.parametrize("variant", variant_params(answering("ci", "gitlab")), indirect=True)
def test_gitlab_jobs_are_bounded_and_interruptible(rendered: Project) -> None:
    pipeline = _pipeline(rendered)
    assert pipeline["default"]["interruptible"] is True
    assert pipeline["workflow"]["auto_cancel"] == {"on_new_commit": "interruptible"}
    assert re.fullmatch(r"\d+ minutes", pipeline["default"]["timeout"])
    assert pipeline[".uv"]["cache"]["paths"] == [pipeline["variables"]["UV_CACHE_DIR"]]


@pytest.mark.parametrize(("value", "expected"), [("no", False), ("off", False), ("yes", True)])
def test_the_cli_reads_docker_as_a_yes_or_no(value: str, expected: bool, tmp_path: Path) -> None:
    """Copier reads a bool answer as yes or no (yes/no, true/false, on/off, 1/0) and has no
    way to refuse one: what a user types decides whether the image is built."""
    completed = copy_with_cli(tmp_path / "project", {**BASE_ANSWERS, "docker": value})
    assert completed.returncode == 0, completed.stderr
    assert read_answers(tmp_path / "project")["docker"] is expected
    workflow = (tmp_path / "project" / WORKFLOWS["github"]).read_text(encoding="utf-8")
    assert ("build-image:" in workflow) is expected
