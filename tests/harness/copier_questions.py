"""copier.yml's questions as the harness reads them, and their Jinja evaluated as Copier does.

The choices, defaults, ``when`` conditions and validators are copier.yml's: the variants, the
questions page and the checks of a render take them from here rather than restating them.
Expressions are rendered with Copier's settings (``_envops``) in a sandbox, without the
template's extensions: the ones evaluated here use none of their filters.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jinja2
import yaml
from jinja2 import meta
from jinja2.sandbox import SandboxedEnvironment

from tests.harness import REPO_ROOT

COPIER_YML = REPO_ROOT / "copier.yml"
# How Copier reads a rendered `when` or a templated bool default (its cast_to_bool).
TRUE = frozenset({"y", "yes", "t", "true", "on", "1"})
FALSE = frozenset({"", "n", "no", "f", "false", "off", "~", "null", "none", "0"})


@functools.cache
def copier_yml() -> dict[str, Any]:
    """copier.yml as YAML reads it: the settings (``_``-prefixed keys) and the questions."""
    config = yaml.safe_load(COPIER_YML.read_text(encoding="utf-8"))
    assert isinstance(config, dict), f"{COPIER_YML} is not a mapping"
    return config


@dataclass(frozen=True)
class Question:
    """One question of copier.yml; ``choices`` are the answers it offers (without their
    labels), empty when any text is an answer."""

    name: str
    type: str
    choices: tuple[str, ...]
    multiselect: bool
    default: object
    # A Jinja expression, or a constant (false: derived, never asked); None: always asked.
    when: str | bool | None
    validator: str | None

    @property
    def asked(self) -> bool:
        """Whether Copier may ask it (``when: false`` marks a value derived from the others)."""
        return self.when is not False


def _question(name: str, spec: Mapping[str, Any]) -> Question:
    choices = spec.get("choices", ())
    values = choices.values() if isinstance(choices, Mapping) else choices
    return Question(
        name=name,
        type=str(spec.get("type", "yaml")),
        choices=tuple(str(value) for value in values),
        multiselect=bool(spec.get("multiselect", False)),
        default=spec.get("default"),
        when=spec.get("when"),
        validator=spec.get("validator"),
    )


@functools.cache
def questions() -> dict[str, Question]:
    """Every question, derived values included, in copier.yml's order (Copier's)."""
    return {
        name: _question(name, spec)
        for name, spec in copier_yml().items()
        if not name.startswith("_") and isinstance(spec, Mapping)
    }


@functools.cache
def _environment() -> SandboxedEnvironment:
    envops = dict(copier_yml().get("_envops", {}))
    envops.pop("undefined", None)  # named by its import path there; Copier's is strict
    return SandboxedEnvironment(undefined=jinja2.StrictUndefined, **envops)


@functools.cache
def _template(expression: str) -> jinja2.Template:
    return _environment().from_string(expression)


def render(expression: str, context: Mapping[str, object]) -> str:
    """``expression`` rendered with ``context`` (answers as Copier holds them)."""
    return _template(expression).render(context)


def variables(expression: object) -> frozenset[str]:
    """The names ``expression`` reads (none for a constant)."""
    if not isinstance(expression, str):
        return frozenset()
    return frozenset(meta.find_undeclared_variables(_environment().parse(expression)))


def truthy(rendered: str) -> bool:
    """A rendered ``when`` or bool default as Copier reads it."""
    word = rendered.strip().lower()
    if word in TRUE:
        return True
    if word in FALSE:
        return False
    message = f"{rendered!r} is neither true nor false to Copier's reading"
    raise ValueError(message)


def is_asked(question: Question, context: Mapping[str, object]) -> bool:
    """Whether Copier asks ``question`` after the answers in ``context``."""
    if question.when is None:
        return True
    if isinstance(question.when, str):
        return truthy(render(question.when, context))
    return bool(question.when)


def default(question: Question, context: Mapping[str, object]) -> object:
    """``question``'s default after the answers in ``context``, typed as Copier types it."""
    value = question.default
    if not isinstance(value, str):
        return value
    rendered = render(value, context)
    if question.type == "bool":
        return truthy(rendered)
    if question.multiselect:
        return yaml.safe_load(rendered) or []
    return rendered


def refusal(question: Question, context: Mapping[str, object]) -> str:
    """What ``question``'s validator says of the answers in ``context`` (its own included):
    empty when it accepts them."""
    if question.validator is None:
        return ""
    return render(question.validator, context).strip()
