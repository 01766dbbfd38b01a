"""Reading and authenticating Twilio's webhook request.

The form is parsed here, not by the web framework: Sanic drops blank values
(`Body=`), but Twilio signs them, so a media-only message would fail the
signature check. Undecodable bytes become U+FFFD instead of an error.
"""

from __future__ import annotations

from typing import Optional
from urllib.parse import parse_qs

from twilio.request_validator import RequestValidator


class FormParams(dict):
    """name -> list of values, as Twilio's validator expects (it calls getall)."""

    def getall(self, name: str) -> list[str]:
        return self[name]


def parse_form(body: bytes) -> FormParams:
    text = (body or b"").decode("utf-8", errors="replace")
    return FormParams(parse_qs(text, keep_blank_values=True, errors="replace"))


def signature_valid(auth_token: str, public_url: str, form: FormParams, signature: Optional[str]) -> bool:
    """Twilio's own check (HMAC-SHA1 of the public URL and the sorted parameters)."""
    if not auth_token or not public_url or not signature:
        return False
    return RequestValidator(auth_token).validate(public_url, form, signature)
