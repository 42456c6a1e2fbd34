"""The template's own GitHub workflow: valid, and one job for every variant of the covering set."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.harness import REPO_ROOT
from tests.harness.validators import run_tool, tool_command
from tests.harness.variants import VARIANTS

WORKFLOWS = Path(".github", "workflows")
WORKFLOW = WORKFLOWS / "ci.yml"
RELEASE_WORKFLOW = WORKFLOWS / "release.yml"
EVERY_WORKFLOW = sorted(path.name for path in (REPO_ROOT / WORKFLOWS).glob("*.yml"))


def _workflow(path: Path = WORKFLOW) -> dict[Any, Any]:
    workflow = yaml.safe_load((REPO_ROOT / path).read_text(encoding="utf-8"))
    assert isinstance(workflow, dict)
    return workflow


@pytest.mark.parametrize("name", EVERY_WORKFLOW)
def test_actionlint_finds_nothing_in_the_workflow(
    name: str, request: pytest.FixtureRequest
) -> None:
    result = run_tool(tool_command("actionlint", request), str(WORKFLOWS / name), cwd=REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", EVERY_WORKFLOW)
def test_the_workflow_follows_the_github_schema(name: str, request: pytest.FixtureRequest) -> None:
    check = tool_command("check-jsonschema", request)
    result = run_tool(
        check, "--builtin-schema", "vendor.github-workflows", str(WORKFLOWS / name), cwd=REPO_ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_in_the_workflows(request: pytest.FixtureRequest) -> None:
    audited = run_tool(tool_command("zizmor", request), "--offline", ".github", cwd=REPO_ROOT)
    assert audited.returncode == 0, audited.stdout + audited.stderr


def test_a_release_is_tagged_only_from_a_push_to_main_that_ci_passed() -> None:
    caller = _workflow()["jobs"]["release"]
    assert caller["uses"] == f"./{RELEASE_WORKFLOW}"
    assert set(caller["needs"]) == set(_workflow()["jobs"]) - {"release"}
    assert caller["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert caller["permissions"] == {"contents": "write"}
    workflow = _workflow(RELEASE_WORKFLOW)
    assert workflow[True] == {"workflow_call": None}  # YAML 1.1 reads the key `on` as true
    assert workflow["permissions"] == {"contents": "read"}
    job = workflow["jobs"]["release"]
    assert job["permissions"] == {"contents": "write"}
    runs = "\n".join(step.get("run", "") for step in job["steps"])
    assert "scripts/release.py next" in runs
    assert "scripts/release.py notes" in runs
    assert 'gh release create "$TAG" --target "$SHA"' in runs


def test_the_local_run_calls_the_readmes_test_command() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    ci_run = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "```sh\nuv run pytest -n auto\n```" in readme
    assert "\nuv run pytest -n auto --require-services\n" in ci_run


def test_the_matrix_is_every_variant() -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "tests.harness.variants"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(listed.stdout) == [variant.name for variant in VARIANTS]
    variant_job = _workflow()["jobs"]["variant"]
    assert (
        "fromJSON(needs.template.outputs.variants)" in variant_job["strategy"]["matrix"]["variant"]
    )
    run = variant_job["steps"][-1]["run"]
    assert '--variant "$VARIANT"' in run
    assert "--require-services" in run
    assert "--require-pythons" in run


def test_every_job_installs_the_tools_the_local_run_does() -> None:
    ci_run = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash .ci/install-tools" in ci_run
    for name, job in _workflow()["jobs"].items():
        if "uses" in job:  # a reusable workflow: the release, which renders nothing
            continue
        runs = "\n".join(step.get("run", "") for step in job["steps"])
        assert "uv sync --frozen" in runs, name
        assert "bash .ci/install-tools" in runs, name
        pythons = next(
            step["with"]["python-version"].split()
            for step in job["steps"]
            if str(step.get("uses", "")).startswith("actions/setup-python")
        )
        assert sorted(pythons) == ["3.11", "3.12", "3.13", "3.14", "3.15"], name


def test_the_variant_jobs_have_the_servers_the_variants_test_against() -> None:
    services = _workflow()["jobs"]["variant"]["services"]
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["mariadb"]["image"].startswith("mariadb:")
    assert {"5432:5432"} == set(services["postgres"]["ports"])
    assert {"3306:3306"} == set(services["mariadb"]["ports"])


def test_the_template_job_has_the_history_and_the_server_the_update_tests_need() -> None:
    job = _workflow()["jobs"]["template"]
    checkout = next(
        step for step in job["steps"] if step.get("uses", "").startswith("actions/checkout")
    )
    assert checkout["with"]["fetch-depth"] == 0
    assert job["services"]["postgres"]["image"].startswith("postgres:")
