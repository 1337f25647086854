"""Each action over real HTTP in Rasa 3's format, and what it stores: forms, submit, 我的工单, the survey."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from dialogs.wording import default_wording
from storage.clock import FrozenClock
from storage.db import Database
from storage.residents.models import Resident, ResidentIdentity
from storage.surveys.models import SurveyAnswer
from storage.tickets.models import Ticket
from storage.tickets.service import accept_ticket, mark_on_site, resolve_ticket
from tests.bot.rasa._wire import action_call, slot_sets, texts
from tests.dialogs.conftest import Estate

w = default_wording()


async def call(client: TestClient, next_action: str, **kwargs: Any) -> dict[str, Any]:
    response = await client.post("/webhook", json=action_call(next_action, **kwargs))
    assert response.status == 200, await response.text()
    result = await response.json()
    assert set(result) == {"events", "responses"}
    return result


async def validate_repair(client: TestClient, sender: str = "rasa-user-1", **candidates: Any) -> dict[str, Any]:
    text = str(next(iter(candidates.values())))
    return await call(
        client, "validate_repair_form", sender=sender, text=text, candidates=candidates, active_loop="repair_form"
    )


async def submit_repair(client: TestClient, sender: str = "rasa-user-1", **slots: Any) -> dict[str, Any]:
    return await call(client, "action_submit_repair", sender=sender, slots=slots, text="3-2-502")


async def stored_tickets(db: Database) -> list[Ticket]:
    async with db.sessions() as session:
        return list(await session.scalars(select(Ticket).order_by(Ticket.id)))


# --- the forms ----------------------------------------------------------------------------------------------


async def test_a_registered_room_is_set_in_canonical_form(client: TestClient) -> None:
    result = await validate_repair(client, room="3栋2单元502")
    assert result["events"] == [{"event": "slot", "timestamp": None, "name": "room", "value": "3-2-502"}]
    assert result["responses"] == []  # Rasa's FormAction asks the next slot itself (utter_ask_phone)


async def test_an_unknown_room_is_refused_with_the_closest_registered_one_as_a_button(client: TestClient) -> None:
    result = await validate_repair(client, room="3栋2单元520")
    assert slot_sets(result) == {"room": None}
    [response] = result["responses"]
    assert response["text"] == w("contact.room_suggest", typed="3-2-520", room="3-2-502")
    assert "您是说 3-2-502 吗" in response["text"]
    assert response["buttons"] == [{"title": "是的", "payload": "3-2-502"}]
    # pressing the button sends "3-2-502" as the next answer, which the form validates again
    assert slot_sets(await validate_repair(client, room="3-2-502")) == {"room": "3-2-502"}


async def test_a_room_nothing_is_close_to_or_no_room_at_all(client: TestClient) -> None:
    assert texts(await validate_repair(client, room="9栋9单元9999")) == [w("contact.room_unknown", typed="9-9-9999")]
    result = await validate_repair(client, room="就在楼下")
    assert slot_sets(result) == {"room": None}
    assert texts(result) == [w("contact.room_unreadable")]


async def test_a_bad_phone_is_refused_and_a_good_one_normalised(client: TestClient) -> None:
    result = await validate_repair(client, phone="12345")
    assert slot_sets(result) == {"phone": None}
    assert texts(result) == [w("contact.phone_invalid")]
    assert slot_sets(await validate_repair(client, phone="一三八 1234 5678")) == {"phone": "13812345678"}


async def test_the_complaint_form_checks_room_and_phone_and_passes_free_text_through(client: TestClient) -> None:
    result = await call(
        client,
        "validate_complaint_form",
        text="保安",
        candidates={"complaint_target": " 门口的保安 ", "room": "3-2-502", "phone": "138-1234-5678"},
        active_loop="complaint_form",
    )
    assert slot_sets(result) == {"complaint_target": "门口的保安", "room": "3-2-502", "phone": "13812345678"}
    assert result["responses"] == []
    assert not [e for e in result["events"] if e["event"] in ("active_loop", "followup")]


async def test_a_known_resident_gets_room_and_phone_from_the_profile(client: TestClient) -> None:
    await submit_repair(client, description="厨房灯不亮了", room="3-2-502", phone="13812345678")
    result = await validate_repair(client, description="阳台门关不上了")
    assert slot_sets(result) == {"description": "阳台门关不上了", "room": "3-2-502", "phone": "13812345678"}


# --- 有人受伤或有危险吗？, as the built-in dialog asks it --------------------------------------------------------


def doubtful_description() -> str:
    from tests.dialogs.test_danger_check import doubtful

    return doubtful()


async def test_a_doubtful_description_asks_about_danger_before_the_room(client: TestClient) -> None:
    result = await validate_repair(client, description=doubtful_description())
    assert slot_sets(result)["requested_slot"] == "danger"  # Rasa asks it with utter_ask_danger


async def test_a_harmless_description_goes_straight_on(client: TestClient) -> None:
    result = await validate_repair(client, description="客厅灯不亮了")
    assert "requested_slot" not in slot_sets(result)  # Rasa's FormAction asks the domain's next slot itself


async def answer_danger(client: TestClient, description: str, said: str) -> dict[str, Any]:
    """The resident answers the danger question the repair form asked after `description`."""
    return await call(
        client,
        "validate_repair_form",
        text=said,
        slots={"description": description},
        candidates={"danger": said},
        active_loop="repair_form",
    )


async def test_yes_gives_the_emergency_numbers_at_once_and_no_goes_on(client: TestClient) -> None:
    description = doubtful_description()
    yes = await answer_danger(client, description, "有人受伤了")
    assert slot_sets(yes)["danger"] == "yes"
    assert "情况紧急" in texts(yes)[0]
    no = await answer_danger(client, description, "没有")
    assert slot_sets(no)["danger"] == "no" and not texts(no)
    unclear = await answer_danger(client, description, "不知道")
    assert slot_sets(unclear)["danger"] is None and slot_sets(unclear)["requested_slot"] == "danger"  # asked again


async def test_a_confirmed_danger_is_submitted_as_critical_with_the_note(client: TestClient, db: Database) -> None:
    description = doubtful_description()
    await submit_repair(client, description=description, room="3-2-502", phone="13812345678", danger="yes")
    [ticket] = await stored_tickets(db)
    assert ticket.urgency == "critical" and w("danger_check.confirmed_note") in ticket.description


# --- submit -------------------------------------------------------------------------------------------------


async def test_submit_repair_opens_the_ticket_and_states_the_commitment(client: TestClient, db: Database) -> None:
    result = await submit_repair(client, description="卫生间水管爆了，水流了一地", room="3-2-502", phone="13812345678")
    [ticket] = await stored_tickets(db)
    assert ticket.number == "BX-20261122-0001"
    assert (ticket.type, ticket.urgency, ticket.category, ticket.channel) == ("repair", "urgent", "engineering", "rasa")
    assert ticket.contact_phone == "13812345678" and ticket.room_id is not None
    assert texts(result) == [f"紧急报修已受理，师傅将在30分钟内到场（09:30前）。单号 {ticket.number}。"]
    events = slot_sets(result)
    assert events.pop("ticket_number") == ticket.number
    assert events == dict.fromkeys(["description", "room", "phone", "urgency", "category", "danger"])
    async with db.sessions() as session:
        identity = await session.scalar(select(ResidentIdentity))
        resident = await session.get(Resident, ticket.resident_id)
    assert (identity.channel, identity.external_id, identity.resident_id) == ("rasa", "rasa-user-1", resident.id)
    assert resident.phone == "13812345678"


async def test_slots_from_the_nlu_win_over_nlu_parse(client: TestClient, db: Database) -> None:
    await submit_repair(client, description="客厅灯不亮了", room="3-2-502", phone="13812345678", urgency="urgent")
    await submit_repair(client, description="客厅灯不亮了", room="3-2-502", phone="13812345678", urgency="maybe")
    first, second = await stored_tickets(db)
    assert (first.urgency, second.urgency) == ("urgent", "normal")  # an unknown label falls back to nlu.parse


async def test_submit_complaint_goes_to_the_tier_owner(client: TestClient, db: Database) -> None:
    result = await call(
        client,
        "action_submit_complaint",
        slots={
            "description": "保安态度很差，对我大吼大叫",
            "complaint_target": "门口保安",
            "complaint_when": "昨天晚上",
            "complaint_where": "小区东门",
            "complaint_demand": "道歉",
            "room": "3-2-502",
            "phone": "13812345678",
        },
    )
    [ticket] = await stored_tickets(db)
    assert (ticket.type, ticket.channel, ticket.complaint_target, ticket.complaint_demand) == (
        "complaint",
        "rasa",
        "门口保安",
        "道歉",
    )
    assert "时间：昨天晚上（11-21 18:00-23:00）" in ticket.description and "地点：小区东门" in ticket.description
    [text] = texts(result)
    assert text.startswith("您的投诉已受理") and ticket.number in text
    assert slot_sets(result)["ticket_number"] == ticket.number


# --- 我的工单 ------------------------------------------------------------------------------------------------


async def test_status_lists_the_senders_open_tickets_with_the_next_deadline(client: TestClient) -> None:
    assert texts(await call(client, "action_ticket_status")) == [w("status.none")]
    await submit_repair(client, description="卫生间水管爆了", room="3-2-502", phone="13812345678")
    await submit_repair(client, sender="someone-else", description="楼道灯坏了", room="3-2-101", phone="13912345678")
    [text] = texts(await call(client, "action_ticket_status"))
    assert text.startswith("您有 1 个正在处理的工单")
    assert "BX-20261122-0001｜已受理，待派单｜卫生间水管爆了｜预计 09:30 前" in text
    assert "楼道灯" not in text


# --- the survey ---------------------------------------------------------------------------------------------


async def resolved_ticket(client: TestClient, db: Database, estate: Estate, clock: FrozenClock) -> Ticket:
    await submit_repair(client, description="厨房水龙头漏水", room="3-2-502", phone="13812345678")
    [ticket] = await stored_tickets(db)
    plumber = estate.staff["plumber"]
    async with db.sessions.begin() as session:
        await accept_ticket(session, ticket_id=ticket.id, staff_id=plumber, now=clock.advance(minutes=10))
        await mark_on_site(session, ticket_id=ticket.id, staff_id=plumber, now=clock.advance(minutes=30))
        await resolve_ticket(session, ticket_id=ticket.id, staff_id=plumber, now=clock.advance(minutes=40))
    return ticket


async def test_a_dissatisfied_survey_reopens_the_ticket(
    client: TestClient, db: Database, estate: Estate, clock: FrozenClock
) -> None:
    ticket = await resolved_ticket(client, db, estate, clock)
    scores = {"attitude": 4.0, "speed": "2", "result": 1.0, "survey_comment": "还在滴水"}
    result = await call(client, "action_record_survey", slots={"ticket_number": ticket.number, **scores})
    assert texts(result) == [w("callback.sorry_reopened")]
    assert slot_sets(result) == dict.fromkeys(["attitude", "speed", "result", "survey_comment"])
    [stored] = await stored_tickets(db)
    assert stored.status == "reopened" and stored.reopen_count == 1
    async with db.sessions() as session:
        answer = await session.scalar(select(SurveyAnswer))
    assert (answer.satisfied, answer.channel, answer.comment) == (False, "rasa", "还在滴水")
    assert (answer.score_attitude, answer.score_speed, answer.score_result) == (4, 2, 1)
    assert answer.reasons == ["speed", "result"]


async def test_a_satisfied_survey_thanks_and_leaves_the_ticket(
    client: TestClient, db: Database, estate: Estate, clock: FrozenClock
) -> None:
    ticket = await resolved_ticket(client, db, estate, clock)
    slots = {"ticket_number": ticket.number, "attitude": 5, "speed": 4, "result": 5}
    assert texts(await call(client, "action_record_survey", slots=slots)) == [w("callback.thanks")]
    [stored] = await stored_tickets(db)
    assert stored.status == "resolved"


async def test_a_survey_needs_three_scores_and_the_senders_own_ticket(
    client: TestClient, db: Database, estate: Estate, clock: FrozenClock
) -> None:
    ticket = await resolved_ticket(client, db, estate, clock)
    slots = {"ticket_number": ticket.number, "attitude": 5, "speed": 9, "result": 5}
    assert texts(await call(client, "action_record_survey", slots=slots)) == [w("rasa.survey_incomplete")]
    slots["speed"] = 3
    result = await call(client, "action_record_survey", sender="someone-else", slots=slots)
    assert texts(result) == [w("status.not_found", number=ticket.number)]
    async with db.sessions() as session:
        assert await session.scalar(select(SurveyAnswer)) is None
