"""Subcommands of the `wuye` CLI, one module each; every module exposes `register(subparsers)`."""

from bot.commands import actions, asr, communities, config, db, groups, nlu_console, report, rooms, run, staff

#: Modules whose `register(subparsers)` adds a subcommand; order is the order of `wuye --help`.
COMMAND_MODULES = [run, actions, config, nlu_console, db, communities, rooms, staff, groups, report, asr]

__all__ = ["COMMAND_MODULES"]
