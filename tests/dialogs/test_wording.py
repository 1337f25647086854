"""The wording file: complete, free of banned phrases, and editable by a company without touching code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dialogs.wording import BANNED_PHRASES, WordingError, default_wording, load_wording

DIALOGS = Path(__file__).resolve().parents[2] / "dialogs"


def test_every_key_the_code_uses_exists() -> None:
    wording = default_wording()
    used = set()
    for path in DIALOGS.rglob("*.py"):
        used |= set(re.findall(r'(?:\bw|wording)\("([a-z_]+\.[a-z_.]+)"', path.read_text(encoding="utf-8")))
    assert used, "the scan found no keys"
    assert sorted(k for k in used if k not in wording) == []


def test_no_banned_phrase_in_the_shipped_wording() -> None:
    wording = default_wording()
    for key in wording:
        assert not any(p in wording(key, **dict.fromkeys(wording.placeholders(key), "x")) for p in BANNED_PHRASES)


def test_a_company_override_changes_only_its_keys(tmp_path: Path) -> None:
    path = tmp_path / "wording.toml"
    path.write_text('[router]\nhelp = "您好，这里是阳光物业，请问有什么可以帮您？"\n', encoding="utf-8")
    wording = load_wording(path)
    assert wording("router.help").startswith("您好，这里是阳光物业")
    assert wording("menu.repair") == default_wording()("menu.repair")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[router]\nhelp = "这个我不知道"\n', "banned phrase"),
        ('[router]\nhelpp = "您好"\n', "unknown key"),
        ('[commit]\nrepair = "单号 {numbr}"\n', "unknown placeholder"),
        ("[router\n", "wording.toml"),
    ],
)
def test_a_bad_override_is_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "wording.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WordingError, match=message):
        load_wording(path)
