"""jieba with the property-domain dictionary, loaded once per process; its prefix dictionary is cached on disk."""

from __future__ import annotations

import logging
import os
import tempfile
from functools import cache
from pathlib import Path

import jieba

DATA_DIR = Path(__file__).parent / "data"
USER_DICT = DATA_DIR / "userdict.txt"


def _cache_dir() -> str:
    """Where jieba keeps its prefix-dictionary cache: $WUYE_CACHE_DIR, else ~/.cache/wuye-desk, else the temp dir."""
    configured = os.environ.get("WUYE_CACHE_DIR")
    candidates = [Path(configured)] if configured else []
    candidates.append(Path.home() / ".cache" / "wuye-desk")
    for candidate in candidates:
        try:
            candidate.mkdir(parents=True, exist_ok=True)
            if os.access(candidate, os.W_OK):
                return str(candidate)
        except OSError:
            continue
    return tempfile.gettempdir()


@cache
def tokenizer() -> jieba.Tokenizer:
    """The process-wide jieba tokenizer with the domain words added (first call loads it)."""
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.tmp_dir = _cache_dir()
    tok.initialize()
    tok.load_userdict(str(USER_DICT))
    return tok


def tokens(text: str) -> list[str]:
    """Words of a normalised text, without spaces (jieba accurate mode, HMM for unknown words)."""
    return [w for w in tokenizer().lcut(text) if w.strip()]
