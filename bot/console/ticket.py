"""Ticket detail: fields, the full event history, photos, the resident's conversation and the action forms.

Every action goes through `dialogs.staff_action` (the one code path the group-chat buttons use too); the buttons
shown are only those the lifecycle allows this staff member, and a forged POST is refused by staff_action anyway.
Another community's ticket, or one the role may not see, is answered 404 exactly like a ticket that does not exist.
答复住户 (`answer`) sends a staff member's reply to every chat of the resident through
`dialogs.business.complaint_reports.answer_resident`, which also meets an online complaint's answer deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final
from urllib.parse import quote, unquote

from aiohttp import web
from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.asr.playback import Unplayable, cache_dir, playable
from bot.console.access import may_answer, may_see, sees_full_phone
from bot.console.auth import current_staff, redirect, staff_required
from bot.console.forms import FormRefused, read_form
from bot.console.labels import ACTION_LABELS, DEADLINE_LABELS, STATUS_LABELS, label
from bot.console.pages import PAGE_HEADERS, render
from bot.console.queue import next_deadline, shown_phone
from bot.http import keys
from dialogs import staff_action
from dialogs.business.complaint_reports import ANSWER_MARK, answer_resident, first_answer_at, is_online
from dialogs.outreach import resident_chats
from dialogs.staff_work import StaffVerb
from dialogs.wording import default_wording
from nlu.phone import mask_phones_in
from storage.attachments import SIZE_LIMITS, Attachment, FileStore, attachments_of, sniff
from storage.attachments.service import add_attachment
from storage.communities.models import Community
from storage.communities.service import policy_for
from storage.errors import InvalidInput, NotFound
from storage.inbound.models import InboundMessage
from storage.outbox.models import OutboxMessage
from storage.residents.models import ResidentIdentity
from storage.rooms.models import Room
from storage.staff.models import Staff
from storage.staff.service import list_staff
from storage.tickets import permitted_actions
from storage.tickets.actor import Actor
from storage.tickets.lifecycle import FINAL, Action, Status
from storage.tickets.models import Ticket
from storage.tickets.queries import get_ticket, ticket_events
from storage.tickets.sla import missed_deadlines

__all__ = ["VERBS", "action", "answer", "attachment_file", "detail"]

#: The console's action forms: verb in the URL → the lifecycle action it is, and its button label.
VERBS: Final = {
    StaffVerb.ACCEPT: (Action.ACCEPT, "接单"),
    StaffVerb.ARRIVE: (Action.ARRIVE, "已到场"),
    StaffVerb.RESOLVE: (Action.RESOLVE, "完工"),
    StaffVerb.RETURN: (Action.RETURN, "退回"),
    StaffVerb.ASSIGN: (Action.ASSIGN, "转派"),
    StaffVerb.OVERRIDE: (Action.OVERRIDE, "强制改状态"),
    StaffVerb.CANCEL: (Action.CANCEL, "撤销工单"),
}
#: The conversation shown starts this long before the ticket was opened (the intake talk)...
CONVERSATION_BEFORE: Final = timedelta(hours=2)
#: ...and ends this long after it was closed or cancelled (confirmation, feedback).
CONVERSATION_AFTER: Final = timedelta(days=3)
#: The most messages of the conversation shown.
MAX_MESSAGES: Final = 300
#: Photos up to this size are taken with a completion (the same limit as residents' photos).
MAX_PHOTO_BYTES: Final = SIZE_LIMITS["photo"]
#: The cookie carrying the last action's answer to the page shown after the redirect.
FLASH_COOKIE: Final = "wuye_console_flash"

NOT_FOUND: Final = "没有找到这张工单。"
UNPLAYABLE: Final = "这段录音无法播放（文件缺失或格式无法识别），请联系管理员。"
TOO_LARGE: Final = f"照片太大了（超过{MAX_PHOTO_BYTES // (1024 * 1024)}MB），请压缩后再上传；本次操作未执行。"
NOT_IMAGE: Final = "只能上传照片（JPEG、PNG、HEIC、WebP、GIF）；本次操作未执行。"
BAD_STATUS: Final = "请选择要改成的状态（不能与当前状态相同）。"
BAD_ASSIGNEE: Final = "请选择要转派的同事。"
BAD_FORM_FILE: Final = "答复只能是文字，不能附带文件；本次未发送。"
#: The longest reply to a resident (one chat message, read on a phone).
MAX_ANSWER_CHARS: Final = 500
EMPTY_ANSWER: Final = "请填写要答复住户的内容；本次未发送。"
LONG_ANSWER: Final = f"答复太长了（最多{MAX_ANSWER_CHARS}字），请精简后再发送；本次未发送。"
NOT_ANSWERER: Final = "只有客服、主管、经理或这张工单的负责人可以答复住户；本次未发送。"
ANSWER_FINISHED: Final = {
    Status.CLOSED: "这张工单已关闭（已完成），不能再通过系统答复住户；如需联系住户，请直接电话沟通。",
    Status.CANCELLED: "这张工单已撤销，不能再通过系统答复住户；如需联系住户，请直接电话沟通。",
}
ANSWER_SENT: Final = "已答复住户，消息已发往住户的{chats}个聊天。"
ANSWER_NO_CHAT: Final = "已记录答复；住户没有可以联系的聊天账号，请电话告知住户。"


@dataclass(frozen=True)
class ChatLine:
    """One message of the resident's conversation."""

    at: datetime
    who: str  # "resident" or "bot"
    text: str


def files_of(request: web.Request) -> FileStore:
    """Where attachments are stored (the same store the web chat writes to)."""
    return FileStore(request.app[keys.SETTINGS].data_dir / "files")


async def visible_ticket(session: AsyncSession, staff: Staff, ticket_id: int) -> Ticket:
    """The ticket if this staff member may see it; raises HTTPNotFound otherwise (existence is not revealed)."""
    try:
        ticket = await get_ticket(session, ticket_id)
    except NotFound:
        raise web.HTTPNotFound(text=NOT_FOUND) from None
    if not may_see(staff, ticket):
        raise web.HTTPNotFound(text=NOT_FOUND)
    return ticket


async def allowed_verbs(session: AsyncSession, staff: Staff, ticket: Ticket) -> list[StaffVerb]:
    """The actions the lifecycle lets this staff member take on the ticket now (which forms to show)."""
    permitted = await permitted_actions(session, ticket, Actor.staff(staff.id))
    return [verb for verb, (act, _) in VERBS.items() if act in permitted]


@staff_required
async def detail(request: web.Request) -> web.StreamResponse:
    """GET /console/tickets/{id}: everything about one ticket, and what this staff member may do with it."""
    staff = await current_staff(request)
    assert staff is not None
    flash = unquote(request.cookies.get(FLASH_COOKIE, ""))[:300] or None
    response = await _detail_page(request, staff, _ticket_id(request), alert=flash, status=200)
    if flash:
        response.del_cookie(FLASH_COOKIE, path="/console")
    return response


async def _detail_page(
    request: web.Request, staff: Staff, ticket_id: int, *, alert: str | None, status: int, ok: bool = True
) -> web.Response:
    now = request.app[keys.CLOCK].now()
    async with request.app[keys.SESSIONMAKER]() as session:
        ticket = await visible_ticket(session, staff, ticket_id)
        policy = await policy_for(session, ticket.community_id)
        tz = policy.timezone
        community = await session.get(Community, ticket.community_id)
        room = await session.get(Room, ticket.room_id) if ticket.room_id else None
        people = {s.id: s for s in await list_staff(session, community_id=ticket.community_id, include_inactive=True)}
        events = await ticket_events(session, ticket.id)
        files = await attachments_of(session, ticket.id)
        photos = [a for a in files if a.kind == "photo"]
        recordings = [a for a in files if a.kind == "voice"]
        conversation = await _conversation(session, ticket, now, mask=not sees_full_phone(staff, ticket))
        verbs = await allowed_verbs(session, staff, ticket)
        answer_due = None
        if is_online(ticket):  # 网络投诉: a substantive answer is owed within complaints.online_answer_minutes
            answer_due = (ticket.created_at + policy.complaints.online_answer, await first_answer_at(session, ticket))
    due = next_deadline(ticket)

    def when(moment: datetime | None) -> str:
        return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else "-"

    def actor(event: Any) -> str:
        if event.actor_kind == "staff":
            person = people.get(event.actor_staff_id)
            return f"{person.name}（{label('role', person.role)}）" if person else "员工"
        return "住户" if event.actor_kind == "resident" else "系统"

    colleagues = [s for s in people.values() if s.active and s.id != ticket.assignee_staff_id]
    colleagues.sort(key=lambda s: (s.department != ticket.department, s.id))
    context = {
        "t": ticket,
        "community": community.name if community else "-",
        "room": room.code if room else "-",
        "phone": shown_phone(staff, ticket),
        "description": ticket.description if sees_full_phone(staff, ticket) else mask_phones_in(ticket.description),
        "department": policy.department_names.get(ticket.department, ticket.department),  # type: ignore[call-overload]
        "assignee": people.get(ticket.assignee_staff_id) if ticket.assignee_staff_id else None,
        "events": events,
        "photos": photos,
        "recordings": recordings,
        "conversation": conversation,
        "verbs": [v.value for v in verbs],
        "may_answer": may_answer(staff, ticket) and Status(ticket.status) not in FINAL,
        "max_answer_chars": MAX_ANSWER_CHARS,
        "answer_due": answer_due,
        "event_label": lambda e: (
            "答复住户" if (e.data or {}).get(ANSWER_MARK) else ACTION_LABELS.get(e.action, e.action)
        ),
        "verb_labels": {v.value: text for v, (_, text) in VERBS.items()},
        "colleagues": colleagues,
        "statuses": [(s.value, STATUS_LABELS[s.value]) for s in Status if s != ticket.status],
        "alert": alert,
        "ok": ok,
        "label": label,
        "action_label": lambda a: ACTION_LABELS.get(a, a),
        "actor": actor,
        "when": when,
        "deadline": due,
        "deadline_labels": DEADLINE_LABELS,
        "overdue": bool(missed_deadlines(ticket, now)),
        "now": now,
        "max_photo_mb": MAX_PHOTO_BYTES // (1024 * 1024),
    }
    return await render(request, "ticket.html", context, status=status)


async def _conversation(session: AsyncSession, ticket: Ticket, now: datetime, *, mask: bool) -> list[ChatLine]:
    """The resident's messages and the bot's replies on their chats, from the intake to shortly after the end.

    With `mask`, phone numbers in the texts are masked like the ticket's own number.
    """
    if ticket.resident_id is None:
        return []
    chats = list(
        await session.scalars(select(ResidentIdentity).where(ResidentIdentity.resident_id == ticket.resident_id))
    )
    if not chats:
        return []
    start = ticket.created_at - CONVERSATION_BEFORE
    finished = ticket.closed_at or ticket.cancelled_at
    end = finished + CONVERSATION_AFTER if finished else now + timedelta(minutes=1)
    mine_in = or_(
        *(and_(InboundMessage.channel == c.channel, InboundMessage.sender_id == c.external_id) for c in chats)
    )
    mine_out = or_(*(and_(OutboxMessage.channel == c.channel, OutboxMessage.recipient == c.external_id) for c in chats))
    inbound = await session.scalars(
        select(InboundMessage)
        .where(mine_in, InboundMessage.received_at.between(start, end))
        .order_by(InboundMessage.id)
        .limit(MAX_MESSAGES)
    )
    outbound = await session.scalars(
        select(OutboxMessage)
        .where(mine_out, OutboxMessage.created_at.between(start, end))
        .order_by(OutboxMessage.id)
        .limit(MAX_MESSAGES)
    )
    lines = [ChatLine(m.received_at, "resident", _inbound_text(m.payload)) for m in inbound]
    lines += [
        ChatLine(m.created_at, "bot", str(m.payload.get("text") or "")) for m in outbound if m.payload.get("text")
    ]
    lines.sort(key=lambda line: line.at)
    if mask:
        lines = [ChatLine(line.at, line.who, mask_phones_in(line.text)) for line in lines]
    return lines[-MAX_MESSAGES:]


def _inbound_text(payload: dict[str, Any]) -> str:
    kind = payload.get("kind")
    if kind == "photo":
        return "［照片］" + (payload.get("text") or "")
    if kind == "voice":
        return "［语音］" + (payload.get("text") or "")
    if kind == "button":
        return "［点了按钮］" + (payload.get("text") or "")
    return str(payload.get("text") or "")


@staff_required
async def action(request: web.Request) -> web.StreamResponse:
    """POST /console/tickets/{id}/{verb}: one staff action through dialogs.staff_action; nothing changes on refusal."""
    staff = await current_staff(request)
    assert staff is not None
    ticket_id = _ticket_id(request)
    try:
        verb = StaffVerb(request.match_info["verb"])
    except ValueError:
        raise web.HTTPNotFound(text=NOT_FOUND) from None
    if verb not in VERBS:
        raise web.HTTPNotFound(text=NOT_FOUND)
    async with request.app[keys.SESSIONMAKER]() as session:
        await visible_ticket(session, staff, ticket_id)  # 404 before reading a byte of the form
    try:
        form = await read_form(request, max_file_bytes=MAX_PHOTO_BYTES, too_large=TOO_LARGE)
        photo = form.files.get("photo")
        if photo is not None and (sniff(photo) is None or sniff(photo).kind != "photo"):
            raise FormRefused(415, NOT_IMAGE)
        arguments = _arguments(verb, form)
    except FormRefused as refused:
        return await _detail_page(request, staff, ticket_id, alert=refused.message, status=refused.status, ok=False)
    now = request.app[keys.CLOCK].now()
    async with request.app[keys.SESSIONMAKER]() as session:
        await visible_ticket(session, staff, ticket_id)
        try:
            outcome = await staff_action(
                session,
                ticket_id=ticket_id,
                staff_id=staff.id,
                verb=verb,
                now=now,
                wording=default_wording(),
                **arguments,
            )
        except InvalidInput:
            outcome = None
        if outcome is None or not outcome.ok:
            await session.rollback()
        elif photo is not None:
            events = await ticket_events(session, ticket_id)
            await add_attachment(
                session,
                files_of(request),
                data=photo,
                now=now,
                ticket_id=ticket_id,
                event_id=events[-1].id if events else None,
                expected_kind="photo",
                label="after",
                staff_id=staff.id,
            )
        if outcome is not None and outcome.ok:
            await session.commit()
    if outcome is None or not outcome.ok:
        message = outcome.alert if outcome is not None else BAD_STATUS
        return await _detail_page(request, staff, ticket_id, alert=message, status=409, ok=False)
    worker = request.app.get(keys.OUTBOX_WORKER)
    if worker is not None:
        worker.wake()
    response = redirect(f"/console/tickets/{ticket_id}")
    response.set_cookie(FLASH_COOKIE, quote(outcome.alert), path="/console", httponly=True, samesite="Strict")
    return response


@staff_required
async def answer(request: web.Request) -> web.StreamResponse:
    """POST /console/tickets/{id}/answer: 答复住户, a reply sent to every chat of the resident and recorded as an
    answer (meets an online complaint's deadline). Desk roles and the assignee only; not on a finished ticket."""
    staff = await current_staff(request)
    assert staff is not None
    ticket_id = _ticket_id(request)
    try:
        form = await read_form(request, max_file_bytes=0, too_large=BAD_FORM_FILE)
    except FormRefused as refused:
        return await _detail_page(request, staff, ticket_id, alert=refused.message, status=refused.status, ok=False)
    text = form.get("text")
    now = request.app[keys.CLOCK].now()
    refusal: FormRefused | None = None
    async with request.app[keys.SESSIONMAKER]() as session:
        ticket = await visible_ticket(session, staff, ticket_id)
        if not may_answer(staff, ticket):
            refusal = FormRefused(403, NOT_ANSWERER)
        elif Status(ticket.status) in FINAL:
            refusal = FormRefused(409, ANSWER_FINISHED[Status(ticket.status)])
        elif not text:
            refusal = FormRefused(400, EMPTY_ANSWER)
        elif len(text) > MAX_ANSWER_CHARS:
            refusal = FormRefused(400, LONG_ANSWER)
        else:
            chats = len(await resident_chats(session, ticket.resident_id)) if ticket.resident_id else 0
            await answer_resident(
                session, ticket_id=ticket_id, staff_id=staff.id, text=text, now=now, wording=default_wording()
            )
            await session.commit()
    if refusal is not None:
        return await _detail_page(request, staff, ticket_id, alert=refusal.message, status=refusal.status, ok=False)
    worker = request.app.get(keys.OUTBOX_WORKER)
    if worker is not None:
        worker.wake()
    response = redirect(f"/console/tickets/{ticket_id}")
    flash = ANSWER_SENT.format(chats=chats) if chats else ANSWER_NO_CHAT
    response.set_cookie(FLASH_COOKIE, quote(flash), path="/console", httponly=True, samesite="Strict")
    return response


def _arguments(verb: StaffVerb, form: Any) -> dict[str, Any]:
    """staff_action's arguments for `verb` from the form; raises FormRefused for a missing choice."""
    reason = form.get("reason") or None
    if verb is StaffVerb.RESOLVE:
        materials = [line.strip() for line in form.get("materials").splitlines() if line.strip()]
        return {"work_done": form.get("work_done") or None, "materials": materials}
    if verb is StaffVerb.ASSIGN:
        chosen = form.get("assignee_id")
        if not chosen.isdigit():
            raise FormRefused(400, BAD_ASSIGNEE)
        return {"assignee_id": int(chosen), "reason": reason}
    if verb is StaffVerb.OVERRIDE:
        if form.get("to_status") not in set(Status):
            raise FormRefused(400, BAD_STATUS)
        return {"to_status": form.get("to_status"), "reason": reason}
    if verb in (StaffVerb.CANCEL, StaffVerb.RETURN):
        return {"reason": reason}
    return {}


@staff_required
async def attachment_file(request: web.Request) -> web.StreamResponse:
    """GET /console/files/{id}: a ticket's photo or recording, only for staff who may see the ticket, with its real
    type; `?play=1` gives a recording as a browser can play it (WeCom's AMR transcoded once to WAV and cached)."""
    staff = await current_staff(request)
    assert staff is not None
    raw = request.match_info["attachment_id"]
    async with request.app[keys.SESSIONMAKER]() as session:
        attachment = await session.get(Attachment, int(raw)) if raw.isdigit() and len(raw) < 19 else None
        if attachment is None or attachment.ticket_id is None:
            raise web.HTTPNotFound(text=NOT_FOUND)
        await visible_ticket(session, staff, attachment.ticket_id)
    headers = {
        "Cache-Control": "private, max-age=3600",
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": "inline",
        "Content-Security-Policy": PAGE_HEADERS["Content-Security-Policy"],
    }
    if attachment.kind == "voice" and request.query.get("play"):
        settings = request.app[keys.SETTINGS]
        try:
            found = await playable(
                files_of(request), sha256=attachment.sha256, mime=attachment.mime, cache=cache_dir(settings.data_dir)
            )
        except Unplayable:
            raise web.HTTPNotFound(text=UNPLAYABLE) from None
        return web.FileResponse(found.path, headers={**headers, "Content-Type": found.mime})
    try:
        path = files_of(request).path_for(attachment.sha256)
    except ValueError:
        raise web.HTTPNotFound(text=NOT_FOUND) from None
    if not path.is_file():
        raise web.HTTPNotFound(text=NOT_FOUND)
    return web.FileResponse(path, headers={**headers, "Content-Type": attachment.mime})


def _ticket_id(request: web.Request) -> int:
    raw = request.match_info["ticket_id"]
    if not raw.isdigit() or len(raw) > 18:
        raise web.HTTPNotFound(text=NOT_FOUND)
    return int(raw)
