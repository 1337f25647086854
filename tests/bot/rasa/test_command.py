"""`wuye actions`: registered in the CLI; the port and the community from flags, the environment or the database."""

from __future__ import annotations

import argparse

import pytest

from bot.cli import build_parser
from bot.commands.actions import CommunityNotChosen, choose_community, port_from
from storage.clock import FrozenClock
from storage.db import Database
from tests.dialogs.conftest import Estate
from tests.factories import make_community


def test_the_subcommand_is_registered() -> None:
    args = build_parser().parse_args(["actions", "--port", "6000", "--community", "demo"])
    assert (args.port, args.community) == (6000, "demo") and callable(args.handler)


def test_port_from_the_flag_then_the_environment_then_5055() -> None:
    assert port_from(argparse.Namespace(port=6000), {"WUYE_ACTIONS_PORT": "7000"}) == 6000
    assert port_from(argparse.Namespace(port=None), {"WUYE_ACTIONS_PORT": "7000"}) == 7000
    assert port_from(argparse.Namespace(port=None), {}) == 5055
    with pytest.raises(ValueError):
        port_from(argparse.Namespace(port=None), {"WUYE_ACTIONS_PORT": "seven"})


async def test_an_empty_database_is_a_clear_error(db: Database) -> None:
    async with db.sessions() as session:
        with pytest.raises(CommunityNotChosen, match="no community"):
            await choose_community(session, None)


async def test_the_only_community_by_default_else_by_code_or_id(
    db: Database, estate: Estate, clock: FrozenClock
) -> None:
    async with db.sessions() as session:
        assert (await choose_community(session, None)).id == estate.community_id
        assert (await choose_community(session, "demo")).id == estate.community_id
        assert (await choose_community(session, str(estate.community_id))).code == "demo"
        with pytest.raises(CommunityNotChosen, match="'nowhere' not found"):
            await choose_community(session, "nowhere")
    async with db.sessions.begin() as session:
        await make_community(session, clock.now(), code="second")
    async with db.sessions() as session:
        with pytest.raises(
            CommunityNotChosen, match=r"2 communities \(demo, second\).*--community or \$WUYE_COMMUNITY"
        ):
            await choose_community(session, None)
