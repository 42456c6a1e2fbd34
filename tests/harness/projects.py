"""Render variants with Copier's API and run tools in the rendered projects."""

from __future__ import annotations

import functools
import os
import re
import shlex
import subprocess
import sysconfig
import time
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from copier import run_copy
from uv import find_uv_bin

from tests.harness import REPO_ROOT
from tests.harness.variants import NEWER_PYTHONS, Variant, axis_answers, copier_answer

ANSWERS_FILE = ".copier-answers.yml"
UV = find_uv_bin()
# The interpreters uv may use: system ones only, exposed by pyenv's shims when present.
PYENV_VERSIONS = ("3.11.7", "3.12.1", "3.13.0")
STEP_TIMEOUT = 900.0
OUTPUT_TAIL = 60

# The rendered project's own checks, run in its environment; the keys name the steps.
CHECKS: Mapping[str, tuple[str, ...]] = {
    "ruff-format": ("ruff", "format", "--check", "."),
    "ruff-check": ("ruff", "check", "."),
    "mypy": ("mypy",),
    "pytest": ("pytest", "-p", "no:cacheprovider", "-q"),
}
STEPS = ("render", "sync", *CHECKS)
# Not a step: the share of the service's lines its own tests ran (measured on Python 3.12+).
COVERAGE = "coverage"


def copy_template(dest: Path, answers: Mapping[str, str], *, tasks: bool = False) -> None:
    """Render the working tree (uncommitted changes included) with ``answers``; with
    ``tasks``, run the template's tasks too, as ``copier copy`` does (``uv lock``)."""
    run_copy(
        src_path=str(REPO_ROOT),
        dst_path=dest,
        data={question: copier_answer(question, value) for question, value in answers.items()},
        defaults=True,
        unsafe=True,
        skip_tasks=not tasks,
        vcs_ref="HEAD",
        quiet=True,
    )


def copy_with_cli(dest: Path, answers: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """Render with the ``copier`` command, as a user would; the process's result."""
    copier = Path(sysconfig.get_path("scripts")) / "copier"
    data = [
        f"--data={key}={yaml.safe_dump(copier_answer(key, value), default_flow_style=True).strip()}"
        if isinstance(copier_answer(key, value), list)
        else f"--data={key}={value}"
        for key, value in answers.items()
    ]
    return subprocess.run(
        [
            str(copier),
            "copy",
            "--trust",
            "--defaults",
            "--quiet",
            "--vcs-ref=HEAD",
            *data,
            str(REPO_ROOT),
            str(dest),
        ],
        # The copy's task (uv lock) needs the variant's Python, and may not download one.
        env=tool_environment(),
        capture_output=True,
        text=True,
        check=False,
    )


def read_answers(project_path: Path) -> dict[str, object]:
    answers = yaml.safe_load((project_path / ANSWERS_FILE).read_text(encoding="utf-8"))
    assert isinstance(answers, dict), f"{ANSWERS_FILE} is not a mapping: {answers!r}"
    return answers


def tool_environment() -> dict[str, str]:
    """The environment for uv and the rendered project's tools.

    Drops what belongs to this run (its virtualenv, pytest and xdist variables) so the
    rendered project behaves as in a fresh shell, and keeps uv to system interpreters.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PYTEST_") and key not in {"VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT"}
    }
    env["PYENV_VERSION"] = with_every_python(env.get("PYENV_VERSION", ""))
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env["UV_PYTHON_PREFERENCE"] = "only-system"
    return env


def with_every_python(pyenv_version: str) -> str:
    """``pyenv_version`` plus a default for each Python minor it lacks.

    pyenv's shims export the one version they resolved (``uv run`` through a shim sets
    ``PYENV_VERSION=3.11.7``), which hides the other interpreters from uv.
    """
    listed = [version for version in pyenv_version.split(":") if version]
    minors = {version.rsplit(".", 1)[0] for version in listed}
    missing = [version for version in PYENV_VERSIONS if version.rsplit(".", 1)[0] not in minors]
    return ":".join([*listed, *missing])


def run_bounded(
    command: Sequence[str], cwd: Path, env: Mapping[str, str], timeout: float = STEP_TIMEOUT
) -> tuple[int, str]:
    """Run ``command`` with no input; its exit status (-1 if killed after ``timeout``) and
    its output, standard error included."""
    try:
        completed = subprocess.run(
            command,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        partial = error.output or ""
        output = partial.decode(errors="replace") if isinstance(partial, bytes) else partial
        return -1, output + f"\n(killed after {timeout:.0f}s)"
    return completed.returncode, completed.stdout


@dataclass(frozen=True)
class StepResult:
    """A finished command; ``explain`` is what a failing test shows."""

    step: str
    command: tuple[str, ...]
    cwd: Path
    returncode: int
    output: str
    seconds: float

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def explain(self) -> str:
        lines = self.output.splitlines()
        return "\n".join(
            [
                f"{self.step} failed (exit {self.returncode}, {self.seconds:.1f}s): "
                f"{shlex.join(self.command)}",
                f"in {self.cwd}",
                f"--- last {min(OUTPUT_TAIL, len(lines))} of {len(lines)} output lines ---",
                *lines[-OUTPUT_TAIL:],
            ]
        )


@dataclass
class Project:
    """A rendered variant: its files as Copier wrote them, its answers, its step timings."""

    variant: Variant
    path: Path
    files: tuple[Path, ...]
    answers: dict[str, object]
    timings: dict[str, float] = field(default_factory=dict)
    install_error: str | None = None
    installed: bool = False
    # Variables the project's own commands get besides tool_environment()'s (its test database).
    env: dict[str, str] = field(default_factory=dict)
    # What this machine cannot check of it, and why (printed at the end of the run).
    left_out: list[str] = field(default_factory=list)
    tools_from_template: bool = False
    tasks_left_out: str | None = None  # why the copy's tasks did not run

    @property
    def python_version(self) -> str:
        return str(self.answers["python_version"])

    def texts(self) -> dict[Path, str]:
        """Every rendered file's text, by its path in the project."""
        return {
            relative: (self.path / relative).read_text(encoding="utf-8") for relative in self.files
        }

    def dependencies(self) -> set[str]:
        """The names of the distributions the project depends on at run time."""
        pyproject = tomllib.loads((self.path / "pyproject.toml").read_text(encoding="utf-8"))
        return {
            re.split(r"[\[<>=~!; ]", requirement, maxsplit=1)[0].lower()
            for requirement in pyproject["project"]["dependencies"]
        }

    def run(self, step: str, *command: str) -> StepResult:
        start = time.perf_counter()
        returncode, output = run_bounded(command, self.path, {**tool_environment(), **self.env})
        seconds = time.perf_counter() - start
        self.timings[step] = seconds
        return StepResult(step, command, self.path, returncode, output, seconds)

    def check(self, step: str) -> StepResult:
        """Run one of ``CHECKS`` with the project's installed tools (or, for ruff, with this
        repository's where its own are left out). The tests run with the coverage gate, as
        the project's CI runs them, where measuring is nearly free (Python 3.12+)."""
        command = CHECKS[step]
        if self.tools_from_template and command[0] == "ruff":
            return self.run(step, str(Path(sysconfig.get_path("scripts")) / "ruff"), *command[1:])
        if step == "pytest" and self.python_version != "3.11":
            command = (*command, "--cov")
        result = self.run(step, UV, "run", "--no-sync", *command)
        total = re.search(r"^TOTAL\s.*?(\d+(?:\.\d+)?)%$", result.output, re.MULTILINE)
        if total:
            self.timings[COVERAGE] = float(total[1])
        return result


@functools.cache
def missing_python(version: str) -> str | None:
    """Why uv cannot use Python ``version`` here (it may not download one); None if it can."""
    found = subprocess.run(
        [UV, "python", "find", version],
        env=tool_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    if found.returncode == 0:
        return None
    pyenv = tool_environment()["PYENV_VERSION"]
    return (
        f"Python {version} is not available to uv as a system interpreter (downloads are off; "
        f"PYENV_VERSION={pyenv}): install it, or make python{version} resolve on PATH"
    )


def render(variant: Variant, dest: Path) -> Project:
    """The variant rendered with Copier's tasks, which need its Python (``uv lock``), or
    without them where that Python is missing."""
    missing = missing_python(axis_answers(variant.answers)["python_version"])
    start = time.perf_counter()
    copy_template(dest, variant.answers, tasks=missing is None)
    seconds = time.perf_counter() - start
    project = Project(variant, dest, project_files(dest), read_answers(dest), {"render": seconds})
    if missing is not None:
        project.tasks_left_out = f"Copier's tasks (uv lock, the first commit): {missing}"
        project.left_out.append(project.tasks_left_out)
    return project


def project_files(project: Path) -> tuple[Path, ...]:
    """The project's files, relative to it, without git's (the first commit's task makes a
    repository)."""
    return tuple(
        sorted(
            path.relative_to(project)
            for path in project.rglob("*")
            if path.is_file() and ".git" not in path.relative_to(project).parts
        )
    )


def install(project: Project) -> str | None:
    """Create the project's environment from its pyproject; the error to report, if any."""
    version = project.python_version
    missing = missing_python(version)
    if missing is not None:
        return missing
    # --locked: the lock the copy made must match the project it was made for.
    synced = project.run("sync", UV, "sync", "--locked", "--python", version)
    return None if synced.ok else synced.explain()


@dataclass
class Projects:
    """One rendered project and one environment per variant, shared by its tests.

    A variant of a newer Python (``NEWER_PYTHONS``) whose interpreter is missing is checked
    with this repository's ruff, and its other checks are left out (skipped, with the reason),
    unless ``require_pythons``.
    """

    root: Path
    require_pythons: bool = False
    _rendered: dict[str, Project] = field(default_factory=dict)
    _render_errors: dict[str, str] = field(default_factory=dict)

    def rendered(self, variant: Variant) -> Project:
        if variant.name in self._render_errors:
            pytest.fail(self._render_errors[variant.name], pytrace=False)
        if variant.name not in self._rendered:
            try:
                self._rendered[variant.name] = render(variant, self.root / variant.name)
            except Exception as error:
                self._render_errors[variant.name] = f"rendering {variant.name} failed: {error!r}"
                raise
        return self._rendered[variant.name]

    def installed(self, variant: Variant) -> Project:
        project = self.rendered(variant)
        left_out = self._left_out(project)
        if left_out is not None:
            project.left_out.append(f"its environment, mypy and its own tests: {left_out}")
            pytest.skip(f"{variant.name}: {left_out}")
        if not project.installed and project.install_error is None:
            project.install_error = install(project)
            project.installed = project.install_error is None
        if project.install_error is not None:
            pytest.fail(project.install_error, pytrace=False)
        return project

    def linted(self, variant: Variant) -> Project:
        """The project, with its own tools, or this repository's ruff where they are left out."""
        project = self.rendered(variant)
        if self._left_out(project) is None:
            return self.installed(variant)
        project.tools_from_template = True
        return project

    def _left_out(self, project: Project) -> str | None:
        if self.require_pythons or project.python_version not in NEWER_PYTHONS:
            return None
        return missing_python(project.python_version)
