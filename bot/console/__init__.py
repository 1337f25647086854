"""The staff web console under /console/: sign-in, the ticket queue, ticket detail and actions."""

from bot.console.auth import COOKIE_NAME, current_staff, staff_required, visible_communities
from bot.console.pages import render
from bot.console.routes import install

__all__ = ["COOKIE_NAME", "current_staff", "install", "render", "staff_required", "visible_communities"]
