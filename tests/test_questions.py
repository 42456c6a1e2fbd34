"""The questions through Copier: bad answers refused with a message, defaults derived."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.harness.projects import copy_template, copy_with_cli, read_answers
from tests.harness.variants import BASE_ANSWERS

SLUG_RULE = "lowercase letters, digits and hyphens, starting with a letter"
SLUG_HYPHENS = "must not end with a hyphen or contain '--'"
NOT_IDENTIFIER = "use ASCII letters, digits and underscores, not starting with a digit"
KEYWORD = "is a Python keyword: choose another name"
STDLIB = "shadows the standard-library module of that name: choose another name"
DEPENDENCY = "shadows a package the service depends on: choose another name"
EMAIL = "it needs one '@' and a domain, e.g. team@example.com"

BAD_ANSWERS = [
    ("project_slug", "Bad_Slug", SLUG_RULE),
    ("project_slug", "1abc", SLUG_RULE),
    ("project_slug", "-abc", SLUG_RULE),
    ("project_slug", "ABC", SLUG_RULE),
    ("project_slug", "abc-", SLUG_HYPHENS),
    ("project_slug", "ab--c", SLUG_HYPHENS),
    ("project_slug", "a" * 33, "at most 32 characters"),
    ("package_name", "a" * 33, "at most 32 characters"),
    ("package_name", "1pkg", NOT_IDENTIFIER),
    ("package_name", "my-pkg", NOT_IDENTIFIER),
    ("package_name", "Billing", "must be lowercase"),
    ("package_name", "class", KEYWORD),
    ("package_name", "match", KEYWORD),
    ("package_name", "logging", STDLIB),
    ("package_name", "test", STDLIB),
    ("package_name", "json", STDLIB),
    ("package_name", "asyncio", STDLIB),
    ("package_name", "fastapi", DEPENDENCY),
    ("author_email", "no-at-sign", EMAIL),
    ("author_email", "a@", EMAIL),
    ("author_email", "@b.com", EMAIL),
    ("project_name", " ", "must not be empty"),
    ("project_name", 'The "Best" Service', "one line without quotes or backslashes"),
    ("project_name", "2048!", "at least one ASCII letter"),
    ("description", 'Says "hi"', "one non-empty line without double quotes or backslashes"),
    ("description", "", "one non-empty line without double quotes or backslashes"),
    ("author_name", "Ops <ops@example.com>", "without quotes, backslashes or '<>'"),
]

GOOD_ANSWERS = [
    ("project_slug", "x"),
    ("project_slug", "billing-api-2"),
    ("package_name", "acme_billing"),
    ("author_email", "first.last+ops@mail.example.co.uk"),
    ("description", "Bills: it's #1 at 'net 30' invoices"),
    ("author_name", "Siobhán O'Brien"),
]


@pytest.mark.parametrize(
    ("question", "value", "allowed"),
    BAD_ANSWERS,
    ids=[f"{question}={value[:20]!r}" for question, value, _ in BAD_ANSWERS],
)
def test_bad_answer_is_refused(question: str, value: str, allowed: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=f"question '{question}'") as refused:
        copy_template(tmp_path / "project", {**BASE_ANSWERS, question: value})
    assert allowed in str(refused.value)
    assert not (tmp_path / "project").exists()


@pytest.mark.parametrize(
    ("question", "value"), GOOD_ANSWERS, ids=[f"{q}={v!r}" for q, v in GOOD_ANSWERS]
)
def test_good_answer_is_rendered(question: str, value: str, tmp_path: Path) -> None:
    copy_template(tmp_path, {**BASE_ANSWERS, question: value})
    assert read_answers(tmp_path)[question] == value


@pytest.mark.parametrize(
    ("project_name", "slug", "package"),
    [
        ("Zürich Ünïcode Service!", "zurich-unicode-service", "zurich_unicode_service"),
        ("  Déjà Vu -- API (v2)  ", "deja-vu-api-v2", "deja_vu_api_v2"),
    ],
)
def test_slug_and_package_derive_from_the_name(
    project_name: str, slug: str, package: str, tmp_path: Path
) -> None:
    copy_template(tmp_path, {**BASE_ANSWERS, "project_name": project_name})
    answers = read_answers(tmp_path)
    assert (answers["project_slug"], answers["package_name"]) == (slug, package)
    assert answers["description"] == f"{project_name}: an HTTP API built on FastAPI."
    assert answers["author_name"] == f"The {project_name} team"


def test_package_derives_from_a_given_slug(tmp_path: Path) -> None:
    copy_template(tmp_path, {**BASE_ANSWERS, "project_slug": "billing-api"})
    assert read_answers(tmp_path)["package_name"] == "billing_api"


def test_cli_refuses_a_bad_answer(tmp_path: Path) -> None:
    completed = copy_with_cli(tmp_path / "project", {**BASE_ANSWERS, "project_slug": "Bad_Slug"})
    assert completed.returncode != 0
    assert f"project_slug 'Bad_Slug' is not allowed: use {SLUG_RULE}" in completed.stderr
    assert not (tmp_path / "project").exists()


# A value each choice question does not offer, and the choices Copier says it does.
BAD_CHOICES = [
    ("python_version", "3.9", "['3.11', '3.12', '3.13', '3.14', '3.15']"),
    ("database", "oracle", "['sqlite', 'postgresql', 'mysql', 'none']"),
    ("tracing", "jaeger", "['none', 'otlp', 'gcp', 'console']"),
    ("metrics", "statsd", "['none', 'prometheus', 'otlp']"),
    ("error_reporting", "datadog", "['sentry', 'gcp']"),
    ("ci", "jenkins", "['github', 'gitlab', 'none']"),
    ("deployment", "nomad", "['none', 'kubernetes']"),
]


@pytest.mark.parametrize(("question", "value", "allowed"), BAD_CHOICES)
def test_an_answer_that_is_not_offered_is_refused(
    question: str, value: str, allowed: str, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match=f"Invalid choice for '{question}'") as refused:
        copy_template(tmp_path / "project", {**BASE_ANSWERS, question: value})
    assert allowed in str(refused.value)
    assert not (tmp_path / "project").exists()


@pytest.mark.parametrize(("question", "value", "allowed"), BAD_CHOICES)
def test_the_cli_refuses_an_answer_that_is_not_offered(
    question: str, value: str, allowed: str, tmp_path: Path
) -> None:
    completed = copy_with_cli(tmp_path / "project", {**BASE_ANSWERS, question: value})
    assert completed.returncode != 0
    assert f"'{value}' is not in {allowed}" in completed.stderr
    assert not (tmp_path / "project").exists()
