"""The variants every test renders: the one place that defines them.

A pairwise covering set over ``AXES`` puts every pair of answers in some variant with a
handful of renders; the named edge cases aim at the metadata answers, where quoting,
encoding and naming break rendered files.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from dataclasses import dataclass

from allpairspy import AllPairs


@dataclass(frozen=True)
class Axis:
    """A question that changes what is rendered; ``label`` prefixes its values in names."""

    label: str
    values: tuple[str, ...]


# One line per question that changes what is rendered.
AXES: dict[str, Axis] = {
    "python_version": Axis("py", ("3.11", "3.12", "3.13")),
    "database": Axis("db", ("sqlite", "postgresql", "mysql", "none")),
    "example_resource": Axis("ex", ("true", "false")),
    "tracing": Axis("tr", ("none", "otlp", "gcp", "console")),
    "metrics": Axis("me", ("none", "prometheus", "otlp")),
    # A multiselect: its value names the chosen items joined by "-" ("none": none chosen).
    "error_reporting": Axis("er", ("none", "sentry", "gcp", "sentry-gcp")),
    "docker": Axis("dk", ("true", "false")),
    "ci": Axis("ci", ("github", "gitlab", "none")),
    "deployment": Axis("dp", ("none", "kubernetes")),
}
# Questions whose answer is a list (Copier multiselect), written as above in the variants.
MULTISELECT = frozenset({"error_reporting"})


def copier_answer(question: str, value: str) -> object:
    """A variant's answer as Copier takes it: a multiselect's as a list."""
    if question in MULTISELECT:
        return [] if value == "none" else value.split("-")
    return value


def given_answer(question: str, value: object) -> str:
    """An answer Copier recorded, written as the variants write it."""
    if question in MULTISELECT and isinstance(value, list):
        return "-".join(str(item) for item in value) or "none"
    return str(value).lower() if isinstance(value, bool) else str(value)


def _possible(row: list[str]) -> bool:
    """Whether a (partial) row of axis values is a set of answers Copier can be given.

    The example resource needs a database: Copier does not ask for it without one. Kubernetes
    deploys the image the Dockerfile builds, as stateless replicas: the deployment question
    refuses it without docker, and with SQLite (a file on one pod's disk).
    """
    answers = dict(zip(AXES, row, strict=False))
    if answers.get("database") == "none" and answers.get("example_resource") == "true":
        return False
    if answers.get("deployment") == "kubernetes":
        return answers.get("docker") != "false" and answers.get("database") != "sqlite"
    return True


# Answers to the questions without a default, shared by every variant unless it overrides them.
BASE_ANSWERS: Mapping[str, str] = {
    "project_name": "Demo Service",
    "author_email": "team@example.com",
}
# The longest slug project_slug accepts (32 characters); its package name is as long.
MAX_SLUG = "billing-and-invoicing-service-eu"


@dataclass(frozen=True)
class Variant:
    """One set of answers; ``name`` is its test id and its xdist group."""

    name: str
    answers: Mapping[str, str]


def covering_set() -> list[Variant]:
    """Every pair of axis values in at least one variant (every value, for a single axis)."""
    value_lists = [axis.values for axis in AXES.values()]
    if len(value_lists) < 2:  # allpairspy pairs two parameters or more
        rows = [list(row) for row in itertools.product(*value_lists)]
    else:
        rows = list(AllPairs(value_lists, filter_func=_possible))
    return [_axis_variant(dict(zip(AXES, row, strict=True))) for row in rows]


def _axis_variant(choices: dict[str, str]) -> Variant:
    name = "_".join(f"{AXES[question].label}{value}" for question, value in choices.items())
    return Variant(name, {**BASE_ANSWERS, **choices})


def _edge(name: str, **answers: str) -> Variant:
    return Variant(f"edge-{name}", {**BASE_ANSWERS, **answers})


EDGE_CASES = (
    _edge("unicode-name", project_name="Zürich Ünïcode Service!", python_version="3.11"),
    # Every optional module rendered, so that the longest names meet their longest lines.
    _edge(
        "long-slug",
        project_slug=MAX_SLUG,
        database="postgresql",
        tracing="gcp",
        metrics="otlp",
        error_reporting="sentry-gcp",
        deployment="kubernetes",
        python_version="3.12",
    ),
    _edge(
        "package-differs",
        project_name="Billing API",
        project_slug="billing-api",
        package_name="acme_billing",
        python_version="3.13",
    ),
    _edge(
        "quoted-description",
        description="Bills customers: it's #1 at 'net 30' invoices # not a comment",
        python_version="3.11",
    ),
    _edge("apostrophe-author", author_name="Siobhán O'Brien", python_version="3.12"),
)

VARIANTS: tuple[Variant, ...] = (*covering_set(), *EDGE_CASES)

if len({variant.name for variant in VARIANTS}) != len(VARIANTS):
    raise RuntimeError(f"variant names must be unique: {[v.name for v in VARIANTS]}")


def answering(question: str, *values: str) -> list[Variant]:
    """The variants whose answer to ``question`` is one of ``values`` (the defaults: sqlite
    database, a Dockerfile, GitHub Actions, no deployment, and the example resource whenever
    there is a database)."""
    defaults = {"database": "sqlite", "docker": "true", "ci": "github", "deployment": "none"}
    chosen = []
    for variant in VARIANTS:
        answers = {**defaults, **variant.answers}
        if question == "example_resource" and question not in answers:
            answers[question] = "false" if answers["database"] == "none" else "true"
        if answers.get(question) in values:
            chosen.append(variant)
    return chosen


if __name__ == "__main__":
    # The variants' names as a JSON list: the template's CI makes one job of each.
    print(json.dumps([variant.name for variant in VARIANTS]))
