"""scripts/release.py: the releases CHANGELOG.md declares, which the release workflow tags."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from packaging.version import Version

from scripts.release import ChangelogError, releases
from tests.harness import REPO_ROOT

POLICY = "# Changelog\n\n## Versioning policy\n\nMajor, minor, patch.\n\n"


def test_the_changelog_declares_its_releases_newest_first() -> None:
    found = releases((REPO_ROOT / "CHANGELOG.md").read_text(encoding="utf-8"))
    assert found, "CHANGELOG.md declares no release"
    assert [release.version for release in found] == sorted(
        (release.version for release in found), reverse=True
    )
    for release in found:
        assert release.tag == f"v{release.version}"
        assert "### Upgrading" in release.notes, f"{release.tag} says nothing under Upgrading"


def test_a_section_is_read_with_its_notes_and_unreleased_is_not_a_release() -> None:
    text = POLICY + (
        "## Unreleased\n\n- soon\n\n"
        "## v1.3.0rc1 - 2026-12-05\n\n- candidate\n\n"
        "## v1.2.0 - 2026-12-01\n\n### Added\n- a question\n"
    )
    found = releases(text)
    assert [(r.tag, r.version.is_prerelease) for r in found] == [
        ("v1.3.0rc1", True),
        ("v1.2.0", False),
    ]
    assert found[1].notes == "### Added\n- a question"
    assert found[0].version > Version("1.2.0")


@pytest.mark.parametrize(
    ("sections", "complaint"),
    [
        ("## 1.2.0 - 2026-12-01\n\n- x\n", "headed '## vX.Y.Z - YYYY-MM-DD'"),
        ("## v1.2.0\n\n- x\n", "headed '## vX.Y.Z - YYYY-MM-DD'"),
        ("## v1.2.0-rc.1 - 2026-12-01\n\n- x\n", "as PEP 440 normalises it, v1.2.0rc1"),
        ("## v1.2.x - 2026-12-01\n\n- x\n", "Invalid version"),
        ("## v1.2.0 - 2026-13-01\n\n- x\n", "month must be in 1..12"),
        ("## v1.2.0 - 2026-12-01\n\n", "says what changed"),
        ("## v1.1.0 - 2026-12-01\n\n- x\n\n## v1.2.0 - 2026-11-01\n\n- y\n", "newest first"),
        ("## v1.2.0 - 2026-12-01\n\n- x\n\n## v1.2.0 - 2026-11-01\n\n- y\n", "newest first"),
        ("## v1.2.0 - 2026-11-01\n\n- x\n\n## v1.1.0 - 2026-12-01\n\n- y\n", "dated before"),
        ("## v1.2.0 - 2026-12-01\n\n- x\n\n## Unreleased\n\n- y\n", "must come before"),
    ],
)
def test_a_malformed_changelog_is_refused_saying_what_is_wrong(
    sections: str, complaint: str
) -> None:
    with pytest.raises(ChangelogError, match=complaint):
        releases(POLICY + sections)


def _release_script(cwd: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "release.py"), *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_next_says_whether_the_newest_release_is_tagged_yet(tmp_path: Path) -> None:
    newest = releases((REPO_ROOT / "CHANGELOG.md").read_text(encoding="utf-8"))[0]
    subprocess.run(["git", "init", "--quiet"], cwd=tmp_path, check=True)
    subprocess.run(
        ["git", "commit", "--quiet", "--allow-empty", "-m", "empty"], cwd=tmp_path, check=True
    )

    untagged = _release_script(tmp_path, "next")
    subprocess.run(["git", "tag", newest.tag], cwd=tmp_path, check=True)
    tagged = _release_script(tmp_path, "next")

    assert untagged.returncode == 0, untagged.stderr
    assert untagged.stdout.splitlines() == [
        f"tag={newest.tag}",
        f"prerelease={str(newest.version.is_prerelease).lower()}",
        "new=true",
    ]
    assert tagged.stdout.splitlines()[-1] == "new=false"


def test_notes_prints_a_release_and_refuses_one_that_is_not_there() -> None:
    newest = releases((REPO_ROOT / "CHANGELOG.md").read_text(encoding="utf-8"))[0]
    printed = _release_script(REPO_ROOT, "notes", newest.tag)
    missing = _release_script(REPO_ROOT, "notes", "v999.0.0")
    assert printed.stdout == newest.notes + "\n"
    assert missing.returncode == 1
    assert "no release v999.0.0" in missing.stderr
