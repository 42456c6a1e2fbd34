"""extensions/groundwork.py: the filters Copier's questions use, called directly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from jinja2 import Environment

from extensions.groundwork import (
    MAX_SLUG_LENGTH,
    GroundworkExtension,
    author_name_error,
    description_error,
    email_error,
    package_name_error,
    project_name_error,
    slug_error,
    slugify,
    with_absolute_source,
)
from tests.harness.variants import MAX_SLUG


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Billing Service", "billing-service"),
        ("Zürich Ünïcode Service!", "zurich-unicode-service"),
        ("  Déjà Vu -- API (v2)  ", "deja-vu-api-v2"),
        ("2048 Game", "game"),
        ("Ops_Tools.v2", "ops-tools-v2"),
        ("東京", ""),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


VALID = [
    (project_name_error, "Zürich Ünïcode Service!"),
    (slug_error, "x"),
    (slug_error, "billing-api-2"),
    (slug_error, MAX_SLUG),
    (package_name_error, "acme_billing"),
    (package_name_error, "service2"),
    (description_error, "Bills customers: it's #1 at 'net 30'"),
    (author_name_error, "Siobhán O'Brien"),
    (email_error, "first.last+ops@mail.example.co.uk"),
]

INVALID = [
    (project_name_error, "", "must not be empty"),
    (project_name_error, "It's mine", "without quotes or backslashes"),
    (project_name_error, "back\\slash", "without quotes or backslashes"),
    (project_name_error, "東京", "at least one ASCII letter"),
    (slug_error, "Bad_Slug", "lowercase letters, digits and hyphens"),
    (slug_error, "1abc", "starting with a letter"),
    (slug_error, "", "starting with a letter"),
    (slug_error, "abc-", "must not end with a hyphen"),
    (slug_error, "ab--c", "contain '--'"),
    (slug_error, MAX_SLUG + "x", f"at most {MAX_SLUG_LENGTH} characters"),
    (package_name_error, "my-pkg", "not a Python identifier"),
    (package_name_error, "café", "not a Python identifier"),
    (package_name_error, "Billing", "must be lowercase"),
    (package_name_error, "match", "is a Python keyword"),
    (package_name_error, "test", "shadows the standard-library module"),
    (package_name_error, "tests", "shadows a package the service depends on"),
    (package_name_error, "a" * 33, "at most 32 characters, not 33"),
    (package_name_error, "app", "shadows a package the service depends on"),
    (description_error, "two\nlines", "one non-empty line"),
    (description_error, "a \\ b", "without double quotes or backslashes"),
    (author_name_error, "", "one non-empty line"),
    (author_name_error, "Ops <ops@example.com>", "'<>'"),
    (email_error, "a b@example.com", "needs one '@' and a domain"),
    (email_error, "a@b@example.com", "needs one '@' and a domain"),
    (email_error, "team@localhost", "needs one '@' and a domain"),
]


@pytest.mark.parametrize(
    ("validator", "value"), VALID, ids=[f"{v.__name__}-{value!r}" for v, value in VALID]
)
def test_valid_answer_has_no_error(validator: Callable[[str], str], value: str) -> None:
    assert validator(value) == ""


@pytest.mark.parametrize(
    ("validator", "value", "message"),
    INVALID,
    ids=[f"{v.__name__}-{value!r}" for v, value, _ in INVALID],
)
def test_invalid_answer_says_what_is_allowed(
    validator: Callable[[str], str], value: str, message: str
) -> None:
    assert message in validator(value)


def test_max_slug_is_the_longest_allowed() -> None:
    assert len(MAX_SLUG) == MAX_SLUG_LENGTH


def test_extension_registers_the_filters() -> None:
    environment = Environment(extensions=[GroundworkExtension], autoescape=True)
    assert environment.filters["slug_error"] is slug_error
    rendered = environment.from_string("{{ 'Billing Service' | slugify }}").render()
    assert rendered == "billing-service"


@pytest.mark.parametrize(
    "source",
    [
        "gh:acme/groundwork",
        "gl:acme/groundwork",
        "https://github.com/acme/groundwork.git",
        "git+ssh://git@github.com/acme/groundwork.git",
        "git@github.com:acme/groundwork.git",
        "file:///srv/templates/groundwork",
        "~/src/groundwork",
        "/srv/templates/groundwork",
    ],
)
def test_a_url_or_an_absolute_source_is_recorded_as_typed(source: str) -> None:
    answers = {"_commit": "v1.2.0", "_src_path": source, "database": "sqlite"}
    assert with_absolute_source(answers) == answers


def test_a_relative_source_is_recorded_from_where_copier_ran(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "templates" / "groundwork").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "templates")
    recorded = with_absolute_source({"_src_path": "groundwork", "database": "sqlite"})
    assert recorded == {
        "_src_path": (tmp_path / "templates" / "groundwork").resolve().as_posix(),
        "database": "sqlite",
    }
    assert with_absolute_source({"_src_path": "../templates/groundwork"}) == {
        "_src_path": recorded["_src_path"]
    }
