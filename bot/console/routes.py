"""The console plugin: its routes under /console/, templates and static files."""

from __future__ import annotations

from aiohttp import web

from bot.console.dashboard import install_dashboard
from bot.console.errors import console_errors
from bot.console.login import login_form, login_submit, logout
from bot.console.pages import STATIC_DIR, setup_templates
from bot.console.queue import queue_json, queue_page
from bot.console.ticket import action, answer, attachment_file, detail

__all__ = ["install"]


def install(app: web.Application) -> None:
    """Plugin: the staff console (sign-in, ticket queue, ticket detail and actions) under /console/."""
    setup_templates(app)
    app.middlewares.append(console_errors)
    app.router.add_get("/console/login", login_form, name="console_login")
    app.router.add_post("/console/login", login_submit, name="console_login_post")
    app.router.add_post("/console/logout", logout, name="console_logout")
    app.router.add_get("/console/", queue_page, name="console_queue")
    app.router.add_get("/console/tickets.json", queue_json, name="console_queue_json")
    app.router.add_get("/console/tickets/{ticket_id}", detail, name="console_ticket")
    app.router.add_post("/console/tickets/{ticket_id}/answer", answer, name="console_answer")
    app.router.add_post("/console/tickets/{ticket_id}/{verb}", action, name="console_action")
    app.router.add_get("/console/files/{attachment_id}", attachment_file, name="console_file")
    install_dashboard(app)
    app.router.add_static("/console/static/", STATIC_DIR, name="console_static")
