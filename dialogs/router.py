"""Where a resident's message goes: navigation words, emergencies, the flow in progress, or a new request.

Order of precedence in one turn:
1. button payloads of past messages (confirm a repair, a callback score, a ticket's detail);
2. navigation: 取消 / 返回 / 重新开始 / 帮助 / 我的工单 / 修改房号;
3. the answer to 有人受伤或有危险吗？, asked when the NLU doubts a message is harmless (it holds that message);
   then an emergency, whatever else is going on (the form in progress is kept as a draft);
4. the flow in progress, unless the message is clearly a new request (then: finish it or switch?);
5. a draft left by an idle timeout is offered back before anything new starts;
6. a new request, by what the NLU says it is; asked about danger first when the NLU doubts it is harmless.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Final

from dialogs.business import validate_phone, validate_room
from dialogs.context import Turn
from dialogs.flows import (
    FLOWS,
    FREE_TEXT_STEPS,
    binding,
    booking,
    complaint,
    danger_check,
    emergency,
    feedback,
    inquiry,
    intake,
    late_answer,
    status,
    voice,
)
from dialogs.messages import Kind
from nlu import parse
from storage.attachments.service import add_attachment, attach_to_ticket
from storage.errors import AttachmentRejected
from storage.tickets.actor import Actor
from storage.tickets.service import amend_ticket

#: Words that act the same in every flow (payloads of the menu buttons map to the same actions).
NAVIGATION: Final = {
    "取消": "cancel",
    "/cancel": "cancel",
    "不办了": "cancel",
    "返回": "back",
    "上一步": "back",
    "重新开始": "restart",
    "重来": "restart",
    "帮助": "help",
    "/help": "help",
    "/start": "start",
    "菜单": "help",
    "我的工单": "status",
    "/status": "status",
    "查进度": "status",
    "报修": "repair",
    "我要报修": "repair",
    "投诉": "complaint",
    "我要投诉": "complaint",
    "咨询": "inquiry",
    "预约服务": "booking",
    "增值服务": "booking",
    "修改房号": "change_room",
    "更换房号": "change_room",
    "修改电话": "change_phone",
    "更换手机号": "change_phone",
    "修改手机号": "change_phone",
    "我的信息": "profile",
    "老人模式": "elderly",
    "语音报修": "voice",
}
#: The residents' menu, row by row (wording keys under `menu.`; a press sends `menu:<key>`). Channels with a persistent
#: keyboard (Telegram) show the same keys, so every way in, including 语音报修 and 老人模式, is one tap away.
MENU: Final = (("repair", "complaint"), ("inquiry", "status"), ("booking", "voice"), ("elderly",))
#: Confidence of the NLU's type above which a message in the middle of a form counts as a new request.
NEW_REQUEST_CONFIDENCE: Final = 0.85


async def route(turn: Turn) -> None:
    """Handle one incoming message; replies are collected on `turn`."""
    state, incoming = turn.state, turn.incoming
    _expire_idle(turn)
    payload = incoming.payload or ""
    if incoming.kind is Kind.PHOTO:
        return await _photo(turn)
    if incoming.kind is Kind.VOICE:
        return await _voice_note(turn)
    if payload and await _global_button(turn, payload):
        return
    command = _navigation_word(payload) if payload else NAVIGATION.get(turn.text.strip("。.!！ "))
    if command:
        return await _navigate(turn, command)
    if state.flow == danger_check.NAME:
        return await _danger_answer(turn)
    if payload.startswith("draft:"):
        return await _draft_answer(turn, payload)
    if payload.startswith("switch:"):
        return await _switch_answer(turn, payload)
    if payload and not state.active:
        return turn.say(turn.w("router.stale_button"), *_menu_rows(turn))
    if turn.text and _is_emergency(turn) and state.flow != emergency.NAME:
        if state.active:
            state.put_aside(turn.now, "emergency")
        return await emergency.start(turn)
    if state.active:
        if payload or (state.flow, state.step) in FREE_TEXT_STEPS or not _is_new_request(turn):
            if await _correction(turn):
                return
            return await FLOWS[state.flow].handle(turn)
        state.slots["held_text"] = turn.text
        return turn.say(
            turn.w("router.new_request_mid_form"),
            [(turn.w("buttons.finish_current"), "switch:stay"), (turn.w("buttons.switch_new"), "switch:new")],
        )
    if state.draft:
        state.draft["held_text"] = turn.text
        return turn.say(
            turn.w("router.offer_draft", summary=_draft_summary(state.draft)),
            [(turn.w("buttons.resume_draft"), "draft:resume"), (turn.w("buttons.drop_draft"), "draft:drop")],
        )
    await start_request(turn)


def _navigation_word(payload: str) -> str | None:
    if payload.startswith(("nav:", "menu:")):
        return payload.split(":", 1)[1]
    return None


async def start_request(turn: Turn) -> None:
    """A new message outside any flow: pick the flow by what the resident asks for."""
    parsed = turn.parsed
    if not turn.text:
        return await _help(turn)
    if _is_emergency(turn):
        return await emergency.start(turn)
    if _doubts_danger(turn):
        return await danger_check.ask(turn)
    if turn.resident.elderly and parsed.type in ("repair", "complaint") and not parsed.withdrawn:
        return await voice.heard(turn, None)  # the simplified flow: read back, then one question at a time
    if parsed.withdrawn:
        return await status.show_list(turn, offer_cancel=True)
    if parsed.type == "complaint":
        return await complaint.start(turn)
    if parsed.type == "repair":
        return await intake.start(turn, kind="repair")
    if parsed.category == "value_added":
        return await booking.start(turn)
    if parsed.type == "inquiry" or inquiry.can_answer(turn):
        return await inquiry.start(turn)
    if _is_small_talk(turn):
        if await binding.needs_binding(turn):
            return await binding.start(turn)
        return await _help(turn)
    await intake.start(turn, kind="other")


def _is_emergency(turn: Turn) -> bool:
    parsed = turn.parsed
    return parsed.urgency == "critical" and not parsed.withdrawn


def _doubts_danger(turn: Turn) -> bool:
    """The NLU gives 特急 some chance without making the message critical: ask before guessing."""
    parsed = turn.parsed
    return parsed.danger_doubt and not parsed.withdrawn


async def _danger_answer(turn: Turn, voice_id: int | None = None) -> None:
    """The resident answered 有人受伤或有危险吗？: the held message becomes an emergency, or goes on as read."""
    state = turn.state
    answer = danger_check.read_answer(turn)
    if answer is danger_check.Answer.UNCLEAR and danger_check.ask_once_more(turn):
        return
    held, held_voice = state.slots.get("held_text") or "", state.slots.get("voice_id")
    photos = list(state.slots.get("photo_ids") or [])
    callback = state.slots.get("ticket_id")  # the question went unanswered: staff were already asked to phone
    callback_number = state.slots.get("ticket_number")
    extra = danger_check.extra_words(turn)
    text = "\n".join(part for part in (held, extra) if part)
    state.finish()
    if callback is not None and answer is not danger_check.Answer.DANGER:
        await _note_on(turn, callback, turn.w("danger_check.late_answer_note", said=turn.text or "-"))
        await _attach(turn, callback, photos)
        return turn.say(turn.w("danger_check.after_callback", number=callback_number))
    if answer is danger_check.Answer.DANGER:
        text += turn.w("danger_check.confirmed_note")
    kind = Kind.VOICE if held_voice is not None else Kind.TEXT
    turn.incoming = replace(turn.incoming, text=text, payload=None, kind=kind)
    turn._parsed = parse(text, now=turn.local_now)
    if answer is danger_check.Answer.DANGER:
        await emergency.start(turn)
        for recording in (held_voice, voice_id):
            await voice.attach_recording(turn, recording)
        if turn.ticket_id is not None:
            await _attach(turn, turn.ticket_id, photos)
        if callback is not None:
            await _note_on(turn, callback, turn.w("danger_check.late_danger_note"))
        return
    turn._parsed = replace(turn.parsed, danger_doubt=False)  # asked and answered: no second question
    if held_voice is not None and not _is_emergency(turn):
        await voice.heard(turn, held_voice)
    else:
        await start_request(turn)
    if not photos:
        return
    if turn.ticket_id is not None:  # the request was created at once (an emergency after all)
        await _attach(turn, turn.ticket_id, photos)
    elif turn.state.flow in (intake.NAME, complaint.NAME):  # kept like photos sent during the form
        turn.state.slots["photo_ids"] = photos + list(turn.state.slots.get("photo_ids") or [])


async def _attach(turn: Turn, ticket_id: int, photo_ids: list[int]) -> None:
    """Photos sent while the danger question waited, kept with the ticket the message became."""
    if photo_ids:
        await attach_to_ticket(turn.session, attachment_ids=photo_ids, ticket_id=ticket_id)


async def _note_on(turn: Turn, ticket_id: int, text: str) -> None:
    """Add the resident's words to a ticket already open (a note in its audit trail)."""
    actor = Actor.resident(turn.resident.id)
    await amend_ticket(turn.session, ticket_id=ticket_id, actor=actor, now=turn.now, text=text)


def _is_new_request(turn: Turn) -> bool:
    parsed = turn.parsed
    if parsed.withdrawn or parsed.type not in ("repair", "complaint"):
        return False
    return parsed.confidence.get("type", 0.0) >= NEW_REQUEST_CONFIDENCE and len(turn.text) >= 6


def _is_small_talk(turn: Turn) -> bool:
    """Greetings, thanks, praise: nothing to register."""
    parsed = turn.parsed
    return parsed.type == "other" and parsed.category == "other" and len(turn.text) <= 12


async def _navigate(turn: Turn, command: str) -> None:
    state = turn.state
    if command == "cancel":
        had = state.active
        state.finish()
        return turn.say(turn.w("router.cancelled" if had else "router.nothing_to_cancel"), *_menu_rows(turn))
    if command == "back":
        if state.active and state.go_back():
            return await FLOWS[state.flow].reprompt(turn)
        if state.active:
            return await FLOWS[state.flow].reprompt(turn)
        return await _help(turn)
    if command == "restart":
        flow = state.flow
        state.finish()
        turn.say(turn.w("router.restarted"))
        return await _start_from_menu(turn, {"complaint": "complaint", "booking": "booking"}.get(flow or "", "repair"))
    if command in ("help", "start"):
        if command == "start" and await binding.needs_binding(turn):
            return await binding.start(turn)
        return await _help(turn)
    if command == "status":
        return await status.show_list(turn)
    if command == "change_room":
        return await binding.start(turn, change="room")
    if command == "change_phone":
        return await binding.start(turn, change="phone")
    if command == "profile":
        return await binding.start(turn, change="room")
    if state.active:
        state.put_aside(turn.now, "menu")
    await _start_from_menu(turn, command)


async def _start_from_menu(turn: Turn, command: str) -> None:
    if command == "repair":
        return await intake.start(turn, kind="repair", from_menu=True)
    if command == "complaint":
        return await complaint.start(turn, from_menu=True)
    if command == "booking":
        return await booking.start(turn)
    if command == "inquiry":
        turn.state.finish()
        return turn.say(turn.w("inquiry.ask"))
    if command in ("elderly", "voice"):
        return await voice.start_from_menu(turn, elderly=command == "elderly")
    await _help(turn)


async def _global_button(turn: Turn, payload: str) -> bool:
    """Buttons that work whatever the conversation is doing (they carry their own ticket id)."""
    if payload.startswith("confirm:") and payload.count(":") == 2:
        await feedback.on_confirm_button(turn, payload)
        return True
    if payload.startswith("status:") and payload.split(":")[1] in ("detail", "cancel"):
        await status.on_button(turn, payload)
        return True
    if payload.startswith(late_answer.PREFIX):
        await late_answer.on_button(turn, payload)
        return True
    if payload.startswith("callback:") and turn.state.flow != feedback.CALLBACK_FLOW:
        turn.say(turn.w("router.stale_button"))
        return True
    return False


async def _correction(turn: Turn) -> bool:
    """房号错了，是502 / 电话改成…: fix the slot in any step of a form and ask the current step again."""
    text, slots = turn.text, turn.state.slots
    if not text or turn.incoming.payload or turn.state.flow not in (intake.NAME, complaint.NAME, booking.NAME):
        return False
    if not any(word in text for word in ("错了", "不对", "改成", "改为", "应该是", "换成", "写错")):
        return False
    phone = validate_phone(text)
    if phone:
        slots["phone"] = phone
    elif "房" in text or turn.parsed.room or any(c.isdigit() for c in turn.parsed.normalized):
        check = await validate_room(turn.session, community_id=turn.community_id, text=text, near=slots.get("room"))
        if check.code is None:
            turn.say(turn.w("contact.room_unknown", typed=check.read or text))
            return True
        slots["room"] = check.code
    else:
        return False
    turn.say(turn.w("router.corrected"))
    await FLOWS[turn.state.flow].reprompt(turn)
    return True


async def _photo(turn: Turn) -> None:
    """A photo: kept for the request in progress, or it starts a repair ("what is wrong here?")."""
    if turn.files is None or turn.incoming.data is None:
        return turn.say(turn.w("photo.unavailable"))
    try:
        attachment = await add_attachment(
            turn.session,
            turn.files,
            data=turn.incoming.data,
            now=turn.now,
            expected_kind="photo",
            label="scene",
            resident_id=turn.resident.id,
        )
    except AttachmentRejected:
        turn.say(turn.w("photo.rejected"))
        if turn.state.active:
            await FLOWS[turn.state.flow].reprompt(turn)
        return
    state = turn.state
    if state.flow in (intake.NAME, complaint.NAME, danger_check.NAME):
        if len(state.slots.get("photo_ids") or []) >= turn.policy.conversation.max_photos:
            return turn.say(turn.w("photo.too_many", limit=turn.policy.conversation.max_photos))
        if state.flow == intake.NAME:
            return await intake.add_photo(turn, attachment.id)
        if state.flow == danger_check.NAME:  # a photo of the scene instead of an answer: kept with the message
            state.slots.setdefault("photo_ids", []).append(attachment.id)
            return await danger_check.reprompt(turn)
        state.slots.setdefault("photo_ids", []).append(attachment.id)
        turn.say(turn.w("intake.photo_kept", count=len(state.slots["photo_ids"])))
        return await FLOWS[state.flow].reprompt(turn)
    if state.active:
        state.put_aside(turn.now, "photo")
    await intake.start(turn, kind="repair", from_menu=True)
    turn.state.slots["photo_ids"] = [attachment.id]
    turn.replies.clear()
    turn.say(turn.w("photo.start_repair"))


async def _voice_note(turn: Turn) -> None:
    """A voice note: kept as an attachment, then its transcript read back; an emergency is acted on at once,
    and the answer to a room or phone question is taken as typed."""
    voice_id = await voice.keep_recording(turn)
    state = turn.state
    if not turn.text:
        return await voice.no_transcript(turn, voice_id, _menu_rows(turn))
    if state.flow == danger_check.NAME:
        return await _danger_answer(turn, voice_id)
    if _is_emergency(turn) and state.flow != emergency.NAME:
        if state.active:
            state.put_aside(turn.now, "emergency")
        await emergency.start(turn)
        return await voice.attach_recording(turn, voice_id)
    if voice.answers_a_question(turn):
        if voice_id is not None:
            state.slots.setdefault("voice_ids", []).append(voice_id)
        await FLOWS[state.flow].handle(turn)
        return await voice.attach_recording(turn, voice_id)
    if _doubts_danger(turn):
        if state.active:
            state.put_aside(turn.now, "voice")
        return await danger_check.ask(turn, voice_id=voice_id)
    await voice.heard(turn, voice_id)


def _expire_idle(turn: Turn) -> None:
    """A form idle longer than the policy allows becomes a draft; a draft too old is dropped."""
    state, rules = turn.state, turn.policy.conversation
    last = datetime.fromisoformat(state.last_seen) if state.last_seen else None
    waiting_on_us = state.flow in (feedback.CALLBACK_FLOW, feedback.CONFIRM_FLOW)  # started by the bot, keep them
    if last is not None and state.active and not waiting_on_us and turn.now - last > rules.idle:
        state.put_aside(last, "idle")
    if state.draft:
        saved = datetime.fromisoformat(state.draft["saved_at"])
        if turn.now - saved > rules.draft_keep:
            state.draft = None


def _draft_summary(draft: dict) -> str:
    slots = draft.get("slots") or {}
    return (slots.get("description") or slots.get("service") or "")[:40] or "-"


async def _draft_answer(turn: Turn, payload: str) -> None:
    state = turn.state
    held = (state.draft or {}).get("held_text")
    if payload == "draft:resume" and state.resume_draft():
        turn.say(turn.w("router.draft_resumed"))
        return await FLOWS[state.flow].reprompt(turn)
    state.draft = None
    if held:
        return await _replay(turn, held)
    turn.say(turn.w("router.draft_dropped"), *_menu_rows(turn))


async def _switch_answer(turn: Turn, payload: str) -> None:
    state = turn.state
    held = state.slots.pop("held_text", None)
    if payload == "switch:stay" or not held:
        return await FLOWS[state.flow].reprompt(turn) if state.active else await _help(turn)
    state.put_aside(turn.now, "switch")
    turn.say(turn.w("router.switched"))
    await _replay(turn, held)


async def _replay(turn: Turn, text: str) -> None:
    """Handle a message the resident sent earlier (held while we asked about a draft) as a new request."""
    turn.incoming = replace(turn.incoming, text=text, payload=None, kind=Kind.TEXT)
    turn._parsed = None
    await start_request(turn)


def _menu_rows(turn: Turn) -> list[list[tuple[str, str]]]:
    return [[(turn.w(f"menu.{key}"), f"menu:{key}") for key in row] for row in MENU]


async def _help(turn: Turn) -> None:
    turn.say(turn.w("router.help"), *_menu_rows(turn))
