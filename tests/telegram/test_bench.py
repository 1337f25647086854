"""The flood benchmark runs end to end with a handful of residents and prints its figures."""

from __future__ import annotations

import io

import pytest

from bot.telegram import bench


@pytest.mark.slow
async def test_the_bench_answers_everyone_within_the_limits() -> None:
    result = await bench.run_bench(4, timeout=60)
    assert result.ok and result.answered == 4 and result.messages == 8
    out = io.StringIO()
    bench.report(result, out)
    assert "answered: 4/4" in out.getvalue() and "breaches counted by the fake server: 0" in out.getvalue()
    assert 0 < result.p50_seconds <= result.p99_seconds <= result.last_answer_seconds
