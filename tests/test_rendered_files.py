"""Tier 1: every variant renders complete, clean files that carry its answers."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

from tests.conftest import variant_params
from tests.harness import copier_questions
from tests.harness.projects import ANSWERS_FILE, Project
from tests.harness.variants import answering, given_answer

# A lone "}}" is how nested dict literals end in Python and JSON, so it is not a marker:
# any leftover expression also carries its opening "{{", which is.
JINJA_MARKERS = ("{{", "{%", "%}")
# Rendered lines that contain a marker on purpose (say, an f-string's literal "{{"), stripped.
ALLOWED_MARKER_LINES: frozenset[str] = frozenset(
    {
        # A GitHub Actions expression in the rendered workflow.
        "group: ${{ github.workflow }}-${{ github.ref }}",
    }
)


def _asked(answers: dict[str, object]) -> list[str]:
    """The questions Copier asks, hence records, after ``answers``: not the derived values
    (``when: false``), nor a question whose ``when`` the answers make false (the example
    resource without a database)."""
    return [
        name
        for name, question in copier_questions.questions().items()
        if question.asked and copier_questions.is_asked(question, answers)
    ]


def test_no_leftover_jinja(rendered: Project) -> None:
    leftovers = [
        f"{relative}:{number}: {line.strip()}"
        for relative, text in rendered.texts().items()
        for number, line in enumerate(text.splitlines(), start=1)
        if any(marker in line for marker in JINJA_MARKERS)
        and line.strip() not in ALLOWED_MARKER_LINES
    ]
    assert not leftovers, "Jinja markers left in rendered files:\n" + "\n".join(leftovers)


def test_paths_are_rendered(rendered: Project) -> None:
    unrendered = [
        str(relative)
        for relative in rendered.files
        if relative.name.endswith(".jinja")
        or any(marker in str(relative) for marker in JINJA_MARKERS)
    ]
    assert not unrendered


def test_no_empty_files(rendered: Project) -> None:
    empty = [str(relative) for relative, text in rendered.texts().items() if not text.strip()]
    assert not empty


@pytest.mark.parametrize(
    "variant", variant_params(answering("python_version", "3.11")), indirect=True
)
def test_python_files_parse(rendered: Project) -> None:
    """Every Python file parses (here on 3.11; newer variants may use newer syntax, which
    their own tools parse in tier 2)."""
    for relative, text in rendered.texts().items():
        if relative.suffix == ".py":
            ast.parse(text, filename=str(relative))


def test_answers_file_records_every_answer(rendered: Project) -> None:
    answers = rendered.answers
    assert {"_src_path", "_commit"} <= answers.keys(), f"{ANSWERS_FILE}: {answers}"
    asked = _asked(answers)
    assert set(asked) <= answers.keys()
    given = {key: value for key, value in rendered.variant.answers.items() if key in asked}
    assert {key: given_answer(key, answers[key]) for key in given} == given


def test_package_is_under_src(rendered: Project) -> None:
    packages = {relative.parts[1] for relative in rendered.files if relative.parts[0] == "src"}
    assert packages == {rendered.answers["package_name"]}
    assert Path("src", str(rendered.answers["package_name"]), "__init__.py") in rendered.files


def test_pyproject_carries_the_answers(rendered: Project) -> None:
    answers = rendered.answers
    version = rendered.python_version
    pyproject = tomllib.loads((rendered.path / "pyproject.toml").read_text(encoding="utf-8"))
    project = pyproject["project"]
    assert project["name"] == answers["project_slug"]
    assert project["description"] == answers["description"]
    assert project["authors"] == [
        {"name": answers["author_name"], "email": answers["author_email"]}
    ]
    assert project["requires-python"] == f">={version}"
    assert pyproject["tool"]["ruff"]["target-version"] == f"py{version.replace('.', '')}"
    assert pyproject["tool"]["mypy"]["python_version"] == version


def test_python_version_is_pinned(rendered: Project) -> None:
    pinned = (rendered.path / ".python-version").read_text(encoding="utf-8").strip()
    assert pinned == rendered.python_version
