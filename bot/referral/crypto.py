"""Encryption at rest for handover payloads and contact details (Fernet).

The key comes from `Settings.secret_key` (WEGWIJS_SECRET_KEY): one or more
Fernet keys, comma-separated, newest first. New data is encrypted with the
first; older keys still decrypt, so a key can be rotated without downtime.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class FieldCipher:
    def __init__(self, secret_key: str) -> None:
        keys = [k.strip() for k in secret_key.split(",") if k.strip()]
        if not keys:
            raise ValueError("no encryption key")
        self._fernet = MultiFernet([Fernet(k.encode("ascii")) for k in keys])
        # Pseudonyms use the oldest key, so adding a new key does not change them.
        oldest = base64.urlsafe_b64decode(keys[-1].encode("ascii"))
        self._pseudonym_key = hashlib.sha256(b"wegwijs pseudonym\0" + oldest).digest()

    @classmethod
    def from_settings(cls, settings: Any) -> "FieldCipher":
        return cls(settings.secret_key)

    def encrypt_json(self, value: Any) -> str:
        return self._fernet.encrypt(json.dumps(value, ensure_ascii=False).encode("utf-8")).decode("ascii")

    def decrypt_json(self, token: str) -> Any:
        try:
            return json.loads(self._fernet.decrypt(token.encode("ascii")).decode("utf-8"))
        except InvalidToken:
            raise ValueError("stored data cannot be decrypted with WEGWIJS_SECRET_KEY (wrong or rotated-out key)") from None

    def pseudonym(self, value: str) -> str:
        """A keyed hash: the same conversation gives the same pseudonym, but an
        SMS sender id (a phone number) cannot be guessed back from it."""
        return hmac.new(self._pseudonym_key, value.encode("utf-8"), hashlib.sha256).hexdigest()
