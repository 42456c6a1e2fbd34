"""The documentation site builds strictly, and its questions reference is copier.yml's."""

from __future__ import annotations

import os
import subprocess
import sysconfig
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.harness import REPO_ROOT
from tests.harness.home_page_examples import INDEX, generate, marked
from tests.harness.projects import Projects
from tests.harness.questions_page import questions_reference

DOCS = REPO_ROOT / "docs"


def _nav_pages(entries: list[Any]) -> set[str]:
    pages: set[str] = set()
    for entry in entries:
        values = entry.values() if isinstance(entry, dict) else [entry]
        for value in values:
            pages |= _nav_pages(value) if isinstance(value, list) else {str(value)}
    return pages


def test_the_site_builds_with_no_warning(tmp_path: Path) -> None:
    mkdocs = Path(sysconfig.get_path("scripts")) / "mkdocs"
    built = subprocess.run(
        [str(mkdocs), "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=REPO_ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    assert (tmp_path / "site" / "questions" / "index.html").is_file()


def test_the_questions_reference_is_generated_from_copier_yml() -> None:
    page = (DOCS / "questions.md").read_text(encoding="utf-8")
    assert page == questions_reference(), (
        "docs/questions.md differs from copier.yml: "
        "run `uv run python -m tests.harness.questions_page > docs/questions.md`"
    )


def test_every_page_is_in_the_navigation() -> None:
    config = yaml.safe_load((REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    pages = {str(path.relative_to(DOCS)) for path in DOCS.rglob("*.md")}
    assert _nav_pages(config["nav"]) == pages


@pytest.mark.usefixtures("isolated_copier")
def test_the_home_pages_examples_are_what_rendered_services_give(projects: Projects) -> None:
    page = INDEX.read_text(encoding="utf-8")
    shown = marked(page)
    assert set(shown) == {"tree", "access-log", "problem", "spans"}
    assert shown == generate(projects), "run `uv run python -m tests.harness.home_page_examples`"
