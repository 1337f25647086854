"""File types come from the bytes."""

from __future__ import annotations

import pytest

from storage.attachments import sniff


@pytest.mark.parametrize(
    ("head", "kind", "mime"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "photo", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "photo", "image/png"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "photo", "image/webp"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00", "photo", "image/heic"),
        (b"\x00\x00\x00\x18ftypisom\x00\x00", "video", "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00", "video", "video/quicktime"),
        (b"OggS\x00\x02", "voice", "audio/ogg"),
        (b"#!AMR\n", "voice", "audio/amr"),
        (b"\x02#!SILK_V3", "voice", "audio/silk"),
        (b"ID3\x04\x00", "voice", "audio/mpeg"),
    ],
)
def test_known_types(head: bytes, kind: str, mime: str) -> None:
    found = sniff(head + b"\x00" * 32)
    assert found is not None and (found.kind, found.mime) == (kind, mime)


@pytest.mark.parametrize("data", [b"", b"%PDF-1.7", b"MZ\x90\x00", "照片".encode()])
def test_unknown_types(data: bytes) -> None:
    assert sniff(data) is None
