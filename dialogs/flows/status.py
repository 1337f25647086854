"""Status: 我的工单 lists open tickets with status and next deadline; details of one; cancel before work starts.

States: CONFIRM_CANCEL (确认撤销 / 不撤销).
"""

from __future__ import annotations

from enum import StrEnum

from dialogs.business import CANCELLABLE, TicketSummary, cancel_request, clock_time, find_own_ticket, open_requests
from dialogs.business.status import summarize
from dialogs.context import Turn
from storage.errors import NotFound, TransitionNotAllowed

NAME = "status"


class Step(StrEnum):
    CONFIRM_CANCEL = "confirm_cancel"


def _line(turn: Turn, item: TicketSummary) -> str:
    due = clock_time(turn.policy, item.next_due, turn.now) if item.next_due else ""
    return turn.w(
        "status.line",
        number=item.number,
        status=turn.w(f"labels.status.{item.status}"),
        description=item.description[:30],
        due=turn.w("status.due", by=due) if due else "",
    )


async def show_list(turn: Turn, *, offer_cancel: bool = False) -> None:
    """List the resident's open tickets; with `offer_cancel`, buttons to withdraw the cancellable ones."""
    items = await open_requests(turn.session, community_id=turn.community_id, resident_id=turn.resident.id)
    if not items:
        return turn.say(
            turn.w("status.none"), [(turn.w("menu.repair"), "menu:repair"), (turn.w("menu.help"), "menu:help")]
        )
    lines = "\n".join(_line(turn, item) for item in items[:10])
    if offer_cancel:
        rows = [
            [(turn.w("status.cancel_button", number=i.number), f"status:cancel:{i.number}")]
            for i in items
            if i.cancellable
        ]
        if not rows:
            return turn.say(turn.w("status.nothing_cancellable", lines=lines))
        return turn.say(turn.w("status.which_cancel", lines=lines), *rows[:6])
    rows = [[(turn.w("status.detail_button", number=i.number), f"status:detail:{i.number}")] for i in items[:6]]
    turn.say(turn.w("status.list", count=len(items), lines=lines), *rows)


async def on_button(turn: Turn, payload: str) -> None:
    """status:detail:<number>, status:cancel:<number>, status:cancel_yes / status:cancel_no."""
    _, action, *rest = payload.split(":", 2)
    number = rest[0] if rest else ""
    if action == "detail":
        return await show_detail(turn, number)
    if action == "cancel":
        try:
            ticket = await find_own_ticket(
                turn.session, community_id=turn.community_id, resident_id=turn.resident.id, number=number
            )
        except NotFound:
            return turn.say(turn.w("status.not_found", number=number))
        if ticket.status not in CANCELLABLE:
            return turn.say(turn.w("status.cannot_cancel", number=number))
        turn.state.start(NAME, Step.CONFIRM_CANCEL, number=number)
        return await reprompt(turn)


async def show_detail(turn: Turn, number: str) -> None:
    """One ticket: what, status, next deadline; 撤销 while no one has started."""
    try:
        ticket = await find_own_ticket(
            turn.session, community_id=turn.community_id, resident_id=turn.resident.id, number=number
        )
    except NotFound:
        return turn.say(turn.w("status.not_found", number=number))
    item = summarize(ticket)
    text = turn.w("status.detail", line=_line(turn, item), description=ticket.description)
    if item.cancellable:
        turn.say(text, [(turn.w("status.cancel_button", number=number), f"status:cancel:{number}")])
    else:
        turn.say(text)


async def reprompt(turn: Turn) -> None:
    number = turn.state.slots["number"]
    turn.say(
        turn.w("status.confirm_cancel", number=number),
        [(turn.w("buttons.confirm_cancel"), "status:cancel_yes"), (turn.w("buttons.keep"), "status:cancel_no")],
    )


async def handle(turn: Turn) -> None:
    answer = turn.incoming.payload or turn.text
    number = turn.state.slots["number"]
    if answer == "status:cancel_yes" or turn.text in ("确认", "是的", "对", "撤销", "确认撤销"):
        turn.state.finish()
        try:
            ticket = await cancel_request(
                turn.session, community_id=turn.community_id, resident_id=turn.resident.id, number=number, now=turn.now
            )
        except (NotFound, TransitionNotAllowed):
            return turn.say(turn.w("status.cannot_cancel", number=number))
        turn.ticket_id = ticket.id
        return turn.say(turn.w("status.cancelled", number=number))
    if answer == "status:cancel_no" or turn.text in ("不", "不用", "不撤销", "算了"):
        turn.state.finish()
        return turn.say(turn.w("status.kept", number=number))
    await reprompt(turn)
