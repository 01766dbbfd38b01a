"""Runtime settings, read from the environment when asked, never at import."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENTS = ("development", "production")


class SettingsError(ValueError):
    """A setting is missing or wrong; start-up must stop."""


@dataclass(frozen=True)
class Settings:
    environment: str
    database_url: str
    municipality_file: Path
    chat_origins: tuple[str, ...]
    socket_url: Optional[str]
    web_host: str
    web_port: int

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "Settings":
        env = os.environ if environ is None else environ
        environment = env.get("WEGWIJS_ENV", "development")
        if environment not in ENVIRONMENTS:
            raise SettingsError(f"WEGWIJS_ENV must be one of {', '.join(ENVIRONMENTS)}, not {environment!r}")
        database_url = env.get("WEGWIJS_DATABASE_URL", "")
        if not database_url:
            if environment == "production":
                raise SettingsError("WEGWIJS_DATABASE_URL is required in production")
            database_url = f"sqlite:///{PROJECT_ROOT / 'var' / 'wegwijs.db'}"
        origins = tuple(o.strip() for o in env.get("WEGWIJS_CHAT_ORIGINS", "").split(",") if o.strip())
        if environment == "production" and not origins:
            raise SettingsError("WEGWIJS_CHAT_ORIGINS (the sites that may embed the chat) is required in production")
        try:
            web_port = int(env.get("WEGWIJS_WEB_PORT", "8000"))
        except ValueError:
            raise SettingsError("WEGWIJS_WEB_PORT must be a number") from None
        return cls(
            environment=environment,
            database_url=database_url,
            municipality_file=Path(env.get("WEGWIJS_MUNICIPALITY", PROJECT_ROOT / "config" / "municipality.yml")),
            chat_origins=origins or ("http://localhost:8000", "http://127.0.0.1:8000"),
            socket_url=env.get("WEGWIJS_SOCKET_URL") or None,
            web_host=env.get("WEGWIJS_WEB_HOST", "127.0.0.1" if environment == "development" else "0.0.0.0"),
            web_port=web_port,
        )
