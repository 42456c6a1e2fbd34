"""The variants: the covering set has every pair of answers, names spell answers, and what can
be given together and the defaults are copier.yml's."""

from __future__ import annotations

import pytest

from tests.harness.variants import (
    AXES,
    BASE_ANSWERS,
    COVERING_SET,
    VARIANTS,
    axis_answers,
    covering_set,
    missing_pairs,
    parse_name,
    possible,
)


def test_every_pair_of_answers_given_together_is_in_some_variant() -> None:
    rows = [
        {question: variant.answers[question] for question in AXES} for variant in covering_set()
    ]
    assert missing_pairs(rows) == [], (
        "search again: uv run python -m tests.harness.variants --search"
    )


def test_missing_pairs_names_what_a_set_lacks() -> None:
    rows = [parse_name(name) for name in COVERING_SET[1:]]
    first = parse_name(COVERING_SET[0])
    lacking = missing_pairs(rows)
    assert lacking
    assert all(
        any(f"{question}={value}" in pair for question, value in first.items()) for pair in lacking
    )


def test_variant_names_are_unique_and_spell_their_answers() -> None:
    assert len({variant.name for variant in VARIANTS}) == len(VARIANTS)
    for variant in covering_set():
        assert parse_name(variant.name) == {
            question: variant.answers[question] for question in AXES
        }


@pytest.mark.parametrize(
    ("name", "complaint"),
    [
        ("py3.11_dbsqlite", "does not name one answer for each of"),
        (COVERING_SET[0].replace("py3.", "py2.", 1), "is not one of python_version's"),
    ],
)
def test_a_mistyped_name_is_refused_with_what_is_allowed(name: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        parse_name(name)


# Answers to some axes, and whether copier.yml lets them be given together.
TOGETHER = [
    # The deployment question's validator.
    ({"deployment": "kubernetes", "docker": "false"}, False),
    ({"deployment": "kubernetes", "database": "sqlite"}, False),
    ({"deployment": "kubernetes", "docker": "true", "database": "postgresql"}, True),
    ({"deployment": "none", "docker": "false", "database": "sqlite"}, True),
    # The example resource's `when`: not asked without a database, so its default.
    ({"database": "none", "example_resource": "true"}, False),
    ({"database": "none", "example_resource": "false"}, True),
    # Some answers to the other axes make these possible (a server database, docker).
    ({"deployment": "kubernetes", "example_resource": "true"}, True),
    ({"deployment": "kubernetes"}, True),
    ({}, True),
]


@pytest.mark.parametrize(
    ("answers", "accepted"),
    TOGETHER,
    ids=[",".join(f"{q}={v}" for q, v in answers.items()) or "nothing" for answers, _ in TOGETHER],
)
def test_what_can_be_given_together_is_what_copier_yml_accepts(
    answers: dict[str, str], accepted: bool
) -> None:
    assert possible(answers) is accepted


def test_an_answer_not_given_is_copier_yml_s_default() -> None:
    assert axis_answers(BASE_ANSWERS) == {
        "python_version": "3.13",
        "database": "sqlite",
        "example_resource": "true",
        "tracing": "none",
        "metrics": "none",
        "error_reporting": "none",
        "docker": "true",
        "ci": "github",
        "deployment": "none",
    }
    assert axis_answers({"database": "none"})["example_resource"] == "false"
    assert axis_answers({"database": "mysql", "example_resource": "false"})["example_resource"] == (
        "false"
    )
