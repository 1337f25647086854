"""Response codes of our interactive template cards, so a card can be updated after a click.

WeCom gives a response code with each sent card and with each click on it; each code allows one
update_template_card within 72 hours. The callback records click codes here and the sender uses the freshest.
Kept in memory: after a restart the sender falls back to the code from sending, then to a new card.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Final

__all__ = ["CODE_LIFETIME_SECONDS", "CardTasks"]

#: How long WeCom accepts a response code.
CODE_LIFETIME_SECONDS: Final = 72 * 3600.0
#: Tasks remembered at most (oldest forgotten first).
MAX_TASKS: Final = 20_000


class CardTasks:
    """task id → its freshest unused response code; a card re-sent under a new task id is followed there."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._codes: dict[str, tuple[str, float]] = {}
        self._moved: dict[str, str] = {}
        self._known: dict[str, None] = {}  # tasks this process has seen (ordered, bounded)
        self._monotonic = monotonic

    def current(self, task_id: str) -> str:
        """The task id the card of `task_id` lives under now."""
        seen = {task_id}
        while task_id in self._moved and self._moved[task_id] not in seen:
            task_id = self._moved[task_id]
            seen.add(task_id)
        return task_id

    def offer(self, task_id: str, code: str) -> None:
        """A fresh code for the task (from sending the card, or from a click on it)."""
        if not code:
            return
        self._remember(task_id)
        self._codes.pop(task_id, None)
        self._codes[task_id] = (code, self._monotonic() + CODE_LIFETIME_SECONDS)
        while len(self._codes) > MAX_TASKS:
            self._codes.pop(next(iter(self._codes)))

    def knows(self, task_id: str) -> bool:
        """True when this process has seen a code of the task (so the code from sending may be used up)."""
        return self.current(task_id) in self._known

    def take(self, task_id: str) -> str | None:
        """Use up the freshest code of the card (following moves); None when there is none."""
        task_id = self.current(task_id)
        found = self._codes.pop(task_id, None)
        self._remember(task_id)
        if found is None or found[1] <= self._monotonic():
            return None
        return found[0]

    def _remember(self, task_id: str) -> None:
        self._known[task_id] = None
        while len(self._known) > MAX_TASKS:
            self._known.pop(next(iter(self._known)))

    def moved(self, old_task_id: str, new_task_id: str, code: str) -> None:
        """The card was sent again as `new_task_id` (its old code was gone)."""
        self._moved[self.current(old_task_id)] = new_task_id
        self.offer(new_task_id, code)
