"""The variants every test renders: the one place that defines them.

A pairwise covering set over ``AXES`` puts every pair of answers in some variant with a
handful of renders; the named edge cases aim at the metadata answers, where quoting,
encoding and naming break rendered files.

The axes, their answers, their defaults and which of them can be given together are
copier.yml's (read by ``copier_questions``): what is written here is how variants are named and
which of them are rendered.
"""

from __future__ import annotations

import functools
import itertools
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tests.harness import copier_questions
from tests.harness.copier_questions import Question


@dataclass(frozen=True)
class Axis:
    """A question that changes what is rendered; ``label`` prefixes its values in names."""

    label: str
    values: tuple[str, ...]


# The label of each question that changes what is rendered (one that offers choices, or yes or
# no), in variant names: a question copier.yml adds needs one here.
LABELS: Mapping[str, str] = {
    "python_version": "py",
    "database": "db",
    "example_resource": "ex",
    "tracing": "tr",
    "metrics": "me",
    "error_reporting": "er",
    "docker": "dk",
    "ci": "ci",
    "deployment": "dp",
}
# Pythons offered beyond the covering set's: newer than some machines that run these tests
# have (uv may not download interpreters here). Their variants render and pass what needs no
# interpreter of theirs (ruff at their target version, hadolint, the pipelines' checks, the
# image's wheels) everywhere, and what does (the lock, mypy, their own suite) where the
# interpreter is installed; elsewhere it is left out and said, unless --require-pythons (the
# template's GitHub workflow, whose runners install them).
# The files docker=true renders, and only it.
DOCKER_FILES = (
    "Dockerfile",
    ".dockerignore",
    "compose.yaml",
    "compose.dev.yaml",
    ".devcontainer/devcontainer.json",
    ".devcontainer/compose.yaml",
)

NEWER_PYTHONS = ("3.14", "3.15")
# Answers copier.yml offers that the covering set leaves to variants of their own.
OUTSIDE_THE_COVERING_SET: Mapping[str, tuple[str, ...]] = {"python_version": NEWER_PYTHONS}

QUESTIONS = copier_questions.questions()
# Questions whose answer is a list (Copier multiselect); a variant writes one as its items
# joined by "-" ("none": none chosen).
MULTISELECT = frozenset(name for name, question in QUESTIONS.items() if question.multiselect)


def _changes_the_render(question: Question) -> bool:
    return question.asked and (bool(question.choices) or question.type == "bool")


def _values(question: Question) -> tuple[str, ...]:
    """The answers a variant may write for ``question``: every choice (every set of them, for
    a multiselect), or true and false."""
    if question.type == "bool":
        return ("true", "false")
    if question.multiselect:
        subsets = (
            subset
            for size in range(len(question.choices) + 1)
            for subset in itertools.combinations(question.choices, size)
        )
        return tuple("-".join(subset) or "none" for subset in subsets)
    left_out = OUTSIDE_THE_COVERING_SET.get(question.name, ())
    return tuple(value for value in question.choices if value not in left_out)


def _axes() -> dict[str, Axis]:
    names = [name for name, question in QUESTIONS.items() if _changes_the_render(question)]
    if set(names) != set(LABELS):
        message = (
            f"the questions that change the render are {names}, and LABELS names {list(LABELS)}: "
            "give each a label, and search the covering set again"
        )
        raise RuntimeError(message)
    for question, values in OUTSIDE_THE_COVERING_SET.items():
        if not set(values) <= set(QUESTIONS[question].choices):
            raise RuntimeError(f"copier.yml does not offer {values} for {question}")
    return {name: Axis(LABELS[name], _values(QUESTIONS[name])) for name in names}


# One per question that changes what is rendered, in copier.yml's order.
AXES: dict[str, Axis] = _axes()


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


def _held(question: str, value: str) -> object:
    """A variant's answer as Copier holds it when it evaluates copier.yml's expressions."""
    if QUESTIONS[question].type == "bool":
        return value == "true"
    return copier_answer(question, value)


def _default(question: str, answers: Mapping[str, str]) -> str:
    context = {name: _held(name, value) for name, value in answers.items()}
    return given_answer(question, copier_questions.default(QUESTIONS[question], context))


def axis_answers(answers: Mapping[str, str]) -> dict[str, str]:
    """The answer to every axis, as a variant writes it, that Copier takes from ``answers``:
    the one given, or else copier.yml's default (the example resource's follows the database)."""
    full: dict[str, str] = {}
    for question in AXES:
        full[question] = answers[question] if question in answers else _default(question, full)
    return full


def _ruled() -> tuple[str, ...]:
    """The axes copier.yml's rules are about: the questions with a validator or a ``when``,
    and the answers these read (and the defaults of the questions Copier may skip)."""
    ruled: set[str] = set()
    for name in AXES:
        question = QUESTIONS[name]
        skippable = isinstance(question.when, str)
        if question.validator is None and not skippable:
            continue
        ruled |= {name} | copier_questions.variables(question.validator)
        if skippable:
            ruled |= copier_questions.variables(question.when)
            ruled |= copier_questions.variables(question.default)
    if not ruled <= AXES.keys():
        message = f"copier.yml's rules read {sorted(ruled - AXES.keys())}, which are no axes"
        raise RuntimeError(message)
    return tuple(name for name in AXES if name in ruled)


RULED = _ruled()


def _accepted(answers: Mapping[str, str]) -> bool:
    """Whether Copier takes ``answers`` (every axis in ``RULED``): each question it asks has a
    validator that says nothing of them, and each it does not ask is given its default."""
    context = {name: _held(name, value) for name, value in answers.items()}
    for name in RULED:
        question = QUESTIONS[name]
        if not copier_questions.is_asked(question, context):
            if answers[name] != _default(name, answers):
                return False
        elif copier_questions.refusal(question, context):
            return False
    return True


@functools.cache
def _possible(given: frozenset[tuple[str, str]]) -> bool:
    answers = dict(given)
    missing = [name for name in RULED if name not in answers]
    completions = itertools.product(*(AXES[name].values for name in missing))
    return any(
        _accepted({**answers, **dict(zip(missing, values, strict=True))}) for values in completions
    )


def possible(answers: Mapping[str, str]) -> bool:
    """Whether ``answers`` (some of the axes, or all) can be given to Copier together: whether
    answers to the other axes complete them into a set copier.yml accepts.

    copier.yml's rules decide: the example resource is asked only with a database (its
    ``when``), and the deployment question's validator refuses Kubernetes without docker, and
    with SQLite (a file on one pod's disk).
    """
    return _possible(frozenset((name, answers[name]) for name in RULED if name in answers))


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
# `uv run python -m tests.harness.variants --search` (covertable, then its annealing), so that
# every run and every CI job renders the same variants; tests/test_variant_set.py fails when a
# pair is missing, as it is after an axis or an answer is added: search again and paste the
# result.
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
    """The variants whose answer to ``question`` is one of ``values``, copier.yml's default
    when they give none."""
    return [variant for variant in VARIANTS if axis_answers(variant.answers)[question] in values]


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
