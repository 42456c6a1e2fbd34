"""The releases CHANGELOG.md declares, for the release workflow and the tests.

Each release is a section headed ``## vX.Y.Z - YYYY-MM-DD`` (a PEP 440 version: ``v1.3.0rc1``
for a pre-release), newest first; changes not released yet sit under ``## Unreleased`` above
them. Copier sorts the template's tags by PEP 440, so the heading's version is the tag.

    python scripts/release.py check          the changelog is well formed (exit 1 if not)
    python scripts/release.py next           tag=vX.Y.Z and new=true|false (not tagged yet),
                                             as GitHub Actions step outputs
    python scripts/release.py notes vX.Y.Z   the release's section, for its release notes
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

CHANGELOG = Path(__file__).resolve().parent.parent / "CHANGELOG.md"
HEADING = re.compile(r"^## (?P<title>.+)$", re.MULTILINE)
RELEASE_TITLE = re.compile(r"^v(?P<version>\S+) - (?P<date>\d{4}-\d{2}-\d{2})$")
UNRELEASED = "Unreleased"


class ChangelogError(ValueError):
    """The changelog does not declare its releases as the workflow reads them."""


@dataclass(frozen=True)
class Release:
    version: Version
    date: datetime.date
    notes: str

    @property
    def tag(self) -> str:
        return f"v{self.version}"


def releases(text: str) -> list[Release]:
    """The releases of a changelog, newest first; refused with what is wrong if malformed."""
    headings = list(HEADING.finditer(text))
    found: list[Release] = []
    for index, heading in enumerate(headings):
        title = heading["title"].strip()
        end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
        body = text[heading.end() : end].strip()
        if title == UNRELEASED:
            if found:
                message = "## Unreleased must come before every release"
                raise ChangelogError(message)
            continue
        if title == "Versioning policy":
            continue
        found.append(_release(title, body))
    _check_order(found)
    return found


def _release(title: str, notes: str) -> Release:
    matched = RELEASE_TITLE.match(title)
    if matched is None:
        message = f"## {title}: a release is headed '## vX.Y.Z - YYYY-MM-DD'"
        raise ChangelogError(message)
    try:
        version = Version(matched["version"])
        date = datetime.date.fromisoformat(matched["date"])
    except (InvalidVersion, ValueError) as error:
        message = f"## {title}: {error}"
        raise ChangelogError(message) from error
    if str(version) != matched["version"]:
        message = f"## {title}: write the version as PEP 440 normalises it, v{version}"
        raise ChangelogError(message)
    if not notes:
        message = f"## {title}: a release says what changed"
        raise ChangelogError(message)
    return Release(version, date, notes)


def _check_order(found: list[Release]) -> None:
    for newer, older in itertools.pairwise(found):
        if newer.version <= older.version:
            message = f"{newer.tag} is listed above {older.tag}: newest first, each once"
            raise ChangelogError(message)
        if newer.date < older.date:
            message = f"{newer.tag} is dated before {older.tag}"
            raise ChangelogError(message)


def tagged() -> set[str]:
    listed = subprocess.run(
        ["git", "tag", "--list", "v*"], capture_output=True, text=True, check=True
    )
    return set(listed.stdout.split())


def _next(found: list[Release]) -> str:
    if not found:
        return "new=false"
    newest = found[0]
    return "\n".join(
        [
            f"tag={newest.tag}",
            f"prerelease={str(newest.version.is_prerelease).lower()}",
            f"new={str(newest.tag not in tagged()).lower()}",
        ]
    )


def _notes(found: list[Release], tag: str) -> str:
    notes = {release.tag: release.notes for release in found}
    if tag not in notes:
        message = f"there is no release {tag}"
        raise ChangelogError(message)
    return notes[tag]


def main(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="the changelog is well formed")
    commands.add_parser("next", help="the newest release's tag, and whether it is new")
    commands.add_parser("notes", help="a release's section").add_argument("tag")
    parsed = parser.parse_args(arguments)
    try:
        found = releases(CHANGELOG.read_text(encoding="utf-8"))
        if parsed.command == "next":
            print(_next(found))
        elif parsed.command == "notes":
            print(_notes(found, parsed.tag))
    except ChangelogError as error:
        print(f"CHANGELOG.md: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
