"""A content-addressed file store: each file once, at `<root>/<sha[:2]>/<sha[2:4]>/<sha>`."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


class FileStore:
    """Files named by their sha256 under `root`; writing the same bytes twice stores them once."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        """Where the file with this digest lives."""
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a sha256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        """Store `data` (atomically: temp file, fsync, rename); returns its sha256."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_for(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return digest

    def get(self, sha256: str) -> bytes:
        """The stored bytes; raises FileNotFoundError."""
        return self.path_for(sha256).read_bytes()

    def exists(self, sha256: str) -> bool:
        """True when the file is stored."""
        return self.path_for(sha256).exists()
