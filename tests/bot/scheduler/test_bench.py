"""`python -m bot.scheduler.bench` runs end to end with a tiny count and prints each pass."""

from __future__ import annotations

from pathlib import Path

from bot.scheduler.bench import Result, format_results, run_backend


async def test_bench_seeds_and_times_the_passes(tmp_path: Path) -> None:
    result = await run_backend("SQLite", f"sqlite+aiosqlite:///{tmp_path / 'bench.db'}", tickets=300)
    assert result.tickets == 300 and result.pending_jobs > 0
    assert [label for label, _, _ in result.passes] == ["+5 s", "idle", "+15 s", "+60 s"]
    assert result.passes[0][1] >= 1  # the ticket watch at least
    assert result.passes[1][1] == 0  # nothing left due at the same moment
    assert all(seconds > 0 for _, _, seconds in result.passes)


def test_format_names_backend_and_passes() -> None:
    text = format_results([Result("SQLite", 100_000, 250_000, 60.0, [("+5 s", 12, 0.25)])])
    assert text.splitlines() == [
        "SQLite: 100000 open tickets, 250000 pending jobs (seeded in 60.0 s)",
        "  pass at +5 s      12 jobs run     250.0 ms",
    ]
