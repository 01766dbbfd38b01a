"""Privacy lifecycle (art. 6 of the 2018 GBO decision, GDPR art. 5, 15 and 17).

- masking:     phone numbers, e-mail addresses, national register numbers and
               IBANs in free text become placeholders before anything stores or
               logs the text (the inbound gate, bot.inbound.inbound_text)
- sealing:     the contact details a booking needs travel encrypted beside the text
- ratelimit:   a per-sender limit at the inbound gate
- erasure:     "delete my data", from every store, with a pseudonymised receipt
- access:      "what do you know about me?", in plain words
- retention:   `purge_expired(engine, policy, now) -> PurgeReport`, for the worker
               (or `wegwijs privacy purge` from cron)

No Rasa imports here. The heavier parts are imported on first use, so the
inbound gate's masking stays cheap to import.
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "mask_personal_data": "bot.privacy.masking",
    "MaskedText": "bot.privacy.masking",
    "Sealer": "bot.privacy.sealing",
    "SenderRateLimiter": "bot.privacy.ratelimit",
    "erase_conversation": "bot.privacy.erasure",
    "finish_tracker_erasure": "bot.privacy.erasure",
    "ErasureReport": "bot.privacy.erasure",
    "ERASE_SIGNAL": "bot.privacy.erasure",
    "HeldData": "bot.privacy.access",
    "describe": "bot.privacy.access",
    "RetentionPolicy": "bot.privacy.retention",
    "PurgeReport": "bot.privacy.retention",
    "purge_expired": "bot.privacy.retention",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'bot.privacy' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_EXPORTS[name]), name)
