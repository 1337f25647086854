"""WeCom callback crypto: the official vector (from wechatpy's tests), round trips, and every refusal."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.wecom.crypto import BadCiphertext, BadReceiveId, BadSignature, WeComCrypto, signature

TOKEN = "123456"
AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
CORP_ID = "wx49f0ab532d5d035a"
ECHOSTR = "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=="
CRYPTO = WeComCrypto(TOKEN, AES_KEY, CORP_ID)


def test_the_official_url_verification_vector() -> None:
    answer = CRYPTO.verify_url("dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", "1411443780", "437374425", ECHOSTR)
    assert answer == "5927782489442352469"


def test_the_vector_with_another_nonce_is_rejected() -> None:
    with pytest.raises(BadSignature):
        CRYPTO.verify_url("dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", "1411443780", "437374424", ECHOSTR)


def test_the_vector_decrypted_for_another_corp_is_rejected() -> None:
    other = WeComCrypto(TOKEN, AES_KEY, "ww-someone-else")
    with pytest.raises(BadReceiveId):
        other.verify_url("dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", "1411443780", "437374425", ECHOSTR)


@given(st.binary(max_size=3000))
def test_round_trip_of_any_message(message: bytes) -> None:
    encrypted, signed = CRYPTO.seal(message, "1700000000", "nonce")
    assert CRYPTO.open(signed, "1700000000", "nonce", encrypted) == message


def test_padding_fills_32_byte_blocks() -> None:
    for size in range(0, 70):
        raw = base64.b64decode(CRYPTO.encrypt(b"x" * size))
        assert len(raw) % 32 == 0
        assert len(raw) - (20 + size + len(CORP_ID)) in range(1, 33)


def test_signature_is_sha1_of_the_sorted_values() -> None:
    assert signature("b", "a", "d", "c") == signature("a", "b", "c", "d")
    assert signature("1", "2", "3", "4") != signature("1", "2", "3", "5")


@pytest.mark.parametrize(
    "encrypted",
    [
        "not base64!!",
        base64.b64encode(b"short").decode(),
        base64.b64encode(bytes(32)).decode(),  # decrypts to garbage padding
    ],
)
def test_garbage_is_refused(encrypted: str) -> None:
    with pytest.raises(BadCiphertext):
        CRYPTO.decrypt(encrypted)


def test_a_tampered_ciphertext_fails_the_signature() -> None:
    encrypted, signed = CRYPTO.seal(b"<xml/>", "1", "n")
    tampered = ("A" if encrypted[0] != "A" else "B") + encrypted[1:]
    with pytest.raises(BadSignature):
        CRYPTO.open(signed, "1", "n", tampered)


def test_a_bad_key_is_refused_at_once() -> None:
    with pytest.raises(ValueError):
        WeComCrypto(TOKEN, "short", CORP_ID)
