"""The SMS channel's settings, read from the environment when the channel is built.

Production refuses to start without what keeps the webhook safe (the auth
token, the public URL; the secret key is checked by bot.settings) and what it
needs to reply (account sid, sender number or messaging service).
Development runs without Twilio, but then the webhook refuses every request
(403): it fails closed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional

from bot.settings import Settings, SettingsError

DEFAULT_API_BASE_URL = "https://api.twilio.com"


@dataclass(frozen=True)
class SmsSettings:
    environment: str
    account_sid: str
    auth_token: str = field(repr=False)
    from_number: str
    messaging_service_sid: str
    public_url: str
    api_base_url: str
    database_url: str
    municipality_file: Path
    # bot.settings' Fernet key(s), comma-separated, newest first.
    secret_key: str = field(repr=False)

    @property
    def missing(self) -> tuple[str, ...]:
        """Names of the settings without which the webhook stays closed."""
        needed = {
            "TWILIO_ACCOUNT_SID": self.account_sid,
            "TWILIO_AUTH_TOKEN": self.auth_token,
            "TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID": self.from_number or self.messaging_service_sid,
            "SMS_PUBLIC_URL": self.public_url,
        }
        return tuple(name for name, value in needed.items() if not value)

    @property
    def accepts_webhooks(self) -> bool:
        return not self.missing

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "SmsSettings":
        env = os.environ if environ is None else environ
        common = Settings.from_env(env)  # database, municipality, secret key (and their checks)

        def value(name: str) -> str:
            return (env.get(name) or "").strip()

        settings = cls(
            environment=common.environment,
            account_sid=value("TWILIO_ACCOUNT_SID"),
            auth_token=value("TWILIO_AUTH_TOKEN"),
            from_number=value("TWILIO_FROM_NUMBER"),
            messaging_service_sid=value("TWILIO_MESSAGING_SERVICE_SID"),
            public_url=value("SMS_PUBLIC_URL"),
            api_base_url=(value("TWILIO_API_BASE_URL") or DEFAULT_API_BASE_URL).rstrip("/"),
            database_url=common.database_url,
            municipality_file=common.municipality_file,
            secret_key=common.secret_key,
        )
        if common.is_production:
            if settings.missing:
                raise SettingsError(f"the SMS channel needs {', '.join(settings.missing)} in production")
            if not settings.public_url.startswith("https://"):
                raise SettingsError("SMS_PUBLIC_URL must be the https:// address Twilio calls")
        return settings
