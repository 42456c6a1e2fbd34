"""Tier 1: the everyday tooling a team expects: a Makefile whose targets run CI's commands,
an .editorconfig every rendered file keeps, and (with docker) a development container on the
compose stack, valid for the Dev Container specification and for Compose."""

from __future__ import annotations

import json
import re
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import editorconfig
import pytest
import yaml

from tests.conftest import variant_params
from tests.harness import REPO_ROOT
from tests.harness.projects import UV, Project, tool_environment
from tests.harness.readme_walk import free_port, stop_process_group
from tests.harness.validators import run_tool, tool_command
from tests.harness.variants import answering

DEVCONTAINER = Path(".devcontainer", "devcontainer.json")
DEVCONTAINER_COMPOSE = Path(".devcontainer", "compose.yaml")
DEVCONTAINER_SCHEMA = REPO_ROOT / "tests" / "harness" / "schemas" / "devContainer.base.schema.json"
# What each target runs, by the answers that render it.
TARGETS = {
    "install": ["uv sync"],
    "dev": ["uv run fastapi dev"],
    "serve": ["uv run python -m {package}"],
    "test": ["uv run pytest --cov"],
    "lint": ["uv run ruff format --check .", "uv run ruff check .", "uv run mypy"],
    "format": ["uv run ruff format .", "uv run ruff check --fix ."],
}
DATABASE_TARGETS = {"migrate": ["uv run alembic upgrade head"]}
DOCKER_TARGETS = {
    "image": ["docker build -t {slug} ."],
    "up": ["docker compose up --build"],
    "down": ["docker compose down"],
}


def _make(project: Project, request: pytest.FixtureRequest, *arguments: str) -> str:
    made = run_tool(
        tool_command("make", request), "--no-print-directory", *arguments, cwd=project.path
    )
    assert made.returncode == 0, made.stderr
    return made.stdout


def _expected_targets(project: Project) -> dict[str, list[str]]:
    targets = dict(TARGETS)
    if project.answers["database"] != "none":
        targets |= DATABASE_TARGETS
    if project.answers["docker"]:
        targets |= DOCKER_TARGETS
    values = {"package": project.answers["package_name"], "slug": project.answers["project_slug"]}
    return {
        name: [command.format(**values) for command in commands]
        for name, commands in targets.items()
    }


def test_every_make_target_runs_what_ci_runs_and_is_listed(
    rendered: Project, request: pytest.FixtureRequest
) -> None:
    expected = _expected_targets(rendered)
    for target, commands in expected.items():
        assert _make(rendered, request, "--dry-run", target).splitlines() == commands, target
    listed = re.findall(r"^  (\S+) +\S", _make(rendered, request), re.MULTILINE)
    assert sorted(listed) == sorted([*expected, "help", "audit"])
    audit = _make(rendered, request, "--dry-run", "audit")
    assert "uv export --locked --no-dev --no-emit-project" in audit
    assert "pip-audit --strict --disable-pip --require-hashes" in audit


def test_every_file_keeps_what_editorconfig_says(rendered: Project) -> None:
    assert Path(".editorconfig") in rendered.files
    broken = []
    for relative, text in rendered.texts().items():
        properties = editorconfig.get_properties(str(rendered.path / relative))
        lines = text.split("\n")
        rules = {
            "a final newline": properties.get("insert_final_newline") == "true"
            and not text.endswith("\n"),
            "trailing whitespace": properties.get("trim_trailing_whitespace") == "true"
            and any(line != line.rstrip(" \t") for line in lines),
            "CR line ends": properties.get("end_of_line") == "lf" and "\r" in text,
            "tab indentation": properties.get("indent_style") == "space"
            and any(line.startswith("\t") for line in lines),
        }
        broken += [f"{relative}: {rule}" for rule, failed in rules.items() if failed]
    assert broken == []


with_docker = variant_params(answering("docker", "true"))


def _devcontainer(project: Project) -> dict[str, Any]:
    loaded = json.loads((project.path / DEVCONTAINER).read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.mark.parametrize("variant", with_docker, indirect=True)
def test_the_devcontainer_follows_the_specification(
    rendered: Project, request: pytest.FixtureRequest
) -> None:
    checked = run_tool(
        tool_command("check-jsonschema", request),
        "--schemafile",
        str(DEVCONTAINER_SCHEMA),
        str(DEVCONTAINER),
        cwd=rendered.path,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("variant", with_docker, indirect=True)
def test_the_devcontainer_runs_on_the_stack_with_the_sources_mounted(
    rendered: Project, request: pytest.FixtureRequest
) -> None:
    """Compose resolves the files as the Dev Containers tools give them, paths relative to
    the first file's directory: the workspace is the project, its database beside it."""
    config = _devcontainer(rendered)
    files = [str(Path(".devcontainer") / name) for name in config["dockerComposeFile"]]
    arguments = [argument for name in files for argument in ("-f", name)]
    resolved = run_tool(
        tool_command("docker-compose", request), *arguments, "config", cwd=rendered.path
    )
    assert resolved.returncode == 0, resolved.stderr
    services = yaml.safe_load(resolved.stdout)["services"]
    workspace = services[config["service"]]
    # Compose 1 writes each volume as source:target[:mode], Compose 2 as a mapping.
    mounts = dict(
        (volume["target"], volume["source"])
        if isinstance(volume, dict)
        else tuple(reversed(volume.split(":")[:2]))
        for volume in workspace["volumes"]
    )
    assert Path(mounts[config["workspaceFolder"]]) == rendered.path.resolve()
    assert set(config["runServices"]) <= set(services)
    database = rendered.answers["database"]
    assert ("db" in config["runServices"]) is (database in {"postgresql", "mysql"})
    assert "app" not in config["runServices"]
    environment = workspace["environment"]
    package = str(rendered.answers["package_name"]).upper()
    assert environment[f"{package}_SERVER__HOST"] == "0.0.0.0"  # noqa: S104 (in a container)
    if database in {"postgresql", "mysql"}:
        assert "@db:" in environment[f"{package}_DATABASE__URL"]
        assert "@db:" in environment["TEST_DATABASE_URL"]
        assert workspace["depends_on"]["db"]["condition"] == "service_healthy"
    python = rendered.python_version
    assert workspace["image"].endswith(f"-python{python}-trixie-slim")


@pytest.mark.parametrize("variant", variant_params(answering("docker", "false")), indirect=True)
def test_without_docker_there_is_no_devcontainer(rendered: Project) -> None:
    assert not any(path.parts[0] == ".devcontainer" for path in rendered.files)
    makefile = (rendered.path / "Makefile").read_text(encoding="utf-8")
    assert "docker" not in makefile


@pytest.mark.parametrize(
    "variant", variant_params(answering("database", "sqlite")[:1]), indirect=True
)
def test_fastapi_dev_serves_the_application(installed: Project) -> None:
    """``make dev``: the FastAPI CLI finds the application where pyproject.toml says."""
    port = free_port()
    with subprocess.Popen(
        [UV, "run", "--no-sync", "fastapi", "dev", "--port", str(port)],
        cwd=installed.path,
        env={**tool_environment(), **installed.env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # the reloader's server process is stopped with it
    ) as server:
        try:
            deadline = time.monotonic() + 30
            answer = None
            while answer is None and time.monotonic() < deadline:
                try:
                    with urllib.request.urlopen(
                        f"http://127.0.0.1:{port}/health/live", timeout=1
                    ) as response:
                        answer = json.loads(response.read())
                except OSError:
                    time.sleep(0.2)
        finally:
            stop_process_group(server)
    assert answer == {"status": "ok"}, "fastapi dev did not serve /health/live within 30 s"
