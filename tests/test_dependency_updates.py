"""Tier 1: the rendered project keeps its pins current: Dependabot on GitHub, Renovate on GitLab.

Each file is checked against the schema check-jsonschema vendors (Renovate's accepts any key,
so the keys used are also looked up in it), then for what a team relies on: every ecosystem
the project pins is watched, updates are grouped, and every release waits a week.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import check_jsonschema
import pytest
import yaml

from tests.conftest import variant_params
from tests.harness.projects import Project
from tests.harness.validators import run_tool, tool_command
from tests.harness.variants import answering

DEPENDABOT = Path(".github", "dependabot.yml")
RENOVATE = Path("renovate.json")
VENDORED = Path(check_jsonschema.__file__).parent / "builtin_schemas" / "vendor"


def _check(project: Project, schema: str, path: Path, request: pytest.FixtureRequest) -> None:
    checked = run_tool(
        tool_command("check-jsonschema", request),
        "--builtin-schema",
        schema,
        str(path),
        cwd=project.path,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("variant", variant_params(answering("ci", "github")), indirect=True)
def test_dependabot_watches_every_ecosystem_the_project_pins(
    rendered: Project, request: pytest.FixtureRequest
) -> None:
    _check(rendered, "vendor.dependabot", DEPENDABOT, request)
    config = yaml.safe_load((rendered.path / DEPENDABOT).read_text(encoding="utf-8"))
    updates = {update["package-ecosystem"]: update for update in config["updates"]}
    docker = {"docker", "docker-compose", "devcontainers"} if rendered.answers["docker"] else set()
    assert set(updates) == {"uv", "github-actions", "pre-commit", *docker}
    for ecosystem, update in updates.items():
        assert update["cooldown"]["default-days"] >= 7, ecosystem
        assert [group["update-types"] for group in update["groups"].values()] == [
            ["minor", "patch"]
        ], ecosystem
        assert update["schedule"]["interval"] == "weekly", ecosystem


def _unknown_keys(value: dict[str, Any], schema: dict[str, Any]) -> set[str]:
    return set(value) - set(schema["properties"]) - {"$schema"}


@pytest.mark.parametrize("variant", variant_params(answering("ci", "gitlab")), indirect=True)
def test_renovate_groups_updates_and_waits_a_week(
    rendered: Project, request: pytest.FixtureRequest
) -> None:
    _check(rendered, "vendor.renovate", RENOVATE, request)
    config = json.loads((rendered.path / RENOVATE).read_text(encoding="utf-8"))
    schema = json.loads((VENDORED / "renovate.json").read_text(encoding="utf-8"))
    rule_schema = schema["definitions"]["packageRules"]["items"]["allOf"][0]
    assert _unknown_keys(config, schema) == set()
    for rule in config["packageRules"]:
        assert _unknown_keys(rule, rule_schema) == set(), rule
    assert config["minimumReleaseAge"] == "7 days"
    assert config["pre-commit"] == {"enabled": True}
    managers = {manager for rule in config["packageRules"] for manager in rule["matchManagers"]}
    docker = (
        {"dockerfile", "docker-compose", "devcontainer"} if rendered.answers["docker"] else set()
    )
    assert managers == {"pep621", "gitlabci", *docker}


@pytest.mark.parametrize("variant", variant_params(answering("ci", "none")), indirect=True)
def test_without_a_pipeline_no_update_bot_is_configured(rendered: Project) -> None:
    assert DEPENDABOT not in rendered.files
    assert RENOVATE not in rendered.files
