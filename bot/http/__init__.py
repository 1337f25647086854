"""The HTTP side of the service: the app factory, its typed state keys, core routes and background tasks."""

from bot.http.app import Plugin, create_app, has_route
from bot.http.background import add_background_task

__all__ = ["Plugin", "add_background_task", "create_app", "has_route"]
