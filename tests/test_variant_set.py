"""The variants: the covering set has every pair of answers, and names spell answers."""

from __future__ import annotations

import pytest

from tests.variants import AXES, COVERING_SET, VARIANTS, covering_set, missing_pairs, parse_name


def test_every_pair_of_answers_given_together_is_in_some_variant() -> None:
    rows = [
        {question: variant.answers[question] for question in AXES} for variant in covering_set()
    ]
    assert missing_pairs(rows) == [], "search again: uv run python -m tests.variants --search"


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
