"""Tell a file's type from its first bytes (never from its name or the sender's claim)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    """What the bytes are: the kind (photo / voice / video) and MIME type."""

    kind: str
    mime: str
    extension: str


_FTYP_BRANDS = {
    b"heic": FileType("photo", "image/heic", "heic"),
    b"heix": FileType("photo", "image/heic", "heic"),
    b"mif1": FileType("photo", "image/heif", "heif"),
    b"msf1": FileType("photo", "image/heif", "heif"),
    b"M4A ": FileType("voice", "audio/mp4", "m4a"),
    b"qt  ": FileType("video", "video/quicktime", "mov"),
}


def sniff(data: bytes) -> FileType | None:
    """The type of `data` from its magic bytes, or None when it is not a photo, voice note or video."""
    head = data[:64]
    if head.startswith(b"\xff\xd8\xff"):
        return FileType("photo", "image/jpeg", "jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileType("photo", "image/png", "png")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return FileType("photo", "image/gif", "gif")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return FileType("photo", "image/webp", "webp")
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return FileType("voice", "audio/wav", "wav")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return _FTYP_BRANDS.get(brand, FileType("video", "video/mp4", "mp4"))
    if head.startswith(b"OggS"):
        return FileType("voice", "audio/ogg", "ogg")
    if head.startswith(b"#!AMR"):
        return FileType("voice", "audio/amr", "amr")
    if head.startswith(b"#!SILK_V3") or head.startswith(b"\x02#!SILK_V3"):
        return FileType("voice", "audio/silk", "silk")
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return FileType("voice", "audio/mpeg", "mp3")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return FileType("video", "video/webm", "webm")
    return None
