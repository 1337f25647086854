"""Subcommands of the `wuye` CLI, one module each; every module exposes `register(subparsers)`."""

from bot.commands import nlu_console

#: Modules whose `register(subparsers)` adds a subcommand; order is the order of `wuye --help`.
COMMAND_MODULES = [nlu_console]

__all__ = ["COMMAND_MODULES"]
