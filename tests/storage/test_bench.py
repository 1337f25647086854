"""`python -m storage.bench` runs end to end (tiny sizes) and prints one column per backend."""

from __future__ import annotations

from storage.bench import Result, format_table, run_backend


async def test_bench_runs_creations_and_lifecycles(tmp_path) -> None:
    result = await run_backend("SQLite", f"sqlite+aiosqlite:///{tmp_path / 'bench.db'}", creations=5, lifecycles=3)
    assert result.creations_per_second > 0
    assert 0 < result.create_p50_ms <= result.create_p99_ms
    assert result.create_p50_ms < result.lifecycle_p50_ms <= result.lifecycle_p99_ms


def test_table_has_a_column_per_backend() -> None:
    rows = [Result("SQLite", 512.3, 1.5, 4.0, 9.0, 20.0), Result("PostgreSQL", 300.0, 3.0, 8.0, 15.0, 30.0)]
    table = format_table(rows).splitlines()
    assert table[0].split() == ["SQLite", "PostgreSQL"]
    assert table[1].split()[-2:] == ["512", "300"]
