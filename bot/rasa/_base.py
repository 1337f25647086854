"""What every wuye Rasa action shares: its dependencies, one DB transaction per call, the sender as a resident."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.wording import Wording, default_wording
from storage.clock import Clock
from storage.errors import StorageError
from storage.residents.models import Resident
from storage.residents.service import get_or_create_resident
from storage.vocabulary import Channel

#: The channel recorded on residents' identities, tickets and survey answers that come through Rasa.
CHANNEL: Final = Channel.RASA.value

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ActionContext:
    """What the actions need from the outside world, built once when the server starts."""

    sessions: async_sessionmaker[AsyncSession]
    community_id: int
    clock: Clock
    wording: Wording = field(default_factory=default_wording)


@dataclass(frozen=True)
class Call:
    """One action call: its open transaction, the sender as a resident, and the time it started."""

    session: AsyncSession
    community_id: int
    resident: Resident
    now: datetime
    wording: Wording


@asynccontextmanager
async def open_call(context: ActionContext, tracker: Tracker) -> AsyncIterator[Call]:
    """Begin one transaction and find (or create) the resident behind `tracker.sender_id`; commit on exit."""
    async with context.sessions.begin() as session:
        now = context.clock.now()
        resident, _ = await get_or_create_resident(
            session, community_id=context.community_id, channel=CHANNEL, external_id=tracker.sender_id, now=now
        )
        yield Call(session, context.community_id, resident, now, context.wording)


def not_saved(context: ActionContext, dispatcher: CollectingDispatcher, name: str, error: StorageError) -> None:
    """A domain error rolled the call back: drop what the action had said and apologise instead."""
    _log.warning("rasa action %s failed and was rolled back: %s", name, error)
    dispatcher.messages.clear()
    dispatcher.utter_message(text=context.wording("rasa.not_saved"))


class DeskAction(Action):
    """A custom action run inside one transaction; subclasses implement `name()` and `perform()`."""

    def __init__(self, context: ActionContext) -> None:
        self.context = context

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        """Open the call, perform, commit; a domain error rolls back and the resident gets an apology."""
        try:
            async with open_call(self.context, tracker) as call:
                return await self.perform(call, dispatcher, tracker, domain)
        except StorageError as error:
            not_saved(self.context, dispatcher, self.name(), error)
            return []

    async def perform(
        self, call: Call, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        """The action itself, given its open call."""
        raise NotImplementedError


_current_call: ContextVar[Call] = ContextVar("wuye_rasa_call")


class DeskFormValidation(FormValidationAction):
    """rasa-sdk's own `FormValidationAction` (slot extraction, `validate_<slot>`, `requested_slot`),
    run inside one transaction; `validate_<slot>` methods reach it through `self.call`.

    The action instance is shared by concurrent requests, so the call lives in a context variable
    (each aiohttp request is its own task), not on `self`.
    """

    def __init__(self, context: ActionContext) -> None:
        self.context = context

    @property
    def call(self) -> Call:
        """The call being validated (only inside `run`)."""
        return _current_call.get()

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        """rasa-sdk's validation run, inside the call's transaction."""
        try:
            async with open_call(self.context, tracker) as call:
                token = _current_call.set(call)
                try:
                    return await super().run(dispatcher, tracker, domain)
                finally:
                    _current_call.reset(token)
        except StorageError as error:
            not_saved(self.context, dispatcher, self.name(), error)
            return []
