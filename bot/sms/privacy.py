"""Phone numbers never in clear: a keyed hash as the conversation key, Fernet at rest.

Both keys are derived (HKDF-SHA256) from the project's secret key
(bot.settings), one per purpose, so the sender id cannot be reversed without
the secret and the encryption key is never the hashing key. With several keys
(rotation, newest first) numbers are encrypted with the newest and decrypted
with any; the sender id stays on the oldest key, so a rotation does not cut
conversations off from their history.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SENDER_PREFIX = "sms_"
_NOT_DIGITS = re.compile(r"[^\d+]")


def _derive(secret: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret)


def _raw_key(key: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(key.strip().encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raw = b""
    if len(raw) != 32:
        raise ValueError("the secret key must be a Fernet key (cryptography.fernet.Fernet.generate_key())")
    return raw


def normalise_phone(raw: str) -> str:
    """E.164 as Twilio sends it: '+32 470/12.34.56' and '0032470123456' -> '+32470123456'."""
    digits = _NOT_DIGITS.sub("", (raw or "").strip())
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    return digits


class PhoneVault:
    """Turns a phone number into a sender id and a ciphertext, and back for sending."""

    def __init__(self, secret_key: str) -> None:
        """`secret_key`: bot.settings' Fernet key(s), comma-separated, newest first."""
        keys = [_raw_key(key) for key in secret_key.split(",")]
        self._hash_key = _derive(keys[-1], b"wegwijs/sms/sender-id/v1")
        self._fernet = MultiFernet(
            [Fernet(base64.urlsafe_b64encode(_derive(key, b"wegwijs/sms/phone-number/v1"))) for key in keys]
        )

    def sender_id(self, phone: str) -> str:
        """The tracker's sender id for a number: 'sms_' + 32 hex characters of HMAC-SHA256."""
        digest = hmac.new(self._hash_key, normalise_phone(phone).encode("utf-8"), hashlib.sha256).hexdigest()
        return SENDER_PREFIX + digest[:32]

    def encrypt(self, text: str) -> str:
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """The clear text; raises ValueError if the token is not ours or was changed."""
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError) as error:
            raise ValueError("cannot decrypt: wrong key or damaged value") from error
