"""The console's error pages: a refusal (404, 403, 409...) under /console/ is a small Chinese page in the console's
style with the same status, or JSON for scripts, instead of aiohttp's plain text."""

from __future__ import annotations

from typing import Final

from aiohttp import web

from bot.console.auth import Handler, wants_json
from bot.console.pages import render

__all__ = ["DEFAULT_MESSAGES", "console_errors"]

#: What a refusal says when its handler gave no Chinese text of its own (e.g. an unknown console address).
DEFAULT_MESSAGES: Final = {
    400: "请求格式不对，请返回上一页后重试。",
    403: "您没有权限进行这个操作，或页面已过期，请刷新后再试。",
    404: "没有找到这个页面或工单，可能已被删除，或您没有查看它的权限。",
    405: "不支持这种操作方式，请从页面上的按钮操作。",
    409: "这张工单刚刚被别人改动过，请刷新页面看看最新状态后再操作。",
    413: "上传的文件太大了，请压缩后再试。",
}
#: Titles of the error page by status.
TITLES: Final = {403: "无法操作", 404: "没有找到", 409: "操作冲突"}


@web.middleware
async def console_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn a plain-text 4xx raised under /console/ into the console's error page (redirects pass through)."""
    try:
        return await handler(request)
    except web.HTTPException as error:
        if not request.path.startswith("/console") or not 400 <= error.status < 500:
            raise
        if error.content_type not in ("text/plain", "application/octet-stream"):
            raise
        message = _message(error)
        if wants_json(request):
            return web.json_response({"error": message}, status=error.status, headers={"Cache-Control": "no-store"})
        title = TITLES.get(error.status, "无法完成")
        context = {"title": title, "message": message, "status": error.status}
        response = await render(request, "error.html", context, status=error.status)
        if error.status == 405 and "Allow" in error.headers:
            response.headers["Allow"] = error.headers["Allow"]
        return response


def _message(error: web.HTTPException) -> str:
    """The handler's own Chinese text, else the default for the status (aiohttp's English "404: Not Found")."""
    text = (error.text or "").strip()
    if text and not text.startswith(f"{error.status}:") and any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return text
    return DEFAULT_MESSAGES.get(error.status, "请求无法完成，请返回上一页后重试。")
