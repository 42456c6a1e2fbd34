"""After a copy: a git repository with its first commit, and the next steps for the answers.

The first commit is scripts/first_commit.py, Copier's last task: run here as Copier runs it,
and through Copier for what ``--skip-tasks`` does. The next steps are copier.yml's
``_message_after_copy``, printed by Copier.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
from copier import run_copy

from tests.harness import REPO_ROOT
from tests.harness.variants import BASE_ANSWERS, copier_answer

FIRST_COMMIT = REPO_ROOT / "scripts" / "first_commit.py"


def _first_commit(project: Path, env: Mapping[str, str]) -> str:
    ran = subprocess.run(
        [sys.executable, str(FIRST_COMMIT), "v1.2.0"],
        cwd=project,
        env={**env},
        capture_output=True,
        text=True,
        check=True,
    )
    return ran.stderr


def _git(project: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *arguments], cwd=project, capture_output=True, text=True, check=False
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "billing"
    (path / "src").mkdir(parents=True)
    (path / "README.md").write_text("# Billing\n", encoding="utf-8")
    (path / "src" / "app.py").write_text("APP = 1\n", encoding="utf-8")
    return path


@pytest.fixture
def no_git_identity(tmp_path: Path) -> dict[str, str]:
    """An environment in which git knows nobody, and will not guess from the host's name."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    home = tmp_path / "home"
    home.mkdir()
    return {
        **env,
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "user.useConfigOnly",
        "GIT_CONFIG_VALUE_0": "true",
    }


def test_the_project_becomes_a_repository_with_one_commit(project: Path) -> None:
    said = _first_commit(project, os.environ)

    log = _git(project, "log", "--format=%s").stdout.splitlines()
    assert log == ["Render the project from Groundwork v1.2.0"]
    assert _git(project, "status", "--porcelain").stdout == ""
    assert "its first commit holds the project as rendered" in said


def test_without_a_git_identity_the_files_are_staged_and_the_way_to_commit_is_said(
    project: Path, no_git_identity: dict[str, str]
) -> None:
    said = _first_commit(project, no_git_identity)

    assert (project / ".git").is_dir()
    assert _git(project, "rev-parse", "--verify", "HEAD").returncode != 0
    staged = _git(project, "diff", "--cached", "--name-only").stdout.split()
    assert sorted(staged) == ["README.md", "src/app.py"]
    assert "git config --global user.email" in said
    assert "git commit -m 'Render the project from Groundwork v1.2.0'" in said


def test_inside_an_existing_repository_nothing_is_committed(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "--quiet", str(tmp_path)], check=True)
    project = tmp_path / "services" / "billing"
    project.mkdir(parents=True)
    (project / "README.md").write_text("# Billing\n", encoding="utf-8")

    said = _first_commit(project, os.environ)

    assert not (project / ".git").exists()
    assert _git(tmp_path, "rev-parse", "--verify", "HEAD").returncode != 0
    assert f"inside the repository {tmp_path.resolve()}" in said


def _copy(dest: Path, answers: Mapping[str, str], *, skip_tasks: bool) -> None:
    run_copy(
        src_path=str(REPO_ROOT),
        dst_path=dest,
        data={key: copier_answer(key, value) for key, value in {**BASE_ANSWERS, **answers}.items()},
        defaults=True,
        unsafe=True,
        vcs_ref="HEAD",
        quiet=False,
        skip_tasks=skip_tasks,
    )


@pytest.mark.usefixtures("isolated_copier")
def test_skip_tasks_leaves_the_project_out_of_git(tmp_path: Path) -> None:
    _copy(tmp_path / "p", {}, skip_tasks=True)
    assert not (tmp_path / "p" / ".git").exists()
    assert not (tmp_path / "p" / "uv.lock").exists()


@pytest.mark.usefixtures("isolated_copier")
@pytest.mark.parametrize(
    ("answers", "present", "absent"),
    [
        (
            {},
            [
                "cd {dest}",
                "uv sync",
                "cp .env.example .env",
                "uv run alembic upgrade head",
                "uv run python -m demo_service",
                "docker compose up --build      # or all of it in containers\n",
                ".github/workflows/ci.yml",
            ],
            ["psql", "mysql", ".gitlab-ci.yml"],
        ),
        (
            {"database": "postgresql", "ci": "gitlab"},
            ["the psql commands in README.md", "the database made for you", ".gitlab-ci.yml"],
            [".github/workflows"],
        ),
        (
            {"database": "mysql", "docker": "false", "ci": "none"},
            ["the mysql command in README.md", "uv run alembic upgrade head"],
            ["docker compose", "git push"],
        ),
        (
            {"database": "none"},
            ["uv run python -m demo_service"],
            ["alembic", "psql", "mysql", "made for you"],
        ),
    ],
)
def test_copier_prints_the_next_steps_for_the_answers_given(
    answers: dict[str, str],
    present: list[str],
    absent: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    dest = tmp_path / "svc"
    _copy(dest, answers, skip_tasks=True)

    printed = capsys.readouterr().err
    message = printed[printed.index("Demo Service is in") :]
    assert message.startswith(f"Demo Service is in {dest}. Next, as its README.md explains:")
    for text in present:
        assert text.format(dest=dest) in message
    for text in absent:
        assert text not in message
