"""Reading console POST forms: url-encoded or multipart (a photo streamed with a size limit); CSRF checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from aiohttp import BodyPartReader, web

from bot.console.auth import CSRF_FIELD, csrf_ok

__all__ = ["Form", "FormRefused", "read_form"]

#: The most characters kept of one text field (work done, reason...).
MAX_FIELD_CHARS: Final = 2000
#: The most fields one form may have.
MAX_FIELDS: Final = 30
#: Bytes read at a time from an uploaded file.
_CHUNK: Final = 64 * 1024

NO_CSRF: Final = "安全校验失败（页面可能已过期），请刷新页面后再操作。"
BAD_FORM: Final = "表单格式不对，请刷新页面后再试。"


class FormRefused(Exception):
    """The form is refused before anything happens: `status` and a Chinese `message` for the page."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Form:
    """Text fields (repeated names keep every value) and uploaded files by field name."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)

    def get(self, name: str) -> str:
        """The first value of a field, stripped ('' when absent)."""
        values = self.fields.get(name)
        return values[0].strip() if values else ""


async def read_form(request: web.Request, *, max_file_bytes: int, too_large: str) -> Form:
    """The request's form with its CSRF token checked; raises FormRefused (403 no token, 413 file too large)."""
    form = Form()
    if request.content_type == "multipart/form-data":
        if (
            request.content_length is not None
            and request.content_length > max_file_bytes + MAX_FIELDS * MAX_FIELD_CHARS * 4
        ):
            raise FormRefused(413, too_large)
        reader = await request.multipart()
        count = 0
        while (part := await reader.next()) is not None:
            count += 1
            if count > MAX_FIELDS or not isinstance(part, BodyPartReader) or not part.name:
                raise FormRefused(400, BAD_FORM)
            if part.filename is not None:
                data = await _read_limited(part, max_file_bytes, too_large)
                if data:
                    form.files[part.name] = data
            else:
                text = (await _read_limited(part, MAX_FIELD_CHARS * 4, BAD_FORM)).decode("utf-8", "replace")
                form.fields.setdefault(part.name, []).append(text[:MAX_FIELD_CHARS])
    else:
        posted = await request.post()
        for name, value in posted.items():
            if isinstance(value, str):
                form.fields.setdefault(name, []).append(value[:MAX_FIELD_CHARS])
    if not csrf_ok(request, form.get(CSRF_FIELD) or request.headers.get("X-CSRF-Token")):
        raise FormRefused(403, NO_CSRF)
    return form


async def _read_limited(part: BodyPartReader, limit: int, refusal: str) -> bytes:
    chunks = bytearray()
    while chunk := await part.read_chunk(_CHUNK):
        chunks += chunk
        if len(chunks) > limit:
            raise FormRefused(413 if refusal != BAD_FORM else 400, refusal)
    return bytes(chunks)
