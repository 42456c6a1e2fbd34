"""The benchmark's arithmetic: ratios within a round, budgets, and the docs block it rewrites."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.harness import Endpoint, LoadResult
from bench.report import (
    END_MARK,
    START_MARK,
    TIMES,
    Results,
    check,
    render_markdown,
    write_docs,
)

ENDPOINTS = (Endpoint("live", "/health/live", 200), Endpoint("404", "/nowhere", 404))


def _load(rps: float, p99_ms: float) -> LoadResult:
    return LoadResult(
        requests=round(rps * 10), seconds=10.0, p50_ms=1.0, p99_ms=p99_ms, errors=0, wrong_status=0
    )


def _results(core_live: list[float], bare_live: list[float]) -> Results:
    results = Results({"bare": "bare", "core": "core"}, ENDPOINTS)
    results.loads = {
        "bare": {
            "live": [_load(rps, 2.0) for rps in bare_live],
            "404": [_load(1000, 2.0) for _ in bare_live],
        },
        "core": {
            "live": [_load(rps, 2.5) for rps in core_live],
            "404": [_load(500, 4.0) for _ in core_live],
        },
    }
    results.cold_starts = {"bare": [1.0, 1.2, 1.1], "core": [1.2, 1.3, 1.25]}
    results.peak_rss_mib = {"bare": 80.0, "core": 88.0}
    results.render_seconds = [0.8, 0.9, 0.85]
    return results


def test_ratios_are_taken_within_each_round() -> None:
    # The machine slowed down in the second round: both apps alike.
    results = _results(core_live=[900, 450, 880], bare_live=[1000, 500, 1000])

    assert results.rps_ratio("core", "live") == pytest.approx(0.9)
    assert results.p99_ratio("core", "live") == pytest.approx(1.25)
    assert results.cold_start_ratio("core") == pytest.approx(1.25 / 1.1)


def test_a_missed_budget_is_reported_and_a_held_one_is_not() -> None:
    results = _results(core_live=[900, 900, 900], bare_live=[1000, 1000, 1000])

    verdicts = {f"{b.app} {b.label}": b.holds(value) for b, value in check(results)}

    assert verdicts["core req/s live"] is True  # 0.90 >= 0.80
    assert verdicts["core req/s 404"] is False  # 0.50 < 0.80
    assert verdicts["core p99 404"] is False  # 2.0 > 1.5
    assert verdicts["core peak-RSS"] is True
    assert verdicts["render render default"] is True
    # What this run did not measure is not judged.
    assert not any(name.startswith("full ") for name in verdicts)


def test_the_docs_block_is_replaced_and_nothing_else(tmp_path: Path) -> None:
    page = tmp_path / "performance.md"
    page.write_text(f"# Before\n\n{START_MARK}\nold figures\n{END_MARK}\n\nAfter.\n")
    results = _results(core_live=[900, 900, 900], bare_live=[1000, 1000, 1000])

    write_docs(render_markdown(results, check(results)), page)

    text = page.read_text()
    assert text.startswith("# Before\n\n")
    assert text.endswith(f"{END_MARK}\n\nAfter.\n")
    assert "old figures" not in text
    assert f"| live `/health/live` | 1,000 | 900 (0.90{TIMES}) |" in text
    assert f"| `core` req/s 404 | 0.500{TIMES} | ≥ 0.8{TIMES} | **misses** |" in text
