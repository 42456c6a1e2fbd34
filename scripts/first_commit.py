"""Copier's last task after a copy: make the new project a git repository with a first commit.

``copier update`` works from the project's git history (it needs the work committed), so the
project starts with one. Run in the new project's directory; it never fails the copy: what it
cannot do, it says, with the commands that do it by hand.

    python first_commit.py VERSION
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

BY_HAND = (
    "  git init && git add --all && git commit -m 'Render the project from Groundwork'\n"
    "(copier update needs the project in git, its work committed)"
)


def _git(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *arguments], capture_output=True, text=True, check=False)


def message(version: str) -> str:
    return f"Render the project from Groundwork {version}".rstrip()


def first_commit(project: Path, version: str) -> str:
    """Initialise ``project`` and commit it; what happened, to print."""
    if shutil.which("git") is None:
        return f"git is not installed, so {project.name} is not a repository yet; then:\n{BY_HAND}"
    if _git("rev-parse", "--is-inside-work-tree").returncode == 0:
        top = _git("rev-parse", "--show-toplevel").stdout.strip()
        return (
            f"{project.name} is inside the repository {top}: nothing was committed. Commit it "
            "there (git add, git commit) before a copier update."
        )
    initialised = _git("init", "--quiet")
    if initialised.returncode != 0:
        return f"git init failed: {initialised.stderr.strip()}\nBy hand:\n{BY_HAND}"
    _git("add", "--all")
    committed = _git("commit", "--quiet", "--message", message(version))
    if committed.returncode != 0:
        reason = committed.stderr.strip().splitlines()
        return (
            f"{project.name} is a git repository with every file staged, but git could not "
            f"commit ({reason[-1] if reason else 'no reason given'}). Tell git who you are, "
            "then commit:\n"
            "  git config --global user.name 'Your Name'\n"
            "  git config --global user.email you@example.com\n"
            f"  git commit -m '{message(version)}'"
        )
    return f"{project.name} is a git repository; its first commit holds the project as rendered."


def main(arguments: list[str]) -> None:
    version = arguments[0] if arguments else ""
    print(first_commit(Path.cwd(), version), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
