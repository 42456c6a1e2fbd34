"""``python -m bench``: rendered Groundwork services against bare FastAPI, on this machine.

Renders the chosen variants (with the ``uv lock`` task, as ``copier copy`` does), installs each
from its lock into its own environment, migrates a PostgreSQL database and puts one note in
it, then serves every variant in its production configuration (JSON logs to a file, one
worker) next to a bare FastAPI app (``bench/bare.py``) running in the same environment: same
FastAPI, uvicorn, SQLAlchemy and asyncpg. Servers are pinned to core 0, wrk to core 1.

Each endpoint is loaded app after app, round after round (A B C, A B C...), so drift on the
machine hits every app alike; ratios are taken within a round. It prints per endpoint the
requests per second and p99 latency and their ratios to bare FastAPI, the cold start (spawn
to first 200) and peak RSS, the time to render the default variant, and the budgets, and
exits 1 if one misses.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import harness
from bench.harness import App, Config, Endpoint, Rendered
from bench.receivers import Receiver
from bench.report import Results, check, render_markdown, write_docs

POSTGRES_URL = os.environ.get(
    "GROUNDWORK_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
CORE = {"database": "postgresql", "tracing": "none", "metrics": "none", "error_reporting": "none"}
CONFIGS = {
    config.name: config
    for config in (
        Config(
            "core",
            "the core stack: JSON access log, request context, security headers, problem "
            "handlers, the example resource on PostgreSQL",
            CORE,
        ),
        Config(
            "full",
            "full observability: core, OTLP tracing at 100% sampling and OTLP metrics to the "
            "live receiver, Sentry to the live receiver",
            {**CORE, "tracing": "otlp", "metrics": "otlp", "error_reporting": "sentry"},
            exports=True,
        ),
        Config(
            "core-no-access-log",
            "core with its access log turned off (`LOG__ACCESS_LOG=false`)",
            CORE,
            env={"BENCH_SERVICE_LOG__ACCESS_LOG": "false"},
        ),
        Config(
            "tracing",
            "core and OTLP tracing at 100% sampling to the live receiver",
            {**CORE, "tracing": "otlp"},
            exports=True,
        ),
        Config(
            "metrics-otlp",
            "core and OTLP metrics to the live receiver",
            {**CORE, "metrics": "otlp"},
            exports=True,
        ),
        Config(
            "metrics-prometheus",
            "core and Prometheus metrics (`/metrics`, not scraped during the run)",
            {**CORE, "metrics": "prometheus"},
        ),
        Config(
            "sentry",
            "core and Sentry (errors only) to the live receiver",
            {**CORE, "error_reporting": "sentry"},
            exports=True,
        ),
    )
}
DEFAULT_CONFIGS = ("core", "full")
SERVER_CORE, LOAD_CORE = 0, 1
FIRST_PORT = 18400


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--variant",
        action="append",
        choices=[*CONFIGS, "all"],
        help=f"a variant to measure (repeatable; default: {', '.join(DEFAULT_CONFIGS)}); "
        "'all' adds one per concern, to show what each costs",
    )
    parser.add_argument("--duration", type=float, default=4.0, help="seconds per load run")
    parser.add_argument("--rounds", type=int, default=7, help="load runs per app and endpoint")
    parser.add_argument("--connections", type=int, default=16, help="wrk's open connections")
    parser.add_argument("--starts", type=int, default=5, help="cold starts per app")
    parser.add_argument("--renders", type=int, default=5, help="renders of the default variant")
    parser.add_argument("--python", default="3.13", help="the variants' python_version")
    parser.add_argument("--workdir", type=Path, help="where to render (default: a temporary one)")
    parser.add_argument(
        "--profile",
        metavar="VARIANT",
        help="after the rounds, record VARIANT under py-spy for one run per endpoint "
        "(flame graphs in the work directory)",
    )
    parser.add_argument(
        "--write-docs",
        action="store_true",
        help="put this run's figures in docs/performance.md",
    )
    return parser.parse_args()


def chosen_configs(names: list[str] | None) -> list[Config]:
    if not names:
        return [CONFIGS[name] for name in DEFAULT_CONFIGS]
    if "all" in names:
        return list(CONFIGS.values())
    return [CONFIGS[name] for name in dict.fromkeys(names)]


def main() -> None:
    arguments = parse_arguments()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: `apt-get install wrk` (or run `bash bench/run`)")
    configs = chosen_configs(arguments.variant)
    if arguments.profile and arguments.profile not in {config.name for config in configs}:
        sys.exit(f"--profile {arguments.profile}: that variant is not being measured")
    server_core, load_core = _cores()
    workdir = arguments.workdir or Path(tempfile.mkdtemp(prefix="groundwork-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"working in {workdir}", file=sys.stderr)
    rendered = _render_all(configs, workdir, arguments.python)
    database_url, note_id = harness.prepare_database(POSTGRES_URL, rendered[configs[0].render_key])
    endpoints = [
        Endpoint("live", harness.LIVE_PATH, 200),
        Endpoint("read", f"/v1/notes/{note_id}", 200),
        Endpoint("404", "/no/such/route", 404),
    ]
    try:
        with Receiver() as receiver:
            around = Surroundings(database_url, receiver, workdir, server_core)
            apps = make_apps(configs, rendered, around)
            results = measure(apps, endpoints, arguments, load_core)
            results.received = receiver.snapshot()
    finally:
        harness.drop_database(POSTGRES_URL)
    print(f"rendering the default variant {arguments.renders} times", file=sys.stderr)
    results.render_seconds = harness.render_times(workdir, arguments.renders)
    results.machine = {**harness.machine(), "date": datetime.now(UTC).strftime("%Y-%m-%d")}
    results.method = _method(arguments, server_core, load_core)
    _report(results, workdir, write_docs_too=arguments.write_docs)


def _cores() -> tuple[int | None, int | None]:
    """The cores the servers and wrk are pinned to; none on a machine with one core."""
    if len(os.sched_getaffinity(0)) > 1:
        return SERVER_CORE, LOAD_CORE
    print("one core only: servers and wrk are not pinned, and share it", file=sys.stderr)
    return None, None


def _render_all(configs: list[Config], workdir: Path, python: str) -> dict[str, Rendered]:
    """Each configuration's project rendered and installed, once per distinct render."""
    rendered: dict[str, Rendered] = {}
    for config in configs:
        if config.render_key not in rendered:
            dest = workdir / config.name
            shutil.rmtree(dest, ignore_errors=True)
            print(f"rendering and installing {config.name}", file=sys.stderr)
            rendered[config.render_key] = harness.render(config, dest, python)
    return rendered


def _method(arguments: argparse.Namespace, server_core: int | None, load_core: int | None) -> str:
    pinned = (
        f", servers pinned to core {server_core} and wrk to core {load_core}"
        if server_core is not None
        else ", nothing pinned (one core)"
    )
    return (
        f"{arguments.rounds} rounds of {arguments.duration:g} s per app and endpoint, "
        f"wrk with 1 thread and {arguments.connections} connections{pinned}; "
        f"Python {arguments.python}."
    )


def _report(results: Results, workdir: Path, *, write_docs_too: bool) -> None:
    """Print the figures (and write them to the docs), and fail on a budget missed."""
    checked = check(results)
    markdown = render_markdown(results, checked)
    (workdir / "results.json").write_text(json.dumps(asdict(results), indent=1), encoding="utf-8")
    print(markdown)
    print(f"every load run's figures: {workdir / 'results.json'}", file=sys.stderr)
    if write_docs_too:
        write_docs(markdown)
    misses = [budget for budget, value in checked if not budget.holds(value)]
    if misses:
        sys.exit(
            f"{len(misses)} budget(s) missed: " + ", ".join(b.app + " " + b.label for b in misses)
        )


@dataclass(frozen=True)
class Surroundings:
    """What every app of a run shares: its database, the receiver, its files, its core."""

    database_url: str
    receiver: Receiver
    workdir: Path
    server_core: int | None


def make_apps(
    configs: list[Config], rendered: dict[str, Rendered], around: Surroundings
) -> list[App]:
    first = rendered[configs[0].render_key]
    workdir, server_core, receiver = around.workdir, around.server_core, around.receiver
    database_url = around.database_url
    logs = workdir / "logs"
    logs.mkdir(exist_ok=True)
    # The bare app's module is compiled before it is served, as the services' are.
    bare_dir = workdir / "bare"
    bare_dir.mkdir(exist_ok=True)
    shutil.copy2(harness.BENCH_DIR / "bare.py", bare_dir / "bare.py")
    harness.run([str(first.python), "-m", "compileall", "-q", str(bare_dir)], cwd=bare_dir)
    bare = App(
        "bare",
        "bare FastAPI (`bench/bare.py`): the same endpoints, driver and server, no middleware",
        harness.pinned(
            [
                str(first.python),
                "-m",
                "uvicorn",
                "bare:app",
                f"--app-dir={bare_dir}",
                "--host=127.0.0.1",
                "--port={port}",
                "--no-access-log",
                "--no-server-header",
            ],
            server_core,
        ),
        first.path,
        {"BENCH_DATABASE_URL": database_url},
        logs / "bare.log",
    )
    apps = [bare]
    for config in configs:
        project = rendered[config.render_key]
        env = {
            f"{harness.ENV_PREFIX}ENVIRONMENT": "production",
            f"{harness.ENV_PREFIX}DATABASE__URL": database_url,
            **config.env,
        }
        if config.exports:
            env |= {
                "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url,
                # Metrics are pushed during the run, not only once a minute.
                "OTEL_METRIC_EXPORT_INTERVAL": "5000",
                f"{harness.ENV_PREFIX}SENTRY__DSN": f"http://public@{receiver.url[7:]}/1",
            }
        apps.append(
            App(
                config.name,
                config.title,
                harness.pinned([str(project.python), "-m", harness.PACKAGE], server_core),
                project.path,
                env,
                logs / f"{config.name}.log",
            )
        )
    return apps


def measure(
    apps: list[App],
    endpoints: list[Endpoint],
    arguments: argparse.Namespace,
    load_core: int | None,
) -> Results:
    results = Results({app.name: app.title for app in apps}, endpoints)
    spare_port = FIRST_PORT + len(apps)
    print(f"cold starts: {arguments.starts} per app", file=sys.stderr)
    for _ in range(arguments.starts):
        for app in apps:
            seconds = harness.cold_start(app, spare_port)
            results.cold_starts.setdefault(app.name, []).append(seconds)
    with harness.serving(apps, FIRST_PORT):
        for app in apps:
            verify(app, endpoints)
        print("warming up", file=sys.stderr)
        for app in apps:
            for endpoint in endpoints:
                harness.load(
                    app.port,
                    endpoint,
                    seconds=2,
                    connections=arguments.connections,
                    core=load_core,
                )
        for round_number in range(arguments.rounds):
            print(f"round {round_number + 1} of {arguments.rounds}", file=sys.stderr)
            for endpoint in endpoints:
                for app in apps:
                    result = harness.load(
                        app.port,
                        endpoint,
                        seconds=arguments.duration,
                        connections=arguments.connections,
                        core=load_core,
                    )
                    if result.errors or result.wrong_status:
                        sys.exit(
                            f"{app.name} {endpoint.path}: {result.errors} socket errors, "
                            f"{result.wrong_status} answers other than {endpoint.status}"
                        )
                    results.loads.setdefault(app.name, {}).setdefault(endpoint.name, []).append(
                        result
                    )
        for app in apps:
            results.peak_rss_mib[app.name] = app.peak_rss_mib()
        if arguments.profile:
            profile(next(a for a in apps if a.name == arguments.profile), endpoints, arguments)
    return results


def verify(app: App, endpoints: list[Endpoint]) -> None:
    """Every app answers every endpoint as the benchmark expects, before it is loaded."""
    for endpoint in endpoints:
        status, body = harness.get_status(app.port, endpoint.path)
        if status != endpoint.status:
            sys.exit(f"{app.name} answered {endpoint.path} with {status}, not {endpoint.status}")
        if endpoint.status == 200 and b"error" in body:
            sys.exit(f"{app.name} answered {endpoint.path} with {body!r}")


def profile(app: App, endpoints: list[Endpoint], arguments: argparse.Namespace) -> None:
    py_spy = shutil.which("py-spy")
    if py_spy is None:
        sys.exit("--profile needs py-spy (it is in the template's dev dependencies: uv sync)")
    assert app.process is not None
    for endpoint in endpoints:
        output = app.log_path.parent.parent / f"profile-{app.name}-{endpoint.name}.svg"
        recorder = subprocess.Popen(
            [
                py_spy,
                "record",
                "--pid",
                str(app.process.pid),
                "--rate",
                "250",
                "--duration",
                str(round(arguments.duration)),
                "--output",
                str(output),
                "--nonblocking",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.5)
        harness.load(
            app.port,
            endpoint,
            seconds=arguments.duration,
            connections=arguments.connections,
            core=None,
        )
        recorder.wait()
        print(f"profile of {app.name} on {endpoint.path}: {output}", file=sys.stderr)


if __name__ == "__main__":
    main()
