"""Tier 1: the docker answer renders an image build and a local stack that the ecosystem's own
tools accept: hadolint for the Dockerfile, Compose and the compose-spec schema for the stack."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import variant_params
from tests.harness.projects import UV, Project
from tests.harness.validators import run_tool, tool_command
from tests.harness.variants import DOCKER_FILES, NEWER_PYTHON_VARIANTS, answering

COMPOSE_FILES = ("compose.yaml", "compose.dev.yaml")
DATABASE_IMAGES = {"postgresql": "postgres:", "mysql": "mariadb:"}
with_docker = variant_params(answering("docker", "true"))


def _runtime_stage(project: Project) -> list[str]:
    """The Dockerfile's instructions from its last FROM on, continuation lines joined."""
    text = (project.path / "Dockerfile").read_text(encoding="utf-8")
    instructions = re.sub(r"\\\n\s*", " ", text).splitlines()
    instructions = [line for line in instructions if line and not line.startswith("#")]
    last_from = max(i for i, line in enumerate(instructions) if line.startswith("FROM "))
    return instructions[last_from:]


def _compose(project: Project) -> dict[str, Any]:
    compose = yaml.safe_load((project.path / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(compose, dict)
    return compose


def _seconds(duration: str) -> float:
    match = re.fullmatch(r"(\d+)s", duration)
    assert match, duration
    return float(match.group(1))


def _shutdown_bound(project: Project) -> float:
    """What the service may take to stop: the drain, the graceful shutdown, then each
    exporter's flush (the defaults of the rendered settings)."""
    settings = [path for path in project.files if path.parent.name == "settings"]
    text = "".join((project.path / path).read_text(encoding="utf-8") for path in settings)
    defaults = re.findall(
        r"(?:drain_period|(?:graceful_)?shutdown_timeout): \w+ = Field\(\s*default=([\d.]+)", text
    )
    assert defaults, "no shutdown timeouts in the settings"
    return sum(float(value) for value in defaults)


@pytest.mark.parametrize("variant", with_docker, indirect=True)
def test_hadolint_finds_nothing_in_the_dockerfile(
    rendered: Project, request: pytest.FixtureRequest
) -> None:
    result = run_tool(
        tool_command("hadolint", request), "--no-color", "Dockerfile", cwd=rendered.path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


@pytest.mark.parametrize("variant", with_docker, indirect=True)
def test_compose_resolves_the_stack_and_its_dev_override(
    rendered: Project, request: pytest.FixtureRequest
) -> None:
    compose = tool_command("docker-compose", request)
    for files in (["compose.yaml"], ["compose.yaml", "compose.dev.yaml"]):
        arguments = [argument for name in files for argument in ("-f", name)]
        result = run_tool(compose, *arguments, "config", "--quiet", cwd=rendered.path)
        assert result.returncode == 0, f"{files}: {result.stderr}"


@pytest.mark.parametrize("variant", with_docker, indirect=True)
def test_compose_files_follow_the_compose_specification(
    rendered: Project, request: pytest.FixtureRequest
) -> None:
    check = tool_command("check-jsonschema", request)
    result = run_tool(
        check, "--builtin-schema", "vendor.compose-spec", *COMPOSE_FILES, cwd=rendered.path
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("variant", with_docker, indirect=True)
def test_the_image_runs_the_service_unprivileged_and_without_build_tools(
    rendered: Project,
) -> None:
    runtime = _runtime_stage(rendered)
    assert runtime[0].startswith("FROM python:${PYTHON_VERSION}-slim")
    version = (rendered.path / "Dockerfile").read_text(encoding="utf-8")
    assert f"ARG PYTHON_VERSION={rendered.python_version}\n" in version
    users = [line.split()[1] for line in runtime if line.startswith("USER ")]
    assert users, "the runtime stage sets no USER"
    assert users[-1].split(":")[0] not in {"0", "root"}
    package = str(rendered.answers["package_name"])
    assert runtime[-1] == f'CMD ["python", "-m", "{package}"]'
    assert "STOPSIGNAL SIGTERM" in runtime
    assert any(line.startswith("HEALTHCHECK ") and "/health/live" in line for line in runtime)
    # uv, the sources and the dev dependencies stay in the build stage.
    assert not any(re.search(r"\buv\b", line) for line in runtime)
    assert not any(line.startswith("COPY . ") for line in runtime)
    text = (rendered.path / "Dockerfile").read_text(encoding="utf-8")
    assert text.count("uv sync --locked --no-dev") == 2
    assert "--mount=type=cache,target=/root/.cache/uv" in text
    assert "UV_COMPILE_BYTECODE=1" in text


@pytest.mark.parametrize("variant", with_docker, indirect=True)
def test_the_build_context_is_an_allow_list(rendered: Project) -> None:
    lines = (rendered.path / ".dockerignore").read_text(encoding="utf-8").splitlines()
    rules = [line for line in lines if line and not line.startswith("#")]
    assert rules[0] == "*"
    allowed = {rule[1:].rstrip("/") for rule in rules if rule.startswith("!")}
    expected = {"README.md", "pyproject.toml", "uv.lock", "src"}
    if rendered.answers["database"] != "none":
        expected.add("migrations")
    assert allowed == expected


@pytest.mark.parametrize("variant", with_docker, indirect=True)
def test_the_stack_migrates_once_then_serves_with_its_database(rendered: Project) -> None:
    services = _compose(rendered)["services"]
    database = str(rendered.answers["database"])
    app = services["app"]
    conditions = {
        name: dependency["condition"] for name, dependency in app.get("depends_on", {}).items()
    }
    if database == "none":
        assert "migrate" not in services
        assert "db" not in services
    else:
        assert services["migrate"]["command"] == ["alembic", "upgrade", "head"]
        assert conditions["migrate"] == "service_completed_successfully"
        assert "alembic" not in str(app.get("command", ""))
    if database in DATABASE_IMAGES:
        assert services["db"]["image"].startswith(DATABASE_IMAGES[database])
        assert "healthcheck" in services["db"]
        assert conditions["db"] == "service_healthy"
    else:
        assert "db" not in services
    assert ("jaeger" in services) is (rendered.answers["tracing"] == "otlp")
    assert app["read_only"] is True
    assert app["cap_drop"] == ["ALL"]
    assert _seconds(app["stop_grace_period"]) > _shutdown_bound(rendered)


@pytest.mark.parametrize("variant", with_docker, indirect=True)
def test_the_dev_override_reloads_the_mounted_sources(rendered: Project) -> None:
    override = yaml.safe_load((rendered.path / "compose.dev.yaml").read_text(encoding="utf-8"))
    app = override["services"]["app"]
    assert "--reload" in app["command"]
    assert "./src:/app/src:ro" in app["volumes"]


@pytest.mark.parametrize("variant", variant_params(answering("docker", "false")), indirect=True)
def test_without_docker_no_container_file_is_rendered(rendered: Project) -> None:
    assert not {Path(name) for name in DOCKER_FILES} & set(rendered.files)
    mentions = [
        str(relative)
        for relative, text in rendered.texts().items()
        if re.search(r"Dockerfile|\.dockerignore|compose\.ya?ml|docker compose|docker build", text)
    ]
    assert not mentions, f"container traces in: {mentions}"


def test_every_project_comes_with_its_lock(rendered: Project) -> None:
    # Made by the copy's task; tier 2 installs with `uv sync --locked`, which fails on a
    # lock that does not match the project.
    if rendered.tasks_left_out:
        pytest.skip(rendered.tasks_left_out)
    assert Path("uv.lock") in rendered.files


# The image's Python is Debian trixie's (glibc 2.41; 2.40 is the newest manylinux tag uv
# knows), on both of the architectures Docker Hub builds it for; GitHub's runners are Ubuntu
# 24.04 (glibc 2.39). A dependency with no wheel there would be built from source in the
# image, with a compiler it does not have (orjson's cp315 wheels need glibc 2.39: on bookworm,
# 2.36, it would need Rust).
WHEEL_PLATFORMS = {
    "the image (amd64)": ("x86_64-manylinux_2_40", ()),
    "the image (arm64)": ("aarch64-manylinux_2_40", ()),
    "CI, with the dev tools": ("x86_64-manylinux_2_39", ("--group", "dev")),
}


@pytest.mark.parametrize("variant", variant_params(NEWER_PYTHON_VARIANTS), indirect=True)
@pytest.mark.parametrize("where", WHEEL_PLATFORMS)
def test_every_dependency_has_a_wheel_for_a_newer_python(rendered: Project, where: str) -> None:
    platform, groups = WHEEL_PLATFORMS[where]
    resolved = rendered.run(
        "wheels",
        UV,
        "pip",
        "compile",
        "pyproject.toml",
        *groups,
        "--python-version",
        rendered.python_version,
        "--python-platform",
        platform,
        "--only-binary",
        ":all:",
        "--no-header",
        "--quiet",
        "--output-file",
        os.devnull,
    )
    assert resolved.ok, f"{where}: {resolved.explain()}"
