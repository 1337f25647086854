"""Transcripts: interruptions, navigation, drafts after an idle timeout, binding, duplicates, restarts."""

from __future__ import annotations

from sqlalchemy import select

from dialogs import Incoming
from storage.db import Database, create_engine, create_sessionmaker
from storage.inbound.models import InboundMessage
from storage.residents.models import Resident
from storage.tickets.models import Ticket
from tests.dialogs.conftest import Chat


async def all_tickets(chat: Chat) -> list[Ticket]:
    async with chat.db.sessions() as session:
        return list(await session.scalars(select(Ticket).order_by(Ticket.id)))


async def test_new_request_mid_form_offers_finish_or_switch_and_keeps_both(chat: Chat) -> None:
    await chat.send("厨房水龙头坏了")
    assert "房号" in chat.text
    await chat.send("对了，楼上装修噪音太大了，天天吵到半夜，我要投诉")
    assert "先完成刚才的" in chat.labels and "先处理新问题" in chat.labels
    await chat.press("先处理新问题")
    assert "刚才的内容已为您保存" in chat.text and "理解" in chat.text  # the complaint starts
    await chat.send("取消")
    await chat.send("在吗")
    assert "厨房水龙头坏了" in chat.text  # the first form is offered back
    await chat.press("继续填写")
    assert "房号" in chat.text
    await chat.send("3-2-502")
    assert "手机号" in chat.text


async def test_finish_current_first(chat: Chat) -> None:
    await chat.send("厨房水龙头坏了")
    await chat.send("另外卫生间的灯也不亮了，帮忙一起修一下")
    await chat.press("先完成刚才的")
    assert "房号" in chat.text


async def test_back_and_restart(chat: Chat) -> None:
    await chat.send("厨房水龙头坏了 3-2-502")
    assert "手机号" in chat.text
    await chat.send("13812345678")
    assert "照片" in chat.text
    await chat.send("返回")
    assert "手机号" in chat.text
    await chat.send("重新开始")
    assert "重新开始" in chat.text and "描述" in chat.text
    assert await all_tickets(chat) == []


async def test_input_that_fits_nothing_gets_the_help_menu(chat: Chat) -> None:
    await chat.send("/start")
    assert "房号" in chat.text  # first contact: binding
    await chat.send("3-2-502")
    await chat.send("13812345678")
    assert "登记好了" in chat.text and "🔧 报修" in chat.labels
    await chat.send("哈哈")
    assert "🔧 报修" in chat.labels and "📋 我的工单" in chat.labels


async def test_idle_form_becomes_a_draft_offered_on_return(chat: Chat) -> None:
    await chat.send("阳台推拉门坏了")
    assert "房号" in chat.text
    chat.clock.advance(minutes=31)
    await chat.send("卧室空调不制冷了")
    assert "未提交的登记（阳台推拉门坏了）" in chat.text
    await chat.press("不用了")
    assert "房号" in chat.text


async def test_binding_can_be_changed(chat: Chat) -> None:
    await chat.send("/start")
    await chat.send("3-2-502")
    await chat.send("13812345678")
    await chat.send("修改电话")
    assert "手机号" in chat.text
    await chat.send("13900001111")
    assert "13900001111" in chat.text
    async with chat.db.sessions() as session:
        resident = await session.scalar(select(Resident))
    assert resident.phone == "13900001111"


async def test_a_redelivered_message_is_handled_once(chat: Chat) -> None:
    text = "客厅灯不亮 3-2-502 13812345678"
    message = Incoming(channel="webchat", sender_id=chat.sender, message_id="m-1", text=text)
    first = await chat.deliver(message)
    again = await chat.deliver(message)
    assert first and again == [] and chat.result.duplicate
    async with chat.db.sessions() as session:
        assert len(list(await session.scalars(select(InboundMessage)))) == 1


async def test_conversation_survives_a_restart(chat: Chat) -> None:
    await chat.send("卫生间地漏堵了")
    await chat.send("3-2-502")
    assert "手机号" in chat.text
    await chat.db.engine.dispose()  # the process dies; a new one opens the database
    engine = create_engine(chat.db.url)
    chat.db = Database(url=chat.db.url, engine=engine, sessions=create_sessionmaker(engine))
    try:
        await chat.send("13812345678")
        assert "照片" in chat.text
        await chat.press("跳过")
        assert "卫生间地漏堵了" in chat.text and "3-2-502" in chat.text
    finally:
        await engine.dispose()


async def test_stale_button_and_unreadable_voice_get_polite_answers(chat: Chat) -> None:
    await chat.send(press="intake:confirm")
    assert "失效" in chat.text and "🔧 报修" in chat.labels
    await chat.send(voice=True)
    assert "没能识别" in chat.text


async def test_a_non_image_photo_is_refused_and_nothing_changes(chat: Chat) -> None:
    await chat.send("厨房水管漏水 3-2-502 13812345678")
    await chat.send(photo=b"%PDF-1.4 not a photo")
    assert "无法作为照片接收" in chat.text
    await chat.press("跳过")
    assert "照片：0张" in chat.text


async def test_a_failing_turn_still_logs_the_message_and_answers(chat: Chat, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import dialogs.turn

    async def broken(turn):  # type: ignore[no-untyped-def]
        raise RuntimeError("bug")

    monkeypatch.setattr(dialogs.turn, "route", broken)
    await chat.send("厨房水管漏水")
    assert "消息已经记录" in chat.text
    async with chat.db.sessions() as session:
        [logged] = list(await session.scalars(select(InboundMessage)))
    assert logged.processed_at is None and logged.payload["text"] == "厨房水管漏水"
    assert len(await chat.outbox("reply")) == 1
