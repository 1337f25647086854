"""The console plugin: its routes under /console/, templates and static files."""

from __future__ import annotations

from aiohttp import web

from bot.console.dashboard import install_dashboard
from bot.console.login import login_form, login_submit, logout
from bot.console.pages import STATIC_DIR, setup_templates

__all__ = ["install"]


def install(app: web.Application) -> None:
    """Plugin: the staff console (sign-in, ticket queue, ticket detail) under /console/."""
    setup_templates(app)
    app.router.add_get("/console/login", login_form, name="console_login")
    app.router.add_post("/console/login", login_submit, name="console_login_post")
    app.router.add_post("/console/logout", logout, name="console_logout")
    install_dashboard(app)
    app.router.add_static("/console/static/", STATIC_DIR, name="console_static")
