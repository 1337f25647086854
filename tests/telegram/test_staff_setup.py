"""Setting staff up: `wuye groups link|list`, `wuye telegram link-code` then `/link CODE` in a private chat,
`/bind <department>` by a supervisor when the bot joins a group, and the link codes' rules."""

from __future__ import annotations

from datetime import timedelta

from bot.telegram.fake_api import FakeBotApi
from bot.telegram.linking import check_code, link_key, make_code
from storage.db import Database
from storage.groups.service import group_by_chat
from storage.staff.service import find_staff_by_identity
from tests.bot.test_cli_db import wuye
from tests.storage.conftest import SQLITE_ONLY, START
from tests.telegram.conftest import TOKEN, Estate, Person, Service, until


def test_a_link_code_is_signed_expires_and_names_its_staff() -> None:
    key = link_key(TOKEN)
    code = make_code(key, 12, now=START, minutes=30)
    assert check_code(key, code, now=START + timedelta(minutes=29)) == 12
    assert check_code(key, code, now=START + timedelta(minutes=31)) is None
    assert check_code(link_key("999:other"), code, now=START) is None
    assert check_code(key, code.replace("12-", "13-", 1), now=START) is None  # a forged staff id


@SQLITE_ONLY  # the registration's rules run on both in tests/storage/staff/test_service.py
async def test_groups_link_and_list(db: Database, estate: Estate, capsys) -> None:  # type: ignore[no-untyped-def]
    link = ("groups", "--url", db.url, "link", "--community", "demo", "--department", "security")
    assert await wuye(*link, "--chat-id", "-1009", "--title", "保安群") == 0
    assert "-1009 is now the security group of demo" in capsys.readouterr().out
    assert await wuye("groups", "--url", db.url, "list") == 0
    listed = capsys.readouterr().out
    assert "security" in listed and "-1009" in listed and "engineering" in listed
    assert await wuye(*link[:-2], "--department", "environment", "--chat-id", "-1009") == 1  # taken by security
    assert "already" in capsys.readouterr().err


async def test_link_code_then_slash_link_ties_the_account_once(
    service: Service,
    fake: FakeBotApi,
    estate: Estate,
    capsys,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setenv("WUYE_TELEGRAM_TOKEN", TOKEN)
    # A new colleague without a Telegram identity yet.
    assert (
        await wuye(
            "staff",
            "--url",
            service.db.url,
            "add",
            "--name",
            "新保安",
            "--role",
            "security",
            "--department",
            "security",
            "--community",
            str(estate.community_id),
        )
        == 0
    )
    staff_id = int(capsys.readouterr().out.split("added staff ")[1].split(":")[0])
    assert await wuye("telegram", "--url", service.db.url, "link-code", str(staff_id)) == 0
    command = capsys.readouterr().out.strip().splitlines()[-1]
    assert command.startswith("/link ")
    guard = Person(fake, 7100, "新保安")
    await guard.say(command)
    await guard.wait_for("绑定成功")
    async with service.db.sessions() as session:
        staff = await find_staff_by_identity(session, channel="telegram", external_id="7100")
    assert staff is not None and staff.id == staff_id
    other = Person(fake, 7101, "别人")
    await other.say(command)  # the same code again, from someone else
    await other.wait_for("已经用过")
    async with service.db.sessions() as session:
        assert await find_staff_by_identity(session, channel="telegram", external_id="7101") is None


@SQLITE_ONLY  # the registration's rules run on both in tests/storage/staff/test_service.py
async def test_the_bot_joins_a_group_and_a_supervisor_binds_it(service: Service, fake: FakeBotApi) -> None:
    group = -1002
    supervisor = Person(fake, 7002, "supervisor", chat_id=group)
    plumber = Person(fake, 7001, "plumber", chat_id=group)
    await fake.deliver(fake.bot_added(group, "保洁群", supervisor.user))
    await until(lambda: any("/bind" in t for t in fake.texts(group)), what="hello in the new group")
    await plumber.say("/bind environment")  # a technician may not
    await until(lambda: any("主管" in t for t in fake.texts(group)), what="refusal")
    await supervisor.say("/bind@wuye_test_bot environment", title="保洁群")
    await until(lambda: any("已绑定" in t for t in fake.texts(group)), what="bound")
    async with service.db.sessions() as session:
        bound = await group_by_chat(session, channel="telegram", chat_id=str(group))
    assert bound is not None and (bound.department, bound.title) == ("environment", "保洁群")
