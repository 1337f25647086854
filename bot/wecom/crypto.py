"""WeCom callback crypto (WXBizMsgCrypt): SHA-1 signatures and AES-256-CBC with PKCS#7 to 32-byte blocks.

The plaintext is 16 random bytes, the message length (4 bytes, big-endian), the message, and the receive id
(the CorpID), which decryption checks. AES comes from `cryptography`; the framing follows WeCom's spec.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct
from typing import Final

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

__all__ = ["BadCiphertext", "BadReceiveId", "BadSignature", "CryptoError", "WeComCrypto", "signature"]

#: PKCS#7 pads to 32-byte blocks here (WeCom's choice), not AES's 16.
BLOCK_BITS: Final = 256


class CryptoError(ValueError):
    """A callback that cannot be trusted or read."""


class BadSignature(CryptoError):
    """msg_signature does not match token, timestamp, nonce and the ciphertext."""


class BadCiphertext(CryptoError):
    """The ciphertext is not base64, not whole AES blocks, badly padded or badly framed."""


class BadReceiveId(CryptoError):
    """The message decrypted, but was meant for another corp (receive id mismatch)."""


def signature(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    """WeCom's msg_signature: SHA-1 of the four values sorted and joined."""
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, encrypted])).encode()).hexdigest()


class WeComCrypto:
    """Checks, decrypts and encrypts callback payloads for one app (token, EncodingAESKey, CorpID)."""

    def __init__(self, token: str, encoding_aes_key: str, receive_id: str) -> None:
        try:
            key = base64.b64decode(encoding_aes_key + "=", validate=True)
        except binascii.Error:
            raise ValueError("EncodingAESKey is not base64") from None
        if len(key) != 32:
            raise ValueError("EncodingAESKey must decode to 32 bytes (43 characters)")
        self._token = token
        self._key = key
        self._receive_id = receive_id

    def verify(self, msg_signature: str, timestamp: str, nonce: str, encrypted: str) -> None:
        """Raise BadSignature unless `msg_signature` signs these values."""
        expected = signature(self._token, timestamp, nonce, encrypted)
        if not hmac.compare_digest(expected, msg_signature.lower()):
            raise BadSignature("msg_signature does not match")

    def verify_url(self, msg_signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        """URL verification (GET): check the signature and return the decrypted echostr."""
        self.verify(msg_signature, timestamp, nonce, echostr)
        return self.decrypt(echostr).decode("utf-8")

    def open(self, msg_signature: str, timestamp: str, nonce: str, encrypted: str) -> bytes:
        """A message callback's `Encrypt`: check the signature, decrypt, check the receive id; the XML bytes."""
        self.verify(msg_signature, timestamp, nonce, encrypted)
        return self.decrypt(encrypted)

    def seal(self, message: bytes, timestamp: str, nonce: str) -> tuple[str, str]:
        """Encrypt and sign `message` (a passive reply, or WeCom's side in tests): (Encrypt, MsgSignature)."""
        encrypted = self.encrypt(message)
        return encrypted, signature(self._token, timestamp, nonce, encrypted)

    def decrypt(self, encrypted: str) -> bytes:
        """The message inside `encrypted`; raises BadCiphertext or BadReceiveId."""
        try:
            data = base64.b64decode(encrypted, validate=True)
        except (binascii.Error, ValueError):
            raise BadCiphertext("not base64") from None
        if not data or len(data) % 16:
            raise BadCiphertext("not whole AES blocks")
        decryptor = self._cipher().decryptor()
        padded = decryptor.update(data) + decryptor.finalize()
        unpadder = padding.PKCS7(BLOCK_BITS).unpadder()
        try:
            plain = unpadder.update(padded) + unpadder.finalize()
        except ValueError:
            raise BadCiphertext("bad padding") from None
        if len(plain) < 20:
            raise BadCiphertext("too short")
        (length,) = struct.unpack(">I", plain[16:20])
        if 20 + length > len(plain):
            raise BadCiphertext("length beyond the data")
        message, receive_id = plain[20 : 20 + length], plain[20 + length :]
        if not hmac.compare_digest(receive_id, self._receive_id.encode()):
            raise BadReceiveId("receive id is not our corp id")
        return message

    def encrypt(self, message: bytes, *, random: bytes | None = None) -> str:
        """Frame, pad and encrypt `message` for our receive id; base64 text."""
        prefix = os.urandom(16) if random is None else random
        if len(prefix) != 16:
            raise ValueError("random prefix must be 16 bytes")
        plain = prefix + struct.pack(">I", len(message)) + message + self._receive_id.encode()
        padder = padding.PKCS7(BLOCK_BITS).padder()
        padded = padder.update(plain) + padder.finalize()
        encryptor = self._cipher().encryptor()
        return base64.b64encode(encryptor.update(padded) + encryptor.finalize()).decode("ascii")

    def _cipher(self) -> Cipher[modes.CBC]:
        return Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16]))
