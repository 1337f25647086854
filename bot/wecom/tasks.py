"""Response codes of our interactive template cards, so a card can be updated after a click — kept in the
database (`card_codes`), so an update after a restart still works.

WeCom gives a response code with each sent card and with each click on it; each code allows one
update_template_card within 72 hours. The sender offers the code from sending, the callback offers each click's
code, and an update takes the freshest one (used up at once: taking is one conditional UPDATE, so two workers
never spend the same code). A card that could not be updated is sent again under a new task id (`moved`), and
later updates of the old card follow it there.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage._dialect import insert_for
from storage.clock import Clock
from storage.outbox.models import CardCode

__all__ = ["CODE_LIFETIME", "CardTasks", "Taken"]

#: How long WeCom accepts a response code.
CODE_LIFETIME: Final = timedelta(hours=72)
#: Moves followed at most (a card re-sent again and again).
MAX_MOVES: Final = 20


class Taken:
    """What `CardTasks.take` found: the task id the card lives under now, its usable code (or None), and whether
    the card is known at all (a card sent before codes were kept has no row: its ref's code may still work)."""

    __slots__ = ("code", "known", "task_id")

    def __init__(self, task_id: str, code: str | None, known: bool) -> None:
        self.task_id = task_id
        self.code = code
        self.known = known


class CardTasks:
    """task id → its freshest unused response code, in the database."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    async def offer(self, task_id: str, code: str) -> None:
        """A fresh code for the task (from sending the card, or from a click on it)."""
        if not task_id or not code:
            return
        async with self._sessions.begin() as session:
            await self._offer(session, task_id, code)

    async def _offer(self, session: AsyncSession, task_id: str, code: str) -> None:
        now = self._clock.now()
        values = {"code": code[:255], "code_expires_at": now + CODE_LIFETIME}
        statement = (
            insert_for(session, CardCode)
            .values(task_id=task_id[:128], created_at=now, **values)
            .on_conflict_do_update(index_elements=["task_id"], set_=values)
        )
        await session.execute(statement)

    async def take(self, task_id: str) -> Taken:
        """Use up the freshest code of the card (following moves)."""
        async with self._sessions.begin() as session:
            current, known = await self._current(session, task_id)
            query = select(CardCode.code, CardCode.code_expires_at).where(CardCode.task_id == current)
            found = (await session.execute(query)).one_or_none()
            if found is None or found.code is None:
                return Taken(current, None, known)
            # compare and clear: of two workers taking the same code, one gets it
            statement = (
                update(CardCode)
                .where(CardCode.task_id == current, CardCode.code == found.code)
                .values(code=None, code_expires_at=None)
                .returning(CardCode.task_id)
            )
            if (await session.execute(statement)).one_or_none() is None:
                return Taken(current, None, known)
        if found.code_expires_at is None or found.code_expires_at <= self._clock.now():
            return Taken(current, None, known)
        return Taken(current, found.code, known)

    async def moved(self, old_task_id: str, new_task_id: str, code: str) -> None:
        """The card was sent again as `new_task_id` (its old code was gone or refused)."""
        async with self._sessions.begin() as session:
            current, known = await self._current(session, old_task_id)
            if known:
                await session.execute(update(CardCode).where(CardCode.task_id == current).values(moved_to=new_task_id))
            else:
                session.add(CardCode(task_id=current, moved_to=new_task_id, created_at=self._clock.now()))
            if code:
                await self._offer(session, new_task_id, code)

    async def _current(self, session: AsyncSession, task_id: str) -> tuple[str, bool]:
        """(the task id the card of `task_id` lives under now, whether `task_id` is known)."""
        seen: set[str] = set()
        known = False
        for _ in range(MAX_MOVES):
            seen.add(task_id)
            row = (await session.execute(select(CardCode.moved_to).where(CardCode.task_id == task_id))).one_or_none()
            if row is None:
                break
            known = True
            if not row.moved_to or row.moved_to in seen:
                break
            task_id = row.moved_to
        return task_id, known
