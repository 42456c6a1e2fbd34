"""Tier 1: deployment=kubernetes renders kustomize manifests that resolve, validate and hold.

Each overlay (and the base) is rendered with ``kubectl kustomize`` and checked against the
Kubernetes API schemas of the version the manifests target; then the rendered objects are read
for what a user relies on: probes, security, shutdown timing, the migration Job, the Secret.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import variant_params
from tests.harness.projects import Project, copy_template, copy_with_cli
from tests.harness.validators import run_tool, tool_command
from tests.harness.variants import BASE_ANSWERS, answering

KUBERNETES_VERSION = "1.32.0"  # what deploy/kubernetes/README.md says the manifests target
DEPLOY = Path("deploy", "kubernetes")
OVERLAYS = ("staging", "production")
HEALTH_PATHS = {
    "startupProbe": "/health/startup",
    "livenessProbe": "/health/live",
    "readinessProbe": "/health/ready",
}
CONTAINER_PORT = 8000
USER = 10001
# What the service's settings bound shutdown with: the flushes only where the variant has them.
DRAIN_PERIOD = "SERVER__DRAIN_PERIOD"
GRACEFUL_SHUTDOWN = "SERVER__GRACEFUL_SHUTDOWN_TIMEOUT"
FLUSH_BOUNDS = ("TELEMETRY__SHUTDOWN_TIMEOUT", "SENTRY__SHUTDOWN_TIMEOUT")

KUBERNETES = variant_params(answering("deployment", "kubernetes"))
NOT_KUBERNETES = variant_params(answering("deployment", "none"))


def _kustomizations(project: Project) -> list[Path]:
    """Every directory to deploy: the base, each overlay and, with a database, its migration."""
    roots = [DEPLOY / "base", *(DEPLOY / "overlays" / name for name in OVERLAYS)]
    if project.answers["database"] != "none":
        roots += [DEPLOY / "overlays" / name / "migration" for name in OVERLAYS]
    return roots


def _build(project: Project, root: Path, request: pytest.FixtureRequest) -> str:
    built = run_tool(tool_command("kubectl", request), "kustomize", str(root), cwd=project.path)
    assert built.returncode == 0, f"kubectl kustomize {root}:\n{built.stderr}"
    assert not built.stderr.strip(), f"kubectl kustomize {root} warned:\n{built.stderr}"
    return built.stdout


def _objects(project: Project, root: Path, request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    return [item for item in yaml.safe_load_all(_build(project, root, request)) if item]


def _one(objects: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    found = [item for item in objects if item["kind"] == kind]
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


def _config(objects: list[dict[str, Any]], prefix: str) -> dict[str, str]:
    """The ConfigMap's variables, without the settings' prefix."""
    data: dict[str, str] = _one(objects, "ConfigMap")["data"]
    return {key.removeprefix(prefix): value for key, value in data.items()}


def _prefix(project: Project) -> str:
    return f"{str(project.answers['package_name']).upper()}_"


@pytest.mark.parametrize("variant", KUBERNETES, indirect=True)
def test_every_kustomization_builds_and_validates(
    rendered: Project, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    validate = tool_command("kubernetes-validate", request)
    for root in _kustomizations(rendered):
        built = tmp_path / f"{'-'.join(root.parts)}.yaml"
        built.write_text(_build(rendered, root, request), encoding="utf-8")
        checked = run_tool(
            validate, "--strict", "-k", KUBERNETES_VERSION, str(built), cwd=rendered.path
        )
        output = checked.stdout + checked.stderr
        assert checked.returncode == 0, f"{root} does not validate:\n{output}"
        assert not re.search(r"^(WARN|ERROR)", output, re.MULTILINE), f"{root}:\n{output}"


@pytest.mark.parametrize("variant", KUBERNETES, indirect=True)
def test_the_readme_states_the_version_validated(rendered: Project) -> None:
    readme = (rendered.path / DEPLOY / "README.md").read_text(encoding="utf-8")
    minor = KUBERNETES_VERSION.rsplit(".", 1)[0]
    assert f"target Kubernetes {minor}" in readme


@pytest.mark.parametrize("variant", KUBERNETES, indirect=True)
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_pods_are_probed_secured_and_stopped_in_time(
    rendered: Project, overlay: str, request: pytest.FixtureRequest
) -> None:
    objects = _objects(rendered, DEPLOY / "overlays" / overlay, request)
    pod = _one(objects, "Deployment")["spec"]["template"]["spec"]
    [container] = pod["containers"]
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    for probe, path in HEALTH_PATHS.items():
        get = container[probe]["httpGet"]
        assert get["path"] == path
        assert ports.get(get["port"], get["port"]) == CONTAINER_PORT
    _assert_secured(pod, container)
    assert {"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}} in pod["volumes"]
    assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]  # noqa: S108
    assert pod["automountServiceAccountToken"] is False
    assert {"cpu", "memory"} <= container["resources"]["requests"].keys()
    assert {"cpu", "memory"} <= container["resources"]["limits"].keys()
    assert pod["topologySpreadConstraints"][0]["topologyKey"] == "kubernetes.io/hostname"

    config = _config(objects, _prefix(rendered))
    reporting = rendered.answers["error_reporting"]
    assert isinstance(reporting, list)
    has = {
        "TELEMETRY__SHUTDOWN_TIMEOUT": rendered.answers["tracing"] != "none"
        or rendered.answers["metrics"] == "otlp",
        "SENTRY__SHUTDOWN_TIMEOUT": "sentry" in reporting,
    }
    assert {bound for bound in FLUSH_BOUNDS if bound in config} == {b for b in has if has[b]}
    # The service drains on SIGTERM itself: no preStop hook delays the signal.
    assert "lifecycle" not in container
    needed = float(config[DRAIN_PERIOD]) + float(config[GRACEFUL_SHUTDOWN])
    needed += sum(float(config[bound]) for bound in FLUSH_BOUNDS if bound in config)
    assert pod["terminationGracePeriodSeconds"] > needed


def _assert_secured(pod: dict[str, Any], container: dict[str, Any]) -> None:
    effective = {**pod["securityContext"], **container["securityContext"]}
    assert effective["runAsNonRoot"] is True
    assert (effective["runAsUser"], effective["runAsGroup"]) == (USER, USER)
    assert effective["readOnlyRootFilesystem"] is True
    assert effective["allowPrivilegeEscalation"] is False
    assert effective["capabilities"] == {"drop": ["ALL"]}
    assert effective["seccompProfile"] == {"type": "RuntimeDefault"}


@pytest.mark.parametrize("variant", KUBERNETES, indirect=True)
def test_the_overlays_differ_where_environments_do(
    rendered: Project, request: pytest.FixtureRequest
) -> None:
    built = {name: _objects(rendered, DEPLOY / "overlays" / name, request) for name in OVERLAYS}
    for name, objects in built.items():
        assert _config(objects, _prefix(rendered))["ENVIRONMENT"] == name
        service = _one(objects, "Service")["spec"]
        assert (service["type"], service["ports"][0]["port"]) == ("ClusterIP", 80)
        assert _one(objects, "PodDisruptionBudget")["spec"]["maxUnavailable"] == 1
    bounds = {
        name: (_one(objects, "HorizontalPodAutoscaler")["spec"]["minReplicas"])
        for name, objects in built.items()
    }
    assert bounds["production"] > bounds["staging"] >= 2
    images = {
        name: _one(objects, "Deployment")["spec"]["template"]["spec"]["containers"][0]["image"]
        for name, objects in built.items()
    }
    assert images["staging"] != images["production"]
    assert all(":" in image for image in images.values())


@pytest.mark.parametrize("variant", KUBERNETES, indirect=True)
def test_migrations_run_once_as_a_job_and_never_at_start(
    rendered: Project, request: pytest.FixtureRequest
) -> None:
    for overlay in OVERLAYS:
        service = _objects(rendered, DEPLOY / "overlays" / overlay, request)
        assert not [item for item in service if item["kind"] == "Job"]
        [container] = _one(service, "Deployment")["spec"]["template"]["spec"]["containers"]
        assert "command" not in container
        assert "args" not in container
        assert "initContainers" not in _one(service, "Deployment")["spec"]["template"]["spec"]
        migration = DEPLOY / "overlays" / overlay / "migration"
        if rendered.answers["database"] == "none":
            assert not (rendered.path / migration).exists()
            continue
        objects = _objects(rendered, migration, request)
        job = _one(objects, "Job")
        assert {"backoffLimit", "ttlSecondsAfterFinished"} <= job["spec"].keys()
        pod = job["spec"]["template"]["spec"]
        [migrate] = pod["containers"]
        assert migrate["command"] == ["alembic", "upgrade", "head"]
        assert migrate["image"] == container["image"]
        _assert_secured(pod, migrate)
        # The same settings as the service: the very ConfigMap, hash included.
        assert _one(objects, "ConfigMap") == _one(service, "ConfigMap")


@pytest.mark.parametrize("variant", KUBERNETES, indirect=True)
def test_the_secret_is_referenced_never_rendered(
    rendered: Project, request: pytest.FixtureRequest
) -> None:
    answers = rendered.answers
    reporting = answers["error_reporting"]
    assert isinstance(reporting, list)
    secret_keys = [f"{_prefix(rendered)}DATABASE__URL"] if answers["database"] != "none" else []
    if "sentry" in reporting:
        secret_keys.append(f"{_prefix(rendered)}SENTRY__DSN")
    if answers["tracing"] == "otlp" or answers["metrics"] == "otlp":
        secret_keys.append("OTEL_EXPORTER_OTLP_HEADERS")
    readme = (rendered.path / DEPLOY / "README.md").read_text(encoding="utf-8")
    for root in _kustomizations(rendered):
        objects = _objects(rendered, root, request)
        assert not [item for item in objects if item["kind"] == "Secret"]
        for item in objects:
            spec = item["spec"]["template"]["spec"] if item["kind"] in {"Deployment", "Job"} else {}
            for container in spec.get("containers", []):
                refs = [
                    ref["secretRef"]["name"] for ref in container["envFrom"] if "secretRef" in ref
                ]
                assert refs == ([f"{answers['project_slug']}-secrets"] if secret_keys else [])
        for config in (item for item in objects if item["kind"] == "ConfigMap"):
            assert not set(config["data"]) & set(secret_keys)
    for key in secret_keys:
        assert f"`{key}`" in readme


@pytest.mark.parametrize("variant", KUBERNETES, indirect=True)
def test_prometheus_scrapes_every_pod(rendered: Project, request: pytest.FixtureRequest) -> None:
    objects = _objects(rendered, DEPLOY / "base", request)
    annotations = _one(objects, "Deployment")["spec"]["template"]["metadata"].get("annotations", {})
    if rendered.answers["metrics"] == "prometheus":
        assert annotations == {
            "prometheus.io/scrape": "true",
            "prometheus.io/port": str(CONTAINER_PORT),
            "prometheus.io/path": "/metrics",
        }
    else:
        assert not annotations


@pytest.mark.parametrize("variant", NOT_KUBERNETES, indirect=True)
def test_no_deployment_leaves_no_trace_of_kubernetes(rendered: Project) -> None:
    assert not (rendered.path / "deploy").exists()
    mentions = [
        f"{relative}:{number}"
        for relative, text in rendered.texts().items()
        for number, line in enumerate(text.splitlines(), start=1)
        if re.search(r"kubernetes|kustomiz|kubectl", line, re.IGNORECASE)
    ]
    assert not mentions


REFUSED = [
    ({"database": "sqlite"}, "choose database postgresql, mysql or none"),
    (
        {"database": "postgresql", "docker": "false"},
        "answer docker true, or choose deployment none",
    ),
]


@pytest.mark.parametrize(("answers", "allowed"), REFUSED, ids=["sqlite", "no-docker"])
def test_kubernetes_is_refused_where_it_cannot_run(
    answers: dict[str, str], allowed: str, tmp_path: Path
) -> None:
    given = {**BASE_ANSWERS, **answers, "deployment": "kubernetes"}
    with pytest.raises(ValueError, match="question 'deployment'") as refused:
        copy_template(tmp_path / "project", given)
    assert allowed in str(refused.value)
    assert not (tmp_path / "project").exists()


@pytest.mark.parametrize(("answers", "allowed"), REFUSED, ids=["sqlite", "no-docker"])
def test_the_cli_refuses_kubernetes_where_it_cannot_run(
    answers: dict[str, str], allowed: str, tmp_path: Path
) -> None:
    given = {**BASE_ANSWERS, **answers, "deployment": "kubernetes"}
    completed = copy_with_cli(tmp_path / "project", given)
    assert completed.returncode != 0
    assert "question 'deployment'" in completed.stderr
    assert allowed in " ".join(completed.stderr.split())
    assert not (tmp_path / "project").exists()
