"""The benchmark's figures: the tables it prints, the budgets it checks, the docs it updates."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median

from bench.harness import Endpoint, LoadResult

DOCS_PAGE = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
START_MARK = "<!-- benchmark:start -->"
END_MARK = "<!-- benchmark:end -->"
# How ratios are written (0.91 and this sign).
TIMES = "\N{MULTIPLICATION SIGN}"


@dataclass
class Results:
    """Everything one run measured; ``loads[app][endpoint]`` holds one result per round."""

    apps: dict[str, str]  # name -> title, the bare app first
    endpoints: Sequence[Endpoint]
    loads: dict[str, dict[str, list[LoadResult]]] = field(default_factory=dict)
    cold_starts: dict[str, list[float]] = field(default_factory=dict)
    peak_rss_mib: dict[str, float] = field(default_factory=dict)
    render_seconds: list[float] = field(default_factory=list)
    received: dict[str, int] = field(default_factory=dict)
    method: str = ""
    machine: dict[str, str] = field(default_factory=dict)

    @property
    def baseline(self) -> str:
        return next(iter(self.apps))

    def rps(self, app: str, endpoint: str) -> float:
        return median([result.rps for result in self.loads[app][endpoint]])

    def p99(self, app: str, endpoint: str) -> float:
        return median([result.p99_ms for result in self.loads[app][endpoint]])

    def rps_ratio(self, app: str, endpoint: str) -> float:
        """The median, over rounds, of the app's throughput over the bare app's in that round."""
        return self._ratio(app, endpoint, lambda result: result.rps)

    def p99_ratio(self, app: str, endpoint: str) -> float:
        return self._ratio(app, endpoint, lambda result: result.p99_ms)

    def _ratio(self, app: str, endpoint: str, figure: Callable[[LoadResult], float]) -> float:
        pairs = zip(self.loads[app][endpoint], self.loads[self.baseline][endpoint], strict=True)
        return median([figure(mine) / figure(bare) for mine, bare in pairs])

    def cold_start_ratio(self, app: str) -> float:
        return median(self.cold_starts[app]) / median(self.cold_starts[self.baseline])

    def rss_ratio(self, app: str) -> float:
        return self.peak_rss_mib[app] / self.peak_rss_mib[self.baseline]


@dataclass(frozen=True)
class Budget:
    """A limit on one figure of one app: ``at_least`` for throughput, else ``at_most``."""

    app: str
    label: str
    limit: float
    at_least: bool

    def measure(self, results: Results) -> float | None:
        """The figure, or None when this run did not measure it."""
        kind, _, what = self.label.partition(" ")
        if kind == "render":
            return median(results.render_seconds) if results.render_seconds else None
        if self.app not in results.apps:
            return None
        if kind in {"req/s", "p99"} and what not in results.loads.get(self.app, {}):
            return None
        figures = {
            "req/s": lambda: results.rps_ratio(self.app, what),
            "p99": lambda: results.p99_ratio(self.app, what),
            "cold-start": lambda: results.cold_start_ratio(self.app),
            "peak-RSS": lambda: results.rss_ratio(self.app),
        }
        return figures[kind]()

    def holds(self, value: float) -> bool:
        return value >= self.limit if self.at_least else value <= self.limit

    def describe(self) -> str:
        unit = " s" if self.app == "render" else TIMES
        return f"{'≥' if self.at_least else '≤'} {self.limit:g}{unit}"


def budgets(endpoints: Sequence[Endpoint]) -> list[Budget]:
    names = {endpoint.name for endpoint in endpoints}
    return [
        Budget("core", "req/s live", 0.80, at_least=True),
        Budget("core", "req/s read", 0.90, at_least=True),
        Budget("core", "req/s 404", 0.80, at_least=True),
        *(Budget("core", f"p99 {name}", 1.5, at_least=False) for name in sorted(names)),
        Budget("core", "cold-start", 1.3, at_least=False),
        Budget("core", "peak-RSS", 1.3, at_least=False),
        Budget("full", "req/s read", 0.60, at_least=True),
        Budget("full", "req/s 404", 0.40, at_least=True),
        Budget("full", "cold-start", 1.3, at_least=False),
        Budget("full", "peak-RSS", 1.3, at_least=False),
        Budget("render", "render default", 1.0, at_least=False),
    ]


def render_markdown(results: Results, checked: Sequence[tuple[Budget, float]]) -> str:
    """The run as Markdown: the tables the docs keep."""
    apps = list(results.apps)
    lines: list[str] = []
    machine = results.machine
    lines += [
        f"Measured on {machine.get('date', '')}: {machine.get('cpu')}, "
        f"{machine.get('cores')} cores, Linux {machine.get('kernel')}, {machine.get('wrk')}; "
        f"{results.method}",
        "",
        "| app | what it is |",
        "|---|---|",
        *(f"| `{name}` | {title} |" for name, title in results.apps.items()),
        "",
        "Requests per second (median of the rounds), and in brackets the ratio to bare "
        "FastAPI (median of the per-round ratios):",
        "",
        *_endpoint_table(results, results.rps, results.rps_ratio, "{:,.0f}"),
        "",
        "p99 latency in milliseconds, and its ratio to bare FastAPI:",
        "",
        *_endpoint_table(results, results.p99, results.p99_ratio, "{:.2f}"),
    ]
    lines += [
        "",
        "| | " + " | ".join(f"`{name}`" for name in apps) + " |",
        "|---" * (len(apps) + 1) + "|",
        _app_row(
            results,
            "cold start, spawn to first 200 (ms, median)",
            lambda app: f"{median(results.cold_starts[app]) * 1000:.0f}",
            results.cold_start_ratio,
        ),
        _app_row(
            results,
            "peak RSS (MiB)",
            lambda app: f"{results.peak_rss_mib[app]:.1f}",
            results.rss_ratio,
        ),
        "",
    ]
    if results.render_seconds:
        lines += [
            "Rendering the default variant (`copier copy`'s own work, without its `uv lock` "
            f"task): {median(results.render_seconds):.2f} s, the median of "
            f"{len(results.render_seconds)} renders.",
            "",
        ]
    if results.received:
        received = ", ".join(
            f"{count:,} {kind}" for kind, count in sorted(results.received.items())
        )
        lines += [f"The live receiver took {received} requests during the run.", ""]
    lines += ["| budget | measured | limit | |", "|---|---|---|---|"]
    for budget, value in checked:
        unit = " s" if budget.app == "render" else TIMES
        verdict = "holds" if budget.holds(value) else "**misses**"
        measured = f"{value:.3f}{unit}"
        lines.append(
            f"| `{budget.app}` {budget.label} | {measured} | {budget.describe()} | {verdict} |"
        )
    return "\n".join(lines) + "\n"


def _endpoint_table(
    results: Results,
    figure: Callable[[str, str], float],
    ratio: Callable[[str, str], float],
    number: str,
) -> list[str]:
    """A row per endpoint: the bare app's figure, then each other app's and its ratio."""
    apps = list(results.apps)
    lines = [
        "| endpoint | " + " | ".join(f"`{name}`" for name in apps) + " |",
        "|---" * (len(apps) + 1) + "|",
    ]
    for endpoint in results.endpoints:
        cells = [number.format(figure(results.baseline, endpoint.name))]
        cells += [
            f"{number.format(figure(app, endpoint.name))} ({ratio(app, endpoint.name):.2f}{TIMES})"
            for app in apps[1:]
        ]
        lines.append(f"| {endpoint.name} `{endpoint.path}` | " + " | ".join(cells) + " |")
    return lines


def _app_row(
    results: Results,
    label: str,
    figure: Callable[[str], str],
    ratio: Callable[[str], float],
) -> str:
    cells = [
        figure(app) + ("" if app == results.baseline else f" ({ratio(app):.2f}{TIMES})")
        for app in results.apps
    ]
    return f"| {label} | " + " | ".join(cells) + " |"


def check(results: Results) -> list[tuple[Budget, float]]:
    """Every budget this run measured, with its figure."""
    checked = []
    for budget in budgets(results.endpoints):
        value = budget.measure(results)
        if value is not None:
            checked.append((budget, value))
    return checked


def write_docs(markdown: str, page: Path = DOCS_PAGE) -> None:
    """Put ``markdown`` between the page's benchmark marks, replacing the previous run's."""
    text = page.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START_MARK) + r".*?" + re.escape(END_MARK), re.DOTALL)
    if not pattern.search(text):
        raise SystemExit(f"{page} has no {START_MARK} ... {END_MARK} block to update")
    replaced = pattern.sub(lambda _: f"{START_MARK}\n{markdown}{END_MARK}", text)
    page.write_text(replaced, encoding="utf-8")
