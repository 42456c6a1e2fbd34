"""The READMEs' command blocks, run as a newcomer runs them.

Every ```` ```sh ```` block of a README is part of its walk, in the order it is written, and
runs in one bash session per part (``set -euo pipefail``: the first command that fails stops
the walk and fails the test). The commands are taken literally, except:

- ``copier copy`` is given the variant's answers (``--defaults`` and ``--data``);
- the service (``uv run python -m <package>``) is served in the background until its
  readiness probe answers, and stopped when the part ends; it listens on a free port, which
  replaces 8000 in the URLs the commands use;
- the database servers are the ones ``GROUNDWORK_*`` name (the environment the commands run in
  points ``psql``, ``mysql``, the service and its tests at them);
- what needs a Docker engine or a Kubernetes cluster (a line that starts with ``docker`` or
  ``kubectl``) is left out, and reported at the end of the run with the reason.

A walk has two parts: up to the first block that runs ``copier update``, then from there on,
inside the project, after the test has committed a change of the team's and released a new
version of the template.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tests.harness.projects import StepResult, run_bounded, tool_environment
from tests.harness.variants import copier_answer

FENCE = re.compile(r"^```sh\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)
UPDATE = "copier update"
DEFAULT_PORT = "127.0.0.1:8000"
# What a line needs that this machine has not, by its first word.
NOT_HERE = {
    "docker": "needs a Docker engine (its files are checked by tests/test_docker.py)",
    "kubectl": "needs a Kubernetes cluster (its manifests are checked by tests/test_kubernetes.py)",
}
PART_TIMEOUT = 900.0
READY_SECONDS = 30

PRELUDE = f"""\
set -euo pipefail
PS4='+ $ '
server=""
serve_in_background() {{
  {{ set +x; }} 2> /dev/null
  echo "(served in the background until ready: $*)"
  "$@" > "$WALK_SERVER_LOG" 2>&1 &
  server=$!
  for _ in $(seq {READY_SECONDS * 10}); do
    ready="http://127.0.0.1:$WALK_PORT/health/ready"
    if curl --silent --fail --max-time 1 "$ready" > /dev/null; then set -x; return 0; fi
    if ! kill -0 "$server" 2> /dev/null; then
      echo "the service stopped:"; cat "$WALK_SERVER_LOG"; return 1
    fi
    sleep 0.1
  done
  echo "the service was not ready within {READY_SECONDS} s:"; cat "$WALK_SERVER_LOG"; return 1
}}
stop_server() {{
  if [ -n "$server" ]; then kill -TERM "$server" 2> /dev/null || true; wait "$server" || true; fi
}}
trap '{{ set +x; }} 2> /dev/null; stop_server' EXIT
set -x
"""


def command_blocks(markdown: str) -> list[list[str]]:
    """The lines of each ``sh`` block, in order."""
    return [match["body"].splitlines() for match in FENCE.finditer(markdown)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def stop_process_group(process: subprocess.Popen[bytes], timeout: float = 15) -> None:
    """SIGTERM to the group ``process`` leads (started with ``start_new_session``), as a
    supervisor stops a service; SIGKILL if it has not ended within ``timeout`` seconds."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


@dataclass
class Walk:
    """How a README's commands are run for one variant: its answers, its serve command and
    the environment the commands see."""

    answers: Mapping[str, str]
    package: str
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    left_out: list[str] = field(default_factory=list)

    def line(self, line: str) -> str:
        """``line`` as the walk runs it."""
        words = line.split()
        if words and words[0] in NOT_HERE:
            self.left_out.append(f"{line.strip()}: {NOT_HERE[words[0]]}")
            return f": left out here: {shlex.quote(line.strip())}"
        if " copier copy " in f" {line} ":
            data = " ".join(shlex.quote(f"--data={key}={value}") for key, value in self._data())
            line = line.replace("copier copy ", f"copier copy --defaults {data} ", 1)
        if line.strip() == f"uv run python -m {self.package}":
            line = f"serve_in_background {line.strip()}"
        return line.replace(DEFAULT_PORT, f"127.0.0.1:{self.port}")

    def _data(self) -> list[tuple[str, str]]:
        pairs = []
        for key, value in self.answers.items():
            answer = copier_answer(key, value)
            if isinstance(answer, list):
                pairs.append((key, yaml.safe_dump(answer, default_flow_style=True).strip()))
            else:
                pairs.append((key, str(answer)))
        return pairs

    def script(self, blocks: Sequence[Sequence[str]]) -> str:
        lines = [self.line(line) for block in blocks for line in block]
        return PRELUDE + "\n".join(lines) + "\n"

    def run(self, blocks: Sequence[Sequence[str]], cwd: Path, log: Path) -> StepResult:
        """Run ``blocks`` in one bash session from ``cwd``; the script is kept beside ``log``
        (the service's output), to read when a walk fails."""
        script = log.with_suffix(".sh")
        script.write_text(self.script(blocks), encoding="utf-8")
        env = {
            **tool_environment(),
            **self.env,
            f"{self.package.upper()}_SERVER__PORT": str(self.port),
            "WALK_PORT": str(self.port),
            "WALK_SERVER_LOG": str(log),
        }
        command = ("bash", str(script))
        start = time.perf_counter()
        returncode, output = run_bounded(command, cwd, env, PART_TIMEOUT)
        seconds = time.perf_counter() - start
        return StepResult("the walk", command, cwd, returncode, output, seconds)


def split_at_update(blocks: Sequence[Sequence[str]]) -> tuple[list[list[str]], list[list[str]]]:
    """The blocks before the first one that runs ``copier update``, and the rest."""
    for index, block in enumerate(blocks):
        if any(UPDATE in line for line in block):
            return [list(b) for b in blocks[:index]], [list(b) for b in blocks[index:]]
    message = f"no command block runs {UPDATE!r}"
    raise ValueError(message)
