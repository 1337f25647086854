"""Exponential backoff shared by the outbox and the job table: base, doubled per failed try, capped."""

from __future__ import annotations

from datetime import timedelta


def doubling(attempts: int, *, base: timedelta, cap: timedelta) -> timedelta:
    """`base` after the first failure, doubled after each further one, never more than `cap`."""
    return min(base * 2 ** max(attempts - 1, 0), cap)
