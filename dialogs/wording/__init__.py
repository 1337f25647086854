"""Every resident-facing sentence, from one editable file (`zh_CN.toml`), with a company's overrides.

A company copies keys into its own TOML and passes the file to `load_wording`; every key it does not
set keeps the default. Banned phrases (service-policy §1: 不知道 / 不清楚 / 这不归我管) are refused at
load time, so no edit can put them in front of a resident.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from string import Formatter
from typing import Any, Final

#: The shipped wording.
DEFAULT_WORDING_PATH: Final = Path(__file__).with_name("zh_CN.toml")
#: Phrases a resident must never read (001 服务规范).
BANNED_PHRASES: Final = ("不知道", "不清楚", "这不归我管", "不归我管", "不关我的事")


class WordingError(ValueError):
    """A wording file is unreadable, names an unknown key, or contains a banned phrase."""


class Wording:
    """Look up a sentence by dotted key and fill its `{placeholders}`."""

    def __init__(self, table: Mapping[str, str]) -> None:
        self._table = dict(table)

    def __call__(self, key: str, **values: Any) -> str:
        """The sentence `key` with `values` filled in; raises KeyError for an unknown key."""
        template = self._table[key]
        return template.format(**values) if values else template

    def __contains__(self, key: str) -> bool:
        return key in self._table

    def __iter__(self) -> Iterator[str]:
        """Every key, sorted."""
        return iter(sorted(self._table))

    def placeholders(self, key: str) -> set[str]:
        """The names a sentence expects (used by tests and by overrides' validation)."""
        return {name for _, name, _, _ in Formatter().parse(self._table[key]) if name}


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{path}."))
        elif isinstance(value, str):
            flat[path] = value
        else:
            raise WordingError(f"{path}: must be text, got {type(value).__name__}")
    return flat


def _check(table: Mapping[str, str]) -> None:
    for key, text in table.items():
        for phrase in BANNED_PHRASES:
            if phrase in text:
                raise WordingError(f"{key}: contains the banned phrase {phrase!r}")


@cache
def default_wording() -> Wording:
    """The shipped wording (cached)."""
    table = _flatten(tomllib.loads(DEFAULT_WORDING_PATH.read_text(encoding="utf-8")))
    _check(table)
    return Wording(table)


def load_wording(path: str | Path | None = None) -> Wording:
    """The default wording with a company's file laid over it; raises WordingError."""
    base = default_wording()
    if path is None:
        return base
    try:
        override = _flatten(tomllib.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise WordingError(f"{path}: {error}") from error
    table = dict(base._table)
    for key, text in override.items():
        if key not in table:
            raise WordingError(f"{key}: unknown key")
        # Leaving a placeholder out is allowed (a company may say less); an unknown one is not.
        extra = Wording({key: text}).placeholders(key) - base.placeholders(key)
        if extra:
            raise WordingError(f"{key}: unknown placeholder(s) {', '.join(sorted(extra))}")
        table[key] = text
    _check(table)
    return Wording(table)


__all__ = ["BANNED_PHRASES", "DEFAULT_WORDING_PATH", "Wording", "WordingError", "default_wording", "load_wording"]
