"""Sending one SMS through Twilio's Messages API with the official client.

Blocking (the `twilio` client uses requests): callers on an event loop run
`send` in an executor. Twilio's 429 and 5xx, and network errors, are retried
with exponential backoff; error 21610 (the number sent STOP) is an outcome,
not a crash. Nothing here logs a phone number or a message text: Twilio's
error messages can quote the number, so only status and code are kept.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Callable, Optional

from requests.exceptions import RequestException
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

logger = logging.getLogger(__name__)

SENT = "sent"
OPTED_OUT = "opted_out"
FAILED = "failed"

OPTED_OUT_CODE = 21610  # "Attempt to send to unsubscribed recipient"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class SendResult:
    status: str  # SENT | OPTED_OUT | FAILED
    twilio_sid: Optional[str] = None
    error_code: Optional[int] = None
    http_status: Optional[int] = None
    attempts: int = 1


class TwilioSender:
    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_number: str = "",
        messaging_service_sid: str = "",
        api_base_url: str = "https://api.twilio.com",
        attempts: int = 4,
        backoff_seconds: float = 0.5,
        timeout_seconds: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not (from_number or messaging_service_sid):
            raise ValueError("a sender number or messaging service sid is needed")
        self._client = Client(account_sid, auth_token, http_client=TwilioHttpClient(timeout=timeout_seconds))
        self._client.api.base_url = api_base_url.rstrip("/")
        self._sender = {"messaging_service_sid": messaging_service_sid} if messaging_service_sid else {"from_": from_number}
        self._attempts = max(1, attempts)
        self._backoff = backoff_seconds
        self._sleep = sleep

    def send(self, to: str, body: str) -> SendResult:
        """Sends `body` to `to`; retries what may succeed later; never raises for Twilio errors."""
        last: Optional[SendResult] = None
        for attempt in range(1, self._attempts + 1):
            try:
                message = self._client.messages.create(to=to, body=body, **self._sender)
                return SendResult(SENT, twilio_sid=message.sid, http_status=201, attempts=attempt)
            except TwilioRestException as error:
                if error.code == OPTED_OUT_CODE:
                    return SendResult(OPTED_OUT, error_code=error.code, http_status=error.status, attempts=attempt)
                last = SendResult(FAILED, error_code=error.code, http_status=error.status, attempts=attempt)
                retry = error.status in RETRY_STATUSES
                logger.warning("Twilio refused a message: HTTP %s, code %s (attempt %d)", error.status, error.code, attempt)
            except RequestException as error:
                last = SendResult(FAILED, attempts=attempt)
                retry = True
                logger.warning("Twilio not reachable: %s (attempt %d)", type(error).__name__, attempt)
            if not retry or attempt == self._attempts:
                break
            self._sleep(self._backoff * 2 ** (attempt - 1))
        assert last is not None
        return last
