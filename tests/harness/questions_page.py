"""The questions reference of the documentation, generated from copier.yml.

``uv run python -m tests.harness.questions_page > docs/questions.md`` writes it;
``tests/test_docs.py`` fails when the page and copier.yml differ.
"""

from __future__ import annotations

from typing import Any

from tests.harness.copier_questions import copier_yml

HEADER = """# The questions

Generated from `copier.yml`
(`uv run python -m tests.harness.questions_page > docs/questions.md`); a test fails when this
page and the questions differ. Answers are validated as you type them, and a refused answer
says what is allowed.
"""


def _questions() -> dict[str, dict[str, Any]]:
    return {
        name: question
        for name, question in copier_yml().items()
        if not name.startswith("_")
        and isinstance(question, dict)
        and question.get("when") is not False
    }


def _default(question: dict[str, Any]) -> str:
    default = question.get("default")
    if default is None:
        return "none: asked"
    if isinstance(default, str) and "{{" in default:
        return f"derived: `{default}`"
    if isinstance(default, bool):
        return "yes" if default else "no"
    if default == []:
        return "none chosen"
    return f"`{default}`"


def questions_reference() -> str:
    sections = [HEADER]
    for name, question in _questions().items():
        lines = [f"## `{name}`", "", " ".join(str(question.get("help", "")).split()), ""]
        kind = "several of" if question.get("multiselect") else "one of"
        choices = question.get("choices")
        if isinstance(choices, dict):
            listed = ", ".join(f"`{value}` ({label})" for label, value in choices.items())
            lines.append(f"- answers: {kind} {listed}")
        elif isinstance(choices, list):
            lines.append(f"- answers: {kind} " + ", ".join(f"`{value}`" for value in choices))
        else:
            lines.append(f"- answers: {'yes or no' if question['type'] == 'bool' else 'text'}")
        lines.append(f"- default: {_default(question)}")
        if "when" in question:
            lines.append(f"- asked when: `{question['when']}`")
        if "validator" in question:
            lines.append("- validated: a refused answer is explained")
        sections.append("\n".join(lines) + "\n")
    return "\n".join(sections)


if __name__ == "__main__":
    print(questions_reference(), end="")
