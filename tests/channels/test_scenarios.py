"""The shared conversation scenarios, written once and run through every real channel (web chat over HTTP,
Telegram through the fake Bot API, WeCom through encrypted callbacks and message/send).

Each scenario checks what the resident sees on the channel; `seen_the_same` then checks that the channel showed
exactly what the dialogs queued (nothing dropped, nothing out of order, every button) and that the normalised
transcript is the same as on every other channel that ran the scenario in this session.
"""

from __future__ import annotations

import re

from dialogs import StaffVerb
from tests.channels.conftest import StaffDesk
from tests.channels.drivers import Driver, Transcripts
from tests.telegram.conftest import PNG

#: 2026-11-22 09:00 Shanghai (the frozen clock): the first repair ticket of the day.
FIRST_REPAIR = "BX-20261122-0001"
PHONE = "13812345678"


async def seen_the_same(resident: Driver, transcripts: Transcripts, scenario: str) -> None:
    """The channel showed every queued reply as queued; the transcript matches the other channels'."""
    shown = [reply.key() for step in resident.transcript for reply in step.replies]
    queued = [reply.key() for reply in await resident.outbox_view()]
    assert shown == queued, f"{resident.channel} showed something else than the dialogs queued"
    others = transcripts.record(scenario, resident.channel, resident.transcript)
    mine = [step.key() for step in resident.transcript]
    for other, theirs in others.items():
        assert mine == theirs, f"{resident.channel} and {other} differ in {scenario}"


def shows(resident: Driver, *labels: str) -> bool:
    """True when the last replies show a button containing each of `labels`."""
    return all(any(label in shown for shown in resident.labels) for label in labels)


def number_in(text: str, prefix: str = "BX") -> str:
    found = re.search(rf"{prefix}-\d{{8}}-\d{{4}}", text)
    assert found, text
    return found.group(0)


async def report_repair(resident: Driver) -> str:
    """A repair with everything in one message; its ticket number."""
    await resident.send_text(f"厨房下水道堵了 3-2-502 {PHONE}")
    await resident.press("跳过")
    await resident.press("确认提交")
    assert "报修已受理" in resident.text
    return number_in(resident.text)


async def test_repair_intake_asks_room_then_photo_and_states_the_commitment(
    resident: Driver, transcripts: Transcripts, staff: StaffDesk
) -> None:
    await resident.send_text("客厅插座没电了")
    assert "房号" in resident.text
    await resident.send_text("3栋2单元502")
    assert "手机号" in resident.text
    await resident.send_text(PHONE)
    assert "照片" in resident.text and shows(resident, "跳过")
    await resident.send_photo(PNG)
    assert "第1张" in resident.text
    await resident.press("照片发完了")
    assert "3-2-502" in resident.text and PHONE in resident.text and "照片：1张" in resident.text
    assert shows(resident, "确认提交", "修改", "取消")
    await resident.press("确认提交")
    assert "报修已受理" in resident.text and f"单号 {FIRST_REPAIR}" in resident.text
    assert re.search(r"\d+(分钟|小时)内", resident.text), resident.text  # the commitment with its deadline
    [ticket] = await staff.tickets()
    assert ticket.number == FIRST_REPAIR and ticket.type == "repair"
    await seen_the_same(resident, transcripts, "repair_intake")


async def test_a_room_not_in_the_registry_gets_a_polite_retry(resident: Driver, transcripts: Transcripts) -> None:
    await resident.send_text("客厅插座没电了")
    assert "房号" in resident.text
    await resident.send_text("9栋9单元9999")
    assert "房号" in resident.text and "不知道" not in resident.text  # asked again, politely
    await resident.send_text("3-2-502")
    assert "手机号" in resident.text
    await seen_the_same(resident, transcripts, "unknown_room")


async def test_complaint_is_read_back_and_routed_to_its_tier_owner(
    resident: Driver, transcripts: Transcripts, staff: StaffDesk
) -> None:
    await resident.send_text("维修工小张态度太差了，昨天来修的时候还骂人，我要求道歉")
    first = resident.last[0].text
    assert "理解" in first and "抱歉" in first  # empathy before any question
    await resident.send_text("在我家门口")
    await resident.send_text("3-2-502")
    await resident.send_text(PHONE)
    assert "投诉对象：维修工小张" in resident.text and "您的诉求：道歉" in resident.text
    await resident.press("确认提交")
    assert "您的投诉已受理" in resident.text
    number = number_in(resident.text, "TS")
    ticket = await staff.ticket(number)
    owner = {1: "客服专员", 2: "客服主管", 3: "项目经理"}[ticket.complaint_tier or 0]
    assert f"由{owner}负责" in resident.text
    await seen_the_same(resident, transcripts, "complaint")


async def test_inquiry_is_answered_from_the_policy_faq(
    resident: Driver, transcripts: Transcripts, staff: StaffDesk
) -> None:
    await resident.send_text("请问物业费怎么收？")
    assert "建筑面积" in resident.text and shows(resident, "转人工客服", "明白了")
    await resident.press("明白了")
    assert "很高兴" in resident.text
    assert await staff.tickets() == []
    await seen_the_same(resident, transcripts, "inquiry_faq")


async def test_status_of_an_open_ticket(resident: Driver, transcripts: Transcripts) -> None:
    number = await report_repair(resident)
    await resident.send_text("我的工单")
    assert number in resident.text and "已受理，待派单" in resident.text
    await resident.press(f"查看 {number}")
    assert "厨房下水道堵了" in resident.text
    await seen_the_same(resident, transcripts, "status")


async def test_status_of_two_open_tickets_tells_their_buttons_apart(resident: Driver, transcripts: Transcripts) -> None:
    first = await report_repair(resident)
    await resident.send_text("阳台门关不上了")
    await resident.press("跳过")
    await resident.press("确认提交")
    second = number_in(resident.text)
    assert first != second
    await resident.send_text("我的工单")
    assert first in resident.text and second in resident.text
    assert len(set(resident.labels)) == len(resident.labels), resident.labels  # each button says which ticket
    await resident.press(f"查看 {second}")
    assert "阳台门关不上了" in resident.text and "厨房下水道堵了" not in resident.text
    await seen_the_same(resident, transcripts, "status_two_tickets")


async def test_critical_emergency_is_answered_at_once_before_any_question(
    resident: Driver, transcripts: Transcripts, staff: StaffDesk
) -> None:
    await resident.send_text("救命！我家老人晕倒了，叫不醒")
    first = resident.last[0].text
    assert "120" in first and "已收到警报" in first and "房号" not in first
    [ticket] = await staff.tickets()
    assert ticket.urgency == "critical" and ticket.room_id is None  # created before any question
    assert "房号" in resident.text
    await resident.send_text("3-2-502")
    assert "3-2-502" in resident.text
    await seen_the_same(resident, transcripts, "emergency")


async def test_cancel_in_the_middle_of_a_form(resident: Driver, transcripts: Transcripts, staff: StaffDesk) -> None:
    await resident.send_text("厨房水龙头坏了")
    assert "房号" in resident.text
    await resident.send_text("取消")
    assert "取消" in resident.text
    assert await staff.tickets() == []
    await resident.send_text("3-2-502")  # the form is gone: a room alone starts nothing
    assert await staff.tickets() == []
    await seen_the_same(resident, transcripts, "cancel")


async def test_staff_complete_the_resident_confirms_and_answers_the_questionnaire(
    resident: Driver, transcripts: Transcripts, staff: StaffDesk
) -> None:
    number = await report_repair(resident)
    await staff.act(number, StaffVerb.ACCEPT)
    await resident.after_staff("accept")
    assert "接单" in resident.text
    await staff.act(number, StaffVerb.ARRIVE)
    await resident.after_staff("arrive")
    await staff.act(number, StaffVerb.RESOLVE, work_done="疏通下水道")
    await resident.after_staff("resolve")
    assert "请确认" in resident.text and shows(resident, "确认完成", "还没解决")
    await resident.press("确认完成")
    assert "感谢您的确认" in resident.text
    assert (await staff.ticket(number)).status == "closed"
    await staff.call_back(number)
    await resident.after_staff("call back")
    assert "服务态度" in resident.text
    for question in ("处理速度", "处理结果", "有偿服务"):  # attitude, speed, result; then the optional service question
        await resident.press("非常满意")
        assert question in resident.text
    assert shows(resident, "暂不需要")
    await resident.press("暂不需要")
    assert "感谢" in resident.text
    await seen_the_same(resident, transcripts, "confirm_and_questionnaire")


async def test_a_half_finished_conversation_survives_a_restart(
    resident: Driver, transcripts: Transcripts, staff: StaffDesk
) -> None:
    await resident.send_text("客厅插座没电了")
    await resident.send_text("3栋2单元502")
    assert "手机号" in resident.text
    await resident.restart()
    await resident.send_text(PHONE)
    assert "照片" in resident.text
    await resident.press("跳过")
    assert "3-2-502" in resident.text and "客厅插座没电了" in resident.text
    await resident.press("确认提交")
    assert f"单号 {FIRST_REPAIR}" in resident.text
    await seen_the_same(resident, transcripts, "restart")
