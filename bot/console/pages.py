"""Rendering console pages: the Jinja2 environment (autoescaped), shared page context and security headers."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.console.auth import CSRF_FIELD, csrf_token, current_staff
from bot.console.labels import role_label

__all__ = ["PAGE_HEADERS", "STATIC_DIR", "TEMPLATES_DIR", "render", "setup_templates"]

#: Where the page templates live (base.html is the layout every console page extends).
TEMPLATES_DIR: Final = Path(__file__).resolve().parent / "templates"
#: The console's own style sheet and scripts (no CDN).
STATIC_DIR: Final = Path(__file__).resolve().parent / "static"
#: Pages load only their own scripts, styles and images, may not be framed, and are never cached.
PAGE_HEADERS: Final = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def setup_templates(app: web.Application) -> None:
    """The app's Jinja2 environment over TEMPLATES_DIR, with autoescape on for every template."""
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


async def render(request: web.Request, template: str, context: dict[str, Any], *, status: int = 200) -> web.Response:
    """Render a console page with the signed-in staff member, their role label and the CSRF token in context."""
    staff = await current_staff(request)
    base = {
        "me": staff,
        "my_role": role_label(staff.role) if staff is not None else "",
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token(request),
        "path": request.path,
    }
    response = aiohttp_jinja2.render_template(template, request, base | context, status=status)
    response.headers.update(PAGE_HEADERS)
    return response
