"""One resident on one real channel, end to end: the channel-neutral driver the shared conversation scenarios use.

Each driver starts the real service app (its channel plugin + the outbox worker) over real HTTP on a real SQLite
file, acts as the resident the channel's way, waits until the turn is handled and the outbox worker delivered
every reply, and reads the replies back from where the resident sees them:

- web chat: `POST /webchat/messages` / `/webchat/photos`, replies long-polled from `GET /webchat/messages`;
- Telegram: the fake Bot API server posts updates to our webhook (callback_query for presses); replies are the
  bot's messages in the fake's chat (inline keyboards → buttons, sendPhoto before a text → its image);
- WeCom: the fake WeCom posts encrypted, signed callbacks to /wecom/callback (template_card_event for presses);
  replies are what the fake received through message/send to the resident (text, image, button cards).

What the resident sees is normalised to `Reply(text, buttons, has_image)` in the driver, never in a scenario.
Documented normalisations (differences by design, not by defect):

- WeCom: a reply with buttons is a button card, its first line the card's title and the rest its sub title
  (`title + "\\n" + sub title` is the text); a reply too long for a card arrives as text followed by the card,
  and the two are one reply; a reply with more than six buttons continues on cards titled 更多选项, which are part of
  it. Card buttons hold `BUTTON_CHARS` (10) characters, so `Reply.key()`, which
  transcripts compare, clips every channel's labels the way WeCom shows them.
- Telegram: the persistent menu under the text box is not part of any reply; a photo sent before a text is that
  text's image.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, CookieJar, web
from aiohttp.test_utils import TestServer, unused_port
from sqlalchemy import func, select

from bot.config import Settings
from bot.http import create_app
from bot.service import install_outbox_worker
from bot.telegram import TELEGRAM
from bot.telegram.fake_api import FakeBotApi
from bot.telegram.limits import ChatLimits
from bot.webchat import install as install_webchat
from bot.wecom import WECOM
from bot.wecom import install as install_wecom
from bot.wecom.cards import MAX_BUTTONS, card_fits, clip_button
from dialogs import default_wording
from storage.clock import FrozenClock
from storage.db import Database
from storage.inbound.models import InboundMessage
from storage.outbox import OutboxMessage
from tests.bot.webchat.conftest import Resident
from tests.telegram.conftest import Person, Service, start_service
from tests.wecom.conftest import wecom_settings
from tests.wecom.fake_wecom import FakeWeCom, Sent, WeComCallbacks

__all__ = ["CHANNELS", "Driver", "Reply", "TelegramDriver", "WeComDriver", "WebchatDriver", "clip_label"]

#: The channels every scenario runs through.
CHANNELS = ("webchat", "telegram", "wecom")
#: How long a turn may take to be handled and delivered, in seconds.
SETTLE_TIMEOUT = 15.0
#: The title of WeCom's follow-on cards when a reply has more buttons than one card holds.
MORE_CHOICES = default_wording()("wecom.more_choices")


def clip_label(label: str) -> str:
    """A button label as a WeCom card shows it (`bot.wecom.cards.BUTTON_CHARS` characters at most)."""
    return clip_button(label)


def _shows(shown: str, label: str) -> bool:
    """True when a button showing `shown` (perhaps clipped around "…") is the button labelled `label`."""
    head, ellipsis, tail = shown.partition("…")
    return bool(ellipsis) and label.startswith(head) and label.endswith(tail)


@dataclass(frozen=True)
class Reply:
    """One reply as the resident sees it: its text, its button labels (row by row), whether an image came with it."""

    text: str
    buttons: tuple[str, ...] = ()
    has_image: bool = False

    def key(self) -> tuple[str, tuple[str, ...], bool]:
        """What transcripts compare across channels (labels as the narrowest channel shows them)."""
        return (self.text, tuple(clip_label(label) for label in self.buttons), self.has_image)


@dataclass(frozen=True)
class Step:
    """One thing the resident (or staff) did and the replies the resident saw after it."""

    action: str
    replies: tuple[Reply, ...]

    def key(self) -> tuple[str, tuple[tuple[str, tuple[str, ...], bool], ...]]:
        return (self.action, tuple(reply.key() for reply in self.replies))


@dataclass
class _Shown:
    """A button the resident can see: its label and what pressing it sends (channel-specific)."""

    label: str
    press: Callable[[], Awaitable[None]]


class Driver(ABC):
    """A resident on one channel, the service behind it, and the transcript of what happened."""

    channel: str

    def __init__(self, tmp_path: Path, db: Database, clock: FrozenClock) -> None:
        self.tmp_path, self.db, self.clock = tmp_path, db, clock
        self.app: web.Application | None = None
        self.transcript: list[Step] = []
        self.last: list[Reply] = []
        self._buttons: list[_Shown] = []

    # --- the service -------------------------------------------------------------------------------------------

    @abstractmethod
    async def start(self) -> None:
        """Start the service app with this channel and the outbox worker."""

    @abstractmethod
    async def stop(self) -> None:
        """Stop the service (shutdown waits for in-flight work, as on SIGTERM)."""

    async def restart(self) -> None:
        """Stop the service and start a new one on the same database, as a deploy does."""
        await self.stop()
        await self.start()
        self.transcript.append(Step("restart", ()))

    @property
    @abstractmethod
    def recipient(self) -> str:
        """Who the outbox addresses for this resident on this channel."""

    # --- the resident --------------------------------------------------------------------------------------------

    async def send_text(self, text: str) -> list[Reply]:
        """The resident writes `text`; the replies they see once everything is delivered."""
        before = await self._inbound()
        await self._send_text(text)
        return await self._after(f"say {text}", before)

    async def send_photo(self, data: bytes) -> list[Reply]:
        """The resident sends a photo."""
        before = await self._inbound()
        await self._send_photo(data)
        return await self._after("photo", before)

    async def press(self, label: str) -> list[Reply]:
        """Press the button labelled `label` on the last replies (exactly, else containing it, else as clipped)."""
        shown = list(reversed(self._buttons))
        found = (
            [b for b in shown if b.label == label]
            or [b for b in shown if label in b.label]
            or [b for b in shown if _shows(b.label, label)]
        )
        if not found:
            raise AssertionError(f"{self.channel}: no button {label!r} in {[b.label for b in self._buttons]}")
        before = await self._inbound()
        await found[0].press()
        return await self._after(f"press {label}", before)

    async def after_staff(self, what: str) -> list[Reply]:
        """The replies that reached the resident after staff did `what` (through dialogs, not this channel)."""
        return await self._after(f"staff {what}", None)

    async def replies(self) -> list[Reply]:
        """The replies the resident has not read yet, as they see them (reading marks them read)."""
        replies, buttons = await self._read()
        self._buttons = buttons if replies else self._buttons
        return replies

    @property
    def text(self) -> str:
        """Everything the last replies said."""
        return "\n".join(reply.text for reply in self.last)

    @property
    def labels(self) -> list[str]:
        """Every button label of the last replies."""
        return [label for reply in self.last for label in reply.buttons]

    async def outbox_view(self) -> list[Reply]:
        """What the dialogs queued for this resident on this channel (delivered), as channel-neutral replies."""
        async with self.db.sessions() as session:
            rows = await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.channel == self.channel, OutboxMessage.recipient == self.recipient)
                .order_by(OutboxMessage.id)
            )
            return [
                Reply(
                    row.payload["text"],
                    tuple(b["label"] for line in row.payload.get("buttons") or [] for b in line),
                    bool(row.payload.get("attachment_ids")),
                )
                for row in rows
            ]

    # --- channel specifics ---------------------------------------------------------------------------------------

    @abstractmethod
    async def _send_text(self, text: str) -> None: ...

    @abstractmethod
    async def _send_photo(self, data: bytes) -> None: ...

    @abstractmethod
    async def _read(self) -> tuple[list[Reply], list[_Shown]]:
        """New replies since the last read, and the buttons they show."""

    def _busy(self) -> bool:
        """True while the channel still handles something in the background."""
        return False

    # --- waiting -------------------------------------------------------------------------------------------------

    async def _inbound(self) -> int:
        async with self.db.sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(InboundMessage)) or 0)

    async def _after(self, action: str, inbound_before: int | None) -> list[Reply]:
        await self.settle(inbound_before)
        self.last = await self.replies()
        self.transcript.append(Step(action, tuple(self.last)))
        return self.last

    async def settle(self, inbound_before: int | None = None) -> None:
        """Wait until the resident's message is handled and every outbox row of this channel is delivered."""
        deadline = time.monotonic() + SETTLE_TIMEOUT
        while True:
            # Busy and handled first, the outbox after: a turn that ends in between has its replies queued.
            busy = self._busy()
            handled = inbound_before is None or await self._inbound() > inbound_before
            async with self.db.sessions() as session:
                rows = list(await session.scalars(select(OutboxMessage).where(OutboxMessage.channel == self.channel)))
            dead = [(r.kind, r.recipient, r.last_error) for r in rows if r.status == "dead"]
            assert not dead, f"{self.channel}: undeliverable {dead}"
            if handled and not busy and all(r.status == "sent" for r in rows):
                return
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{self.channel}: not settled (handled={handled}, busy={busy}, "
                    f"{[(r.kind, r.status, r.last_error) for r in rows if r.status != 'sent']})"
                )
            await asyncio.sleep(0.02)


def _worker(app: web.Application) -> None:
    install_outbox_worker(app, idle_seconds=0.05)


class WebchatDriver(Driver):
    """A browser (its own cookie jar) on the web chat; the server restarts on the same port."""

    channel = "webchat"

    def __init__(self, tmp_path: Path, db: Database, clock: FrozenClock) -> None:
        super().__init__(tmp_path, db, clock)
        self.port = unused_port()
        self.server: TestServer | None = None
        self.http: ClientSession | None = None
        self.browser: Resident | None = None
        self._ids = itertools.count(1)

    async def start(self) -> None:
        settings = Settings(database_url=self.db.url, data_dir=self.tmp_path / "data")
        self.app = create_app(
            settings, clock=self.clock, sessionmaker=self.db.sessions, plugins=[install_webchat, _worker]
        )
        self.server = TestServer(self.app, port=self.port)
        await self.server.start_server()
        if self.http is None:
            self.http = ClientSession(base_url=self.server.make_url("/"), cookie_jar=CookieJar(unsafe=True))
            self.browser = Resident(self.http)
            assert (await self.browser.open_page()).status == 200

    async def stop(self) -> None:
        if self.server is not None:
            await self.server.close()
            self.server = None

    async def close(self) -> None:
        await self.stop()
        if self.http is not None:
            await self.http.close()

    @property
    def recipient(self) -> str:
        assert self.browser is not None and self.browser.session_id
        return self.browser.session_id

    async def _send_text(self, text: str) -> None:
        assert self.browser is not None
        response = await self.browser.say(text)
        assert response.status == 202, response.status

    async def _send_photo(self, data: bytes) -> None:
        assert self.browser is not None
        response = await self.browser.upload(data)
        assert response.status == 202, response.status

    async def _read(self) -> tuple[list[Reply], list[_Shown]]:
        assert self.browser is not None
        messages = await self.browser.poll()
        replies = [
            Reply(m["text"], tuple(b["label"] for row in m["buttons"] for b in row), bool(m["photos"]))
            for m in messages
        ]
        shown = [
            _Shown(b["label"], self._presser(b["payload"], m["id"]))
            for m in messages
            for row in m["buttons"]
            for b in row
        ]
        return replies, shown

    def _presser(self, payload: str, ref: int) -> Callable[[], Awaitable[None]]:
        async def press() -> None:
            assert self.browser is not None
            response = await self.browser.post({"id": f"b{next(self._ids)}", "payload": payload, "ref": str(ref)})
            assert response.status == 202, response.status

        return press


class TelegramDriver(Driver):
    """A resident in the bot's private chat on the fake Bot API; the service in webhook mode (the fake posts each
    update to our webhook and waits for the answer)."""

    channel = "telegram"
    USER_ID = 9001

    def __init__(self, tmp_path: Path, db: Database, clock: FrozenClock, fake: FakeBotApi) -> None:
        super().__init__(tmp_path, db, clock)
        self.fake = fake
        self.person = Person(fake, self.USER_ID, "业主")
        self.service: Service | None = None
        self._close: Callable[[], Any] | None = None
        self._last_id = 0

    async def start(self) -> None:
        self.service, self._close = await start_service(self.tmp_path, self.db, self.fake, self.clock, webhook=True)  # type: ignore[arg-type]
        self.app = self.service.app
        # Telegram's flood limits (a private chat 1/s, a group 20/min) are kept by the sender and tested in
        # tests/telegram; here they are far looser so the scenarios take seconds, not minutes.
        self.app[TELEGRAM].sender.limits = ChatLimits(group_per_minute=6000, private_per_second=100)
        url = f":{self.service.server.port}/telegram/webhook"
        deadline = time.monotonic() + SETTLE_TIMEOUT
        while not (self.fake.webhook and self.fake.webhook["url"].endswith(url)):
            assert time.monotonic() < deadline, "the webhook was never set"
            await asyncio.sleep(0.02)

    async def stop(self) -> None:
        if self._close is not None:
            await self._close()
            self._close = None

    @property
    def recipient(self) -> str:
        return str(self.USER_ID)

    async def _send_text(self, text: str) -> None:
        assert await self.person.say(text) == 200

    async def _send_photo(self, data: bytes) -> None:
        assert await self.person.photo(data) == 200

    async def _read(self) -> tuple[list[Reply], list[_Shown]]:
        replies: list[Reply] = []
        shown: list[_Shown] = []
        image = False
        for message in self.fake.messages(self.USER_ID):
            if message["message_id"] <= self._last_id:
                continue
            self._last_id = message["message_id"]
            if "photo" in message and "caption" not in message:
                image = True  # shown above the text that follows
                continue
            keys = [key for row in message.get("reply_markup", {}).get("inline_keyboard", []) for key in row]
            replies.append(
                Reply(message.get("text") or message.get("caption") or "", tuple(k["text"] for k in keys), image)
            )
            shown += [_Shown(k["text"], self._presser(message["message_id"], k["callback_data"])) for k in keys]
            image = False
        return replies, shown

    def _presser(self, message_id: int, data: str) -> Callable[[], Awaitable[None]]:
        async def press() -> None:
            update = self.fake.press(self.USER_ID, message_id, self.person.user, data)
            assert await self.person.send(update) == 200

        return press


class WeComDriver(Driver):
    """A member writing to the app on the fake WeCom: encrypted, signed callbacks to /wecom/callback (answered at
    once, handled in the background); replies are what the fake received through message/send."""

    channel = "wecom"
    USER = "yezhu-01"

    def __init__(self, tmp_path: Path, db: Database, clock: FrozenClock, fake: FakeWeCom) -> None:
        super().__init__(tmp_path, db, clock)
        self.fake = fake
        self.server: TestServer | None = None
        self.callbacks: WeComCallbacks | None = None
        self._seen = 0
        self._pending_text: list[str] = []

    async def start(self) -> None:
        settings = wecom_settings(self.tmp_path, self.fake)
        self.app = create_app(
            settings, clock=self.clock, sessionmaker=self.db.sessions, plugins=[install_wecom, _worker]
        )
        self.server = TestServer(self.app)
        await self.server.start_server()
        url = str(self.server.make_url("/wecom/callback"))
        if self.callbacks is None:
            self.callbacks = WeComCallbacks(self.fake, url, now=self.clock.now)
        self.callbacks.url = url  # the same WeCom (its MsgIds go on) calls the restarted service

    async def stop(self) -> None:
        if self.server is not None:
            await self.server.close()
            self.server = None

    @property
    def recipient(self) -> str:
        return self.USER

    def _busy(self) -> bool:
        return self.app is not None and bool(self.app[WECOM].running)

    async def _send_text(self, text: str) -> None:
        assert self.callbacks is not None
        assert await self.callbacks.text(self.USER, text) == [200]

    async def _send_photo(self, data: bytes) -> None:
        assert self.callbacks is not None
        assert await self.callbacks.image(self.USER, data) == [200]

    async def _read(self) -> tuple[list[Reply], list[_Shown]]:
        sent = self.fake.sent[self._seen :]
        self._seen = len(self.fake.sent)
        mine = [s for s in sent if self.USER in s.to.get("touser", "").split("|")]
        replies: list[Reply] = []
        shown: list[_Shown] = []
        texts: list[tuple[str, bool]] = []  # text messages (and their image) a card may still claim as its text
        image = False
        for message in mine:
            if message.msgtype == "image":
                image = True
            elif message.msgtype == "text":
                texts.append((message.content["content"], image))
                image = False
            elif message.msgtype == "template_card":
                card = message.content
                title = card["main_title"]["title"]
                buttons = card.get("button_list") or []
                full = _text_before_card([t for t, _ in texts], title)
                text = title + (f"\n{card['sub_title_text']}" if card.get("sub_title_text") else "")
                previous = replies[-1] if replies and not texts else None
                if previous and len(previous.buttons) % MAX_BUTTONS == 0 and title == MORE_CHOICES:
                    # more than six buttons: the next card of the same reply (titled 更多选项, the rest of them)
                    replies[-1] = Reply(
                        previous.text, previous.buttons + tuple(b["text"] for b in buttons), previous.has_image
                    )
                    shown += [_Shown(b["text"], self._presser(message, b["key"])) for b in buttons]
                    continue
                if full is not None:  # the text did not fit on the card and came first
                    count, text = full
                    image = image or texts[len(texts) - count][1]
                    texts = texts[: len(texts) - count]
                replies += [Reply(t, (), i) for t, i in texts]
                texts = []
                replies.append(Reply(text, tuple(b["text"] for b in buttons), image))
                shown += [_Shown(b["text"], self._presser(message, b["key"])) for b in buttons]
                image = False
            else:
                raise AssertionError(f"wecom: unexpected {message.msgtype} to the resident")
        replies += [Reply(t, (), i) for t, i in texts]
        return replies, shown

    def _presser(self, card: Sent, key: str) -> Callable[[], Awaitable[None]]:
        async def press() -> None:
            assert self.callbacks is not None
            assert await self.callbacks.click_key(self.USER, card.content["task_id"], key) == [200]

        return press


def _text_before_card(texts: list[str], title: str) -> tuple[int, str] | None:
    """When the last text messages before a card are its whole text (sent first because it did not fit on the
    card, perhaps split at WeCom's byte limit), (how many, the text joined); else None."""
    head = _unclipped(title)
    for count in range(1, len(texts) + 1):
        pieces = texts[len(texts) - count :]
        text = "\n".join(pieces)
        if pieces[0].startswith(head) and not card_fits(text):
            return count, text
    return None


def _unclipped(text: str) -> str:
    return text[:-1] if text.endswith("…") else text


@dataclass
class Transcripts:
    """Every channel's transcript of each scenario in this run, to compare across channels."""

    by_scenario: dict[str, dict[str, list[Any]]] = field(default_factory=dict)

    def record(self, scenario: str, channel: str, steps: list[Step]) -> dict[str, list[Any]]:
        """Keep `channel`'s transcript of `scenario`; the transcripts of the other channels recorded so far."""
        seen = self.by_scenario.setdefault(scenario, {})
        seen[channel] = [step.key() for step in steps]
        return {other: keys for other, keys in seen.items() if other != channel}
