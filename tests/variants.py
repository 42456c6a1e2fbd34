"""The variants every test renders: the one place that defines them.

A pairwise covering set over ``AXES`` puts every pair of answers in some variant with a
handful of renders; the named edge cases aim at the metadata answers, where quoting,
encoding and naming break rendered files.
"""

from __future__ import annotations

import itertools
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


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


def possible(answers: Mapping[str, str]) -> bool:
    """Whether ``answers`` (some of the axes, or all) can be given to Copier together.

    The example resource needs a database: Copier does not ask for it without one. Kubernetes
    deploys the image the Dockerfile builds, as stateless replicas: the deployment question
    refuses it without docker, and with SQLite (a file on one pod's disk).
    """
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


# The covering set: every pair of answers that can be given together is in some variant, in
# the fewest renders found (16: database, tracing and error_reporting have four answers each,
# so their pairs alone need 16 variants). It is data, searched for once with
# `uv run python -m tests.variants --search` (covertable, then its annealing), so that every
# run and every CI job renders the same variants; tests/test_variant_set.py fails when a pair is
# missing, as it is after an axis or an answer is added: search again and paste the result.
COVERING_SET = (
    "py3.12_dbnone_exfalse_trnone_meprometheus_ersentry-gcp_dkfalse_cigitlab_dpnone",
    "py3.11_dbpostgresql_extrue_trnone_meprometheus_ernone_dkfalse_cigithub_dpnone",
    "py3.13_dbpostgresql_extrue_trotlp_meotlp_ersentry-gcp_dktrue_cinone_dpkubernetes",
    "py3.11_dbmysql_extrue_trgcp_meprometheus_ersentry-gcp_dkfalse_cinone_dpnone",
    "py3.11_dbsqlite_extrue_trconsole_menone_ersentry-gcp_dktrue_cigithub_dpnone",
    "py3.12_dbpostgresql_exfalse_trconsole_meprometheus_ergcp_dktrue_cigitlab_dpkubernetes",
    "py3.13_dbnone_exfalse_trgcp_meotlp_ergcp_dkfalse_cigithub_dpnone",
    "py3.11_dbmysql_exfalse_trotlp_meotlp_ergcp_dkfalse_cigithub_dpnone",
    "py3.13_dbsqlite_extrue_trotlp_meprometheus_ersentry_dkfalse_cigitlab_dpnone",
    "py3.11_dbnone_exfalse_trconsole_meotlp_ersentry_dktrue_cinone_dpkubernetes",
    "py3.12_dbmysql_extrue_trnone_meotlp_ersentry_dktrue_cigithub_dpkubernetes",
    "py3.13_dbsqlite_extrue_trnone_menone_ergcp_dkfalse_cinone_dpnone",
    "py3.12_dbsqlite_exfalse_trgcp_meotlp_ernone_dktrue_cigitlab_dpnone",
    "py3.11_dbpostgresql_extrue_trgcp_menone_ersentry_dktrue_cigitlab_dpkubernetes",
    "py3.12_dbnone_exfalse_trotlp_menone_ernone_dktrue_cinone_dpkubernetes",
    "py3.13_dbmysql_exfalse_trconsole_menone_ernone_dkfalse_cigitlab_dpnone",
)


def _axis_variant(choices: Mapping[str, str]) -> Variant:
    name = "_".join(f"{AXES[question].label}{value}" for question, value in choices.items())
    return Variant(name, {**BASE_ANSWERS, **choices})


def parse_name(name: str) -> dict[str, str]:
    """The axis answers a covering-set variant's name spells out."""
    parts = name.split("_")
    if len(parts) != len(AXES):
        message = f"{name!r} does not name one answer for each of {', '.join(AXES)}"
        raise ValueError(message)
    answers = {}
    for (question, axis), part in zip(AXES.items(), parts, strict=True):
        value = part.removeprefix(axis.label)
        if not part.startswith(axis.label) or value not in axis.values:
            message = f"{name!r}: {part!r} is not one of {question}'s {axis.values}"
            raise ValueError(message)
        answers[question] = value
    return answers


def covering_set() -> list[Variant]:
    return [_axis_variant(parse_name(name)) for name in COVERING_SET]


def missing_pairs(rows: Iterable[Mapping[str, str]]) -> list[str]:
    """The pairs of answers that can be given together and that no row of ``rows`` has."""
    rows = list(rows)
    missing = []
    for (first, first_axis), (second, second_axis) in itertools.combinations(AXES.items(), 2):
        for a, b in itertools.product(first_axis.values, second_axis.values):
            pair = {first: a, second: b}
            if possible(pair) and not any(pair.items() <= row.items() for row in rows):
                missing.append(f"{first}={a} with {second}={b}")
    return missing


def search(seconds: float) -> list[str]:
    """A covering set as small as covertable finds in about ``seconds`` (its annealing is
    bounded by time, so two searches may differ: the result is kept in COVERING_SET)."""
    from covertable.main import Controller  # noqa: PLC0415 (only the search needs it)

    controller = Controller(
        {question: list(axis.values) for question, axis in AXES.items()},
        constraints=[{"operator": "fn", "requires": list(AXES), "evaluate": possible}],
    )
    rows = controller.optimize(controller.make(), {"budget_ms": seconds * 1000})
    return [_axis_variant({question: row[question] for question in AXES}).name for row in rows]


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

# Pythons offered beyond the covering set's: newer than some machines that run these tests
# have (uv may not download interpreters here). Their variants render and pass what needs no
# interpreter of theirs (ruff at their target version, hadolint, the pipelines' checks, the
# image's wheels) everywhere, and what does (the lock, mypy, their own suite) where the
# interpreter is installed; elsewhere it is left out and said, unless --require-pythons (the
# template's GitHub workflow, whose runners install them).
NEWER_PYTHONS = ("3.14", "3.15")
NEWER_PYTHON_VARIANTS = (
    # Every dependency of one set of answers each: their wheels must exist for these Pythons.
    Variant(
        "newer-py3.14",
        {
            **BASE_ANSWERS,
            "python_version": "3.14",
            "database": "postgresql",
            "tracing": "otlp",
            "metrics": "prometheus",
            "error_reporting": "sentry",
            "deployment": "kubernetes",
        },
    ),
    Variant(
        "newer-py3.15",
        {
            **BASE_ANSWERS,
            "python_version": "3.15",
            "database": "mysql",
            "tracing": "gcp",
            "metrics": "otlp",
            "error_reporting": "sentry-gcp",
            "ci": "gitlab",
        },
    ),
)
if {variant.answers["python_version"] for variant in NEWER_PYTHON_VARIANTS} != set(NEWER_PYTHONS):
    raise RuntimeError("each newer Python needs a variant of its own")

VARIANTS: tuple[Variant, ...] = (*covering_set(), *EDGE_CASES, *NEWER_PYTHON_VARIANTS)

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


def main(arguments: Sequence[str]) -> None:
    """Print the variants' names as a JSON list (the template's CI makes one job of each), or
    with ``--search [SECONDS]`` a new covering set, one name a line."""
    if arguments and arguments[0] == "--search":
        seconds = float(arguments[1]) if len(arguments) > 1 else 30.0
        found = search(seconds)
        print("\n".join(found))
        print(f"{len(found)} variants; missing pairs: {missing_pairs(map(parse_name, found))}")
        return
    print(json.dumps([variant.name for variant in VARIANTS]))


if __name__ == "__main__":
    main(sys.argv[1:])
