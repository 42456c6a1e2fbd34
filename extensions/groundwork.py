"""Jinja filters for Groundwork's questions: derived defaults and answer validators, and the
answers file's template source.

Each ``*_error`` filter returns an empty string for a valid answer, or the message Copier
shows when it refuses one: what is wrong and what is allowed.
"""

from __future__ import annotations

import functools
import keyword
import re
import sys
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from jinja2 import Environment
from jinja2.ext import Extension

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9-]*$")
# Names that are valid identifiers but would break the rendered project all the same:
# the packages it depends on (and tools its checks import) shadowed by the service.
RESERVED_PACKAGE_NAMES = frozenset(
    {
        "alembic",
        "app",
        "fastapi",
        "httpx",
        "mypy",
        "orjson",
        "pydantic",
        "pydantic_settings",
        "pytest",
        "ruff",
        "sqlalchemy",
        "starlette",
        "structlog",
        "tests",
        "uvicorn",
    }
)
# sys.stdlib_module_names leaves out CPython's own test package, which a package named
# "test" would shadow all the same.
STDLIB_MODULE_NAMES = sys.stdlib_module_names | {"test"}
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# The slug names the distribution and, as package_name, every import and the environment
# prefix; beyond 32 characters the rendered imports no longer fit the 100-column lines.
MAX_SLUG_LENGTH = 32
# A template source that is not a local path: a URL (https:, git+ssh:, file:), Copier's gh: and
# gl: shorthands, or git's scp-like user@host:path. One letter and a colon is a Windows drive.
REMOTE_SOURCE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]+:|[^/@\s]+@[^/:\s]+:)")


def slugify(value: str) -> str:
    """Turn a display name into a slug: ``"Billing Service"`` -> ``"billing-service"``."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return re.sub(r"^[^a-z]+", "", slug)


def project_name_error(value: str) -> str:
    if not value.strip():
        return "project_name must not be empty: give the service's name, e.g. 'Billing Service'."
    if any(character in value for character in "\"'\\\r\n"):
        return "project_name must be one line without quotes or backslashes."
    if not slugify(value):
        return "project_name must contain at least one ASCII letter, so a slug can be derived."
    return ""


def slug_error(value: str) -> str:
    if not SLUG_PATTERN.fullmatch(value):
        return (
            f"project_slug {value!r} is not allowed: use lowercase letters, digits and hyphens, "
            "starting with a letter (pattern ^[a-z][a-z0-9-]*$)."
        )
    if value.endswith("-") or "--" in value:
        return f"project_slug {value!r} must not end with a hyphen or contain '--'."
    if len(value) > MAX_SLUG_LENGTH:
        return f"project_slug must be at most {MAX_SLUG_LENGTH} characters, not {len(value)}."
    return ""


def package_name_error(value: str) -> str:
    if not value.isidentifier() or not value.isascii():
        return (
            f"package_name {value!r} is not a Python identifier: use ASCII letters, digits and "
            "underscores, not starting with a digit."
        )
    rules = (
        (value != value.lower(), "must be lowercase (PEP 8 package names)"),
        (
            len(value) > MAX_SLUG_LENGTH,
            f"must be at most {MAX_SLUG_LENGTH} characters, not {len(value)}",
        ),
        (
            keyword.iskeyword(value) or keyword.issoftkeyword(value),
            "is a Python keyword: choose another name",
        ),
        (
            value in STDLIB_MODULE_NAMES,
            "shadows the standard-library module of that name: choose another name",
        ),
        (
            value in RESERVED_PACKAGE_NAMES,
            "shadows a package the service depends on: choose another name",
        ),
    )
    return next((f"package_name {value!r} {rule}." for broken, rule in rules if broken), "")


def description_error(value: str) -> str:
    if not value.strip() or "\n" in value or '"' in value or "\\" in value:
        return "description must be one non-empty line without double quotes or backslashes."
    return ""


def author_name_error(value: str) -> str:
    if not value.strip() or any(character in value for character in '"\\\r\n<>'):
        return "author_name must be one non-empty line without quotes, backslashes or '<>'."
    return ""


def email_error(value: str) -> str:
    if not EMAIL_PATTERN.fullmatch(value) or any(character in value for character in '"\\<>'):
        return (
            f"author_email {value!r} is not an email address: "
            "it needs one '@' and a domain, e.g. team@example.com."
        )
    return ""


def with_absolute_source(answers: Mapping[str, object]) -> dict[str, object]:
    """The answers to record, with a relative template path made absolute.

    Copier records the template's source as it was typed. A relative path resolves only from
    the directory ``copier copy`` ran in, so ``copier update``, run inside the project as its
    README says, could not find the template. The answers file is rendered in that directory,
    so the path is resolved here; URLs, shorthands and ``~`` paths are kept as typed.
    """
    source = answers.get("_src_path")
    if (
        not isinstance(source, str)
        or REMOTE_SOURCE.match(source)
        or source.startswith("~")
        or Path(source).is_absolute()
    ):
        return dict(answers)
    return {**answers, "_src_path": Path(source).resolve().as_posix()}


class GroundworkExtension(Extension):
    """Registers Groundwork's filters in Copier's Jinja environment, and compiles each
    template source once."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        # Copier compiles every part of every path, and the answers file's name, from source
        # each time it renders one: about a thousand compilations for one copy, most of them
        # of the same few strings, and half its time. Each source is compiled once; every
        # template made from the code still gets its own globals.
        environment.compile = functools.lru_cache(maxsize=4096)(  # type: ignore[method-assign,assignment]
            environment.compile
        )
        environment.filters.update(
            {
                "slugify": slugify,
                "project_name_error": project_name_error,
                "slug_error": slug_error,
                "package_name_error": package_name_error,
                "description_error": description_error,
                "author_name_error": author_name_error,
                "email_error": email_error,
                "with_absolute_source": with_absolute_source,
            }
        )
