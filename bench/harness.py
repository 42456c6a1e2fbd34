"""Render, install and serve the benchmarked apps; load them with wrk; measure them."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from tests.harness.projects import UV, copy_template, tool_environment

BENCH_DIR = Path(__file__).resolve().parent
WRK_SCRIPT = BENCH_DIR / "wrk.lua"
PROJECT_ANSWERS = {"project_name": "Bench Service", "author_email": "bench@example.com"}
PACKAGE = "bench_service"
ENV_PREFIX = "BENCH_SERVICE_"
DATABASE = "groundwork_bench"
LIVE_PATH = "/health/live"
PRODUCTION_ENV = {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"}
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    status: int


@dataclass(frozen=True)
class Config:
    """A benchmarked service: the answers it is rendered with and the environment it runs in."""

    name: str
    title: str
    answers: Mapping[str, str]
    env: Mapping[str, str] = field(default_factory=dict)
    # Whether the service exports to the live receiver (its URL goes into the environment).
    exports: bool = False

    @property
    def render_key(self) -> str:
        return "-".join(f"{key}={value}" for key, value in sorted(self.answers.items()))


@dataclass(frozen=True)
class Rendered:
    path: Path

    @property
    def python(self) -> Path:
        return self.path / ".venv" / "bin" / "python"


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    wrong_status: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def run(command: list[str], *, cwd: Path, env: Mapping[str, str] | None = None) -> None:
    """Run ``command``, failing loudly with its output."""
    completed = subprocess.run(
        command,
        cwd=cwd,
        env={**tool_environment(), **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        sys.exit(
            f"{' '.join(command)} failed in {cwd} (exit {completed.returncode}):\n"
            f"{completed.stdout}{completed.stderr}"
        )


def render(config: Config, dest: Path, python_version: str) -> Rendered:
    """Render ``config``'s variant with its ``uv lock`` task, and install it, locked."""
    answers = {**PROJECT_ANSWERS, "python_version": python_version, **config.answers}
    copy_template(dest, answers, tasks=True)
    # As the Dockerfile installs it: locked, no dev tools, not editable, bytecode compiled.
    run(
        [UV, "sync", "--locked", "--no-dev", "--no-editable", "--python", python_version],
        cwd=dest,
        env={"UV_COMPILE_BYTECODE": "1"},
    )
    return Rendered(dest)


def render_times(dest: Path, repeats: int) -> list[float]:
    """Seconds to render the default variant (Copier's own work: no ``uv lock`` task)."""
    seconds = []
    for index in range(repeats):
        target = dest / f"default-{index}"
        started = time.perf_counter()
        copy_template(target, PROJECT_ANSWERS)
        seconds.append(time.perf_counter() - started)
        shutil.rmtree(target)
    return seconds


def prepare_database(server_url: str, rendered: Rendered) -> tuple[str, int]:
    """A fresh database migrated by the rendered service, holding one note; its URL and id."""
    admin = server_url.replace("+asyncpg", "")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE}")
    base = server_url.rsplit("/", 1)[0]
    url = f"{base}/{DATABASE}"
    run(
        [str(rendered.path / ".venv" / "bin" / "alembic"), "upgrade", "head"],
        cwd=rendered.path,
        env={f"{ENV_PREFIX}DATABASE__URL": url},
    )
    with psycopg.connect(url.replace("+asyncpg", ""), autocommit=True) as connection:
        row = connection.execute(
            "INSERT INTO notes (title, body, pinned, priority)"
            " VALUES ('Benchmark', 'A note read by primary key.', false, 3) RETURNING id"
        ).fetchone()
    assert row is not None
    return url, int(row[0])


def drop_database(server_url: str) -> None:
    with psycopg.connect(server_url.replace("+asyncpg", ""), autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


@dataclass
class App:
    """One benchmarked server: a rendered service or the bare app, and how to start it."""

    name: str
    title: str
    command: list[str]
    cwd: Path
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    port: int = 0

    def spawn(self, port: int) -> subprocess.Popen[bytes]:
        self.port = port
        # As the image runs it: bytecode is compiled at install, never written at run time.
        env = {**tool_environment(), **PRODUCTION_ENV, **self.env}
        env[f"{ENV_PREFIX}SERVER__PORT"] = str(port)
        command = [arg.replace("{port}", str(port)) for arg in self.command]
        with self.log_path.open("ab") as log:
            return subprocess.Popen(
                command, cwd=self.cwd, env=env, stdout=log, stderr=subprocess.STDOUT
            )

    def start(self, port: int) -> None:
        """Start the server for the load runs, and wait until it answers."""
        self.process = self.spawn(port)
        wait_until_live(self.process, port, self.log_path)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None

    def peak_rss_mib(self) -> float:
        """The server's peak resident memory so far (VmHWM), in MiB."""
        assert self.process is not None
        status = Path(f"/proc/{self.process.pid}/status").read_text(encoding="ascii")
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError(f"no VmHWM in /proc/{self.process.pid}/status")


def pinned(command: list[str], core: int | None) -> list[str]:
    taskset = shutil.which("taskset")
    if core is None or taskset is None:
        return command
    return [taskset, "--cpu-list", str(core), *command]


def get_status(port: int, path: str, timeout: float = 1.0) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_until_live(process: subprocess.Popen[bytes], port: int, log_path: Path) -> float:
    """Poll the liveness probe every millisecond; the seconds from spawn to its first 200."""
    spawned = time.perf_counter()
    deadline = spawned + START_TIMEOUT
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            log = log_path.read_text(encoding="utf-8", errors="replace")[-4000:]
            sys.exit(f"the server exited ({process.returncode}) before answering:\n{log}")
        try:
            status, _ = get_status(port, LIVE_PATH)
        except OSError:
            time.sleep(0.001)
            continue
        if status == http.HTTPStatus.OK:
            return time.perf_counter() - spawned
    stop(process)
    sys.exit(f"the server on port {port} did not answer {LIVE_PATH} in {START_TIMEOUT:.0f}s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def cold_start(app: App, port: int) -> float:
    """Spawn-to-first-200 of a fresh process, stopped before this returns."""
    process = app.spawn(port)
    try:
        return wait_until_live(process, port, app.log_path)
    finally:
        stop(process)


def load(
    port: int,
    endpoint: Endpoint,
    *,
    seconds: float,
    connections: int,
    core: int | None,
) -> LoadResult:
    """Load ``endpoint`` with wrk for ``seconds``, on one thread and ``connections``."""
    command = pinned(
        [
            "wrk",
            "--threads=1",
            f"--connections={connections}",
            f"--duration={max(1, round(seconds))}s",
            "--timeout=10s",
            f"--script={WRK_SCRIPT}",
            f"http://127.0.0.1:{port}{endpoint.path}",
        ],
        core,
    )
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        sys.exit(f"wrk failed (exit {completed.returncode}):\n{completed.stdout}{completed.stderr}")
    summary = json.loads(completed.stdout.strip().splitlines()[-1])
    errors = sum(
        summary[key] for key in ("connect_errors", "read_errors", "write_errors", "timeouts")
    )
    # wrk counts every status outside 2xx and 3xx as an error: for the 404, all of them.
    expected_errors = summary["requests"] if endpoint.status >= 400 else 0
    return LoadResult(
        requests=summary["requests"],
        seconds=summary["duration_us"] / 1e6,
        p50_ms=summary["p50_us"] / 1000,
        p99_ms=summary["p99_us"] / 1000,
        errors=errors,
        wrong_status=abs(summary["non_2xx_3xx"] - expected_errors),
    )


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "kernel": os.uname().release,
        "wrk": (wrk.stdout or wrk.stderr).split(" [", 1)[0],
    }


@contextmanager
def serving(apps: list[App], first_port: int) -> Iterator[None]:
    """Start every app on its own port, and stop them all at the end."""
    try:
        for offset, app in enumerate(apps):
            app.start(first_port + offset)
        yield
    finally:
        for app in apps:
            app.stop()
