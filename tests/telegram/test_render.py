"""Outgoing payloads as Telegram markup: rows, big buttons one per row, the 64-byte callback limit, the menu."""

from __future__ import annotations

from bot.telegram.render import MAX_CALLBACK_BYTES, inline_markup, menu_keyboard, menu_payloads
from dialogs import default_wording
from dialogs.staff_work import STAFF_PAYLOAD


def test_rows_stay_rows_and_large_buttons_get_a_row_each() -> None:
    payload = {"buttons": [[{"label": "确认", "payload": "a"}, {"label": "取消", "payload": "b"}]]}
    assert [[b.text for b in row] for row in inline_markup(payload).inline_keyboard] == [["确认", "取消"]]
    large = inline_markup(payload | {"large": True})
    assert [[b.text for b in row] for row in large.inline_keyboard] == [["确认"], ["取消"]]
    assert inline_markup({"buttons": []}) is None


def test_our_longest_payloads_fit_and_an_oversized_one_is_dropped_not_sent() -> None:
    longest = [
        f"{STAFF_PAYLOAD}assign:{10**12}:{10**9}",
        f"callback:{10**12}:attitude:5",
        f"confirm:{10**12}:yes",
    ]
    assert all(len(p.encode()) <= MAX_CALLBACK_BYTES for p in longest)
    payload = {"buttons": [[{"label": "好", "payload": longest[0]}, {"label": "坏", "payload": "x" * 65}]]}
    assert [b.callback_data for row in inline_markup(payload).inline_keyboard for b in row] == [longest[0]]


def test_the_menu_keys_send_payloads_the_dialogs_know() -> None:
    words = default_wording()
    keyboard = menu_keyboard(words)
    labels = [key.text for row in keyboard.keyboard for key in row]
    assert keyboard.is_persistent
    # The same keys as the in-chat menu of the dialogs, including the elderly residents' way in (语音报修, 老人模式).
    assert [menu_payloads(words)[label] for label in labels] == [
        "menu:repair",
        "menu:complaint",
        "menu:inquiry",
        "menu:status",
        "menu:booking",
        "menu:voice",
        "menu:elderly",
    ]
