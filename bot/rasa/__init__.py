"""Rasa action server: wuye's business actions served to a Rasa assistant over rasa-sdk's HTTP protocol."""

from bot.rasa._base import CHANNEL, ActionContext
from bot.rasa.actions import ACTION_CLASSES, build_actions
from bot.rasa.server import DEFAULT_PORT, EXECUTOR, build_executor, create_actions_app

__all__ = [
    "ACTION_CLASSES",
    "CHANNEL",
    "DEFAULT_PORT",
    "EXECUTOR",
    "ActionContext",
    "build_actions",
    "build_executor",
    "create_actions_app",
]
