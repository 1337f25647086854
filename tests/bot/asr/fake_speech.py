"""A stand-in for an OpenAI-compatible speech service (whisper.cpp server, FunASR…): `POST
/v1/audio/transcriptions` with a multipart `file`, answering `{"text": ...}` — recognised by Vosk, so the
audio really has to arrive intact. `status` and `reply` force failures."""

from __future__ import annotations

import io
import wave
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.asr import VoskEngine


class FakeSpeechService:
    def __init__(self, engine: VoskEngine) -> None:
        self.engine = engine
        self.requests: list[dict[str, Any]] = []
        self.status = 200
        self.reply: str | None = None  # a raw body instead of the transcript
        app = web.Application()
        app.router.add_post("/v1/audio/transcriptions", self.transcriptions)
        self.server = TestServer(app)

    @property
    def url(self) -> str:
        return str(self.server.make_url("/"))

    async def transcriptions(self, request: web.Request) -> web.Response:
        reader = await request.multipart()
        fields: dict[str, Any] = {}
        while (part := await reader.next()) is not None:
            data = await part.read()  # type: ignore[union-attr]
            name, filename = part.name, part.filename  # type: ignore[union-attr]
            fields[name] = (filename, part.headers.get("Content-Type"), data) if filename else data.decode()
        self.requests.append(fields)
        if "file" not in fields:
            return web.json_response({"error": {"message": "file is required"}}, status=400)
        if self.status != 200:
            return web.json_response({"error": {"message": "overloaded"}}, status=self.status)
        if self.reply is not None:
            return web.Response(text=self.reply, content_type="application/json")
        with wave.open(io.BytesIO(fields["file"][2])) as wav:
            assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (16_000, 1, 2)
            pcm = wav.readframes(wav.getnframes())
        words = self.engine.recognize(pcm)
        return web.json_response({"text": " ".join(words)})  # a spaced answer, as some services give
