"""A template history built for a test: this working tree released, then a release on top.

The first commit holds the working tree as it is (uncommitted changes included), tagged with
the newest release CHANGELOG.md declares; ``release`` commits a change on top with a new
changelog section, and tags it the way the release workflow does, from that section.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from packaging.version import Version

from scripts.release import releases
from tests.harness import REPO_ROOT

# A release that rewords the application module's docstring, and a team's function at the end
# of that module: an update must bring the one and keep the other.
APP_DOCSTRING = '"""The application factory: the one place where the service is wired together."""'
NEW_APP_DOCSTRING = (
    '"""The application factory: where the service is wired together, and only there."""'
)
TEAM_FUNCTION = '''

def banner() -> str:
    """A line the team added to the application module."""
    return "ours"
'''


def reword_the_app_docstring(template: Path) -> None:
    app = next((template / "template" / "src").glob("*/app.py.jinja"))
    text = app.read_text(encoding="utf-8")
    assert APP_DOCSTRING in text, "the application module's docstring changed: update the test"
    app.write_text(text.replace(APP_DOCSTRING, NEW_APP_DOCSTRING), encoding="utf-8")


def add_the_team_function(project: Path, package: str) -> Path:
    app = project / "src" / package / "app.py"
    with app.open("a", encoding="utf-8") as stream:
        stream.write(TEAM_FUNCTION)
    return app


def newest_release() -> str:
    """The tag of the newest release this repository's changelog declares."""
    return releases((REPO_ROOT / "CHANGELOG.md").read_text(encoding="utf-8"))[0].tag


def next_minor(tag: str) -> str:
    current = Version(tag.removeprefix("v"))
    return f"v{current.major}.{current.minor + 1}.0"


def git(cwd: Path, *arguments: str) -> str:
    completed = subprocess.run(
        ["git", *arguments], cwd=cwd, capture_output=True, text=True, check=True
    )
    return completed.stdout


def commit(path: Path, message: str) -> None:
    """Commit everything in ``path``, hooks skipped (a project's pre-commit hooks come from
    GitHub, which tests must not need)."""
    git(path, "add", "--all")
    git(path, "commit", "--quiet", "--no-verify", "--message", message)


@dataclass(frozen=True)
class TemplateHistory:
    """A git repository of the template at ``path``, whose newest tag is ``tag``."""

    path: Path

    @classmethod
    def of_the_working_tree(cls, path: Path) -> TemplateHistory:
        path.mkdir(parents=True, exist_ok=True)
        listed = git(REPO_ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
        for name in filter(None, listed.split("\0")):
            source = REPO_ROOT / name
            if source.is_file():
                (path / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, path / name)
        git(path, "init", "--quiet", "--initial-branch=main")
        history = cls(path)
        commit(path, "The template as it is")
        git(path, "tag", history.newest_release())
        return history

    def newest_release(self) -> str:
        changelog = (self.path / "CHANGELOG.md").read_text(encoding="utf-8")
        return releases(changelog)[0].tag

    @property
    def tag(self) -> str:
        return git(self.path, "describe", "--tags", "--abbrev=0").strip()

    def release(self, change: Callable[[Path], None], notes: str) -> str:
        """Apply ``change`` to the template, declare the next minor release in the changelog
        with ``notes``, commit and tag it; the new tag."""
        change(self.path)
        tag = next_minor(self.tag)
        changelog = self.path / "CHANGELOG.md"
        text = changelog.read_text(encoding="utf-8")
        # Dated as the release before it: a changelog's dates never go back.
        date = releases(text)[0].date.isoformat()
        section = f"## {tag} - {date}\n\n{notes.strip()}\n\n"
        changelog.write_text(
            text.replace("## Unreleased\n\n", f"## Unreleased\n\n{section}", 1), encoding="utf-8"
        )
        commit(self.path, f"Release {tag}")
        assert self.newest_release() == tag, "the changelog's newest section is not the release"
        git(self.path, "tag", tag)
        return tag
