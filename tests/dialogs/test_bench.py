"""`python -m dialogs.bench` runs end to end (tiny size) so it cannot rot."""

from __future__ import annotations

from pathlib import Path

from dialogs.bench import format_figures, run


async def test_bench_plays_conversations_and_reports_percentiles(tmp_path: Path) -> None:
    figures = await run(tmp_path / "bench.db", residents=8, warmup=1)
    assert figures.turns > 0 and 0 < figures.p50_ms <= figures.p99_ms <= figures.max_ms
    assert "p99" in format_figures(figures)
