"""Tier 1: tracing, metrics and error_reporting render exactly what each answer needs.

An answer of none leaves no trace of its feature: no dependency, no module, no import, no
setting; every answer adds its own dependencies and nothing of another's.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import variant_params
from tests.harness.projects import Project
from tests.harness.variants import answering

OPENTELEMETRY_IMPORT = re.compile(r"^\s*(?:from|import)\s+opentelemetry\b", re.MULTILINE)
PROMETHEUS_IMPORT = re.compile(r"^\s*(?:from|import)\s+prometheus_client\b", re.MULTILINE)
TRACING_TRACE = re.compile(r"traceparent|trace_id|span_id|TracerProvider|FastAPIInstrumentor")
SENTRY_TRACE = re.compile(r"sentry", re.IGNORECASE)
GOOGLE_TRACE = re.compile(r"telemetry\.googleapis|google\.auth|ReportedErrorEvent|GOOGLE_")

# The distributions each answer brings, and no other answer does.
TRACING_DEPENDENCIES = {
    "none": set(),
    "otlp": {"opentelemetry-exporter-otlp-proto-http", "opentelemetry-instrumentation-fastapi"},
    "gcp": {
        "google-auth",
        "opentelemetry-exporter-otlp-proto-http",
        "opentelemetry-instrumentation-fastapi",
    },
    "console": {"opentelemetry-instrumentation-fastapi"},
}
METRICS_DEPENDENCIES = {
    "none": set(),
    "prometheus": {"prometheus-client"},
    "otlp": {"opentelemetry-exporter-otlp-proto-http"},
}
OBSERVABILITY_DEPENDENCIES = {
    "google-auth",
    "opentelemetry-api",
    "opentelemetry-sdk",
    "opentelemetry-exporter-otlp-proto-http",
    "opentelemetry-instrumentation-fastapi",
    "opentelemetry-instrumentation-sqlalchemy",
    "prometheus-client",
    "sentry-sdk",
}


def _expected_dependencies(answers: dict[str, object]) -> set[str]:
    tracing, metrics = str(answers["tracing"]), str(answers["metrics"])
    reporting = answers["error_reporting"]
    assert isinstance(reporting, list)
    expected = TRACING_DEPENDENCIES[tracing] | METRICS_DEPENDENCIES[metrics]
    if tracing != "none" or metrics == "otlp":
        expected |= {"opentelemetry-api", "opentelemetry-sdk"}
    if tracing != "none" and answers["database"] != "none":
        expected.add("opentelemetry-instrumentation-sqlalchemy")
    if "sentry" in reporting:
        expected.add("sentry-sdk")
    return expected


def _matching(project: Project, pattern: re.Pattern[str], *, where: str = "") -> list[str]:
    """The files (under ``where``, if given) with a line that matches ``pattern``."""
    return [
        f"{relative}:{number}: {line.strip()}"
        for relative, text in project.texts().items()
        if str(relative).startswith(where)
        for number, line in enumerate(text.splitlines(), start=1)
        if pattern.search(line)
    ]


def test_each_answer_brings_its_own_dependencies_only(rendered: Project) -> None:
    found = rendered.dependencies() & OBSERVABILITY_DEPENDENCIES
    assert found == _expected_dependencies(rendered.answers)


@pytest.mark.parametrize("variant", variant_params(answering("tracing", "none")), indirect=True)
def test_no_tracing_leaves_no_trace_of_it(rendered: Project) -> None:
    paths = {str(path) for path in rendered.files}
    assert not any("tracing" in path for path in paths)
    assert not _matching(rendered, TRACING_TRACE)
    if rendered.answers["metrics"] != "otlp":
        assert not any("telemetry" in path for path in paths)
        assert not _matching(rendered, OPENTELEMETRY_IMPORT)
        assert not _matching(rendered, re.compile(r"OTEL_|TELEMETRY__"))


@pytest.mark.parametrize("variant", variant_params(answering("metrics", "none")), indirect=True)
def test_no_metrics_leave_no_trace_of_them(rendered: Project) -> None:
    paths = {str(path) for path in rendered.files}
    assert not any("metrics" in path for path in paths)
    assert not _matching(rendered, PROMETHEUS_IMPORT)
    assert not _matching(rendered, re.compile(r"/metrics|MetricsMiddleware|RequestMetrics"))


@pytest.mark.parametrize(
    "variant", variant_params(answering("error_reporting", "none", "gcp")), indirect=True
)
def test_without_sentry_nothing_of_it_is_rendered(rendered: Project) -> None:
    assert not any("sentry" in str(path) for path in rendered.files)
    assert not _matching(rendered, SENTRY_TRACE)


@pytest.mark.parametrize(
    "variant", variant_params(answering("error_reporting", "none", "sentry")), indirect=True
)
def test_without_gcp_error_reporting_no_error_events_are_rendered(rendered: Project) -> None:
    assert not _matching(rendered, re.compile(r"ReportedErrorEvent|serviceContext"))
    if rendered.answers["tracing"] != "gcp":
        # Nothing of Google Cloud at all: no Cloud Logging field names, no settings.
        assert not any("cloud_logging" in str(path) for path in rendered.files)
        assert not _matching(rendered, GOOGLE_TRACE)
        assert not _matching(rendered, re.compile(r"logging\.googleapis\.com|GCP__"))


@pytest.mark.parametrize(
    "variant", variant_params(answering("tracing", "otlp", "gcp", "console")), indirect=True
)
def test_tracing_renders_its_wiring_and_its_wire_tests(rendered: Project) -> None:
    package = Path("src", str(rendered.answers["package_name"]))
    assert package / "observability" / "tracing.py" in rendered.files
    wire_tests = {
        "otlp": "test_otlp_spans.py",
        "gcp": "test_cloud_trace.py",
        "console": "test_console_spans.py",
    }
    tracing = str(rendered.answers["tracing"])
    assert Path("tests", "integration", wire_tests[tracing]) in rendered.files
    lifecycle = (rendered.path / package / "observability" / "lifecycle.py").read_text("utf-8")
    assert "self.add(self.tracing)" in lifecycle


def test_every_variant_that_exports_tests_its_backends_down(rendered: Project) -> None:
    answers = rendered.answers
    reporting = answers["error_reporting"]
    assert isinstance(reporting, list)
    exports = answers["tracing"] in {"otlp", "gcp"} or answers["metrics"] == "otlp"
    exports = exports or "sentry" in reporting
    assert (Path("tests", "integration", "test_degradation.py") in rendered.files) is exports
