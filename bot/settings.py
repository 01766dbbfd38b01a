"""Runtime settings, read from the environment when asked, never at import."""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENTS = ("development", "production")
# Where development keeps its generated encryption key (var/ is git-ignored).
DEVELOPMENT_KEY_FILE = PROJECT_ROOT / "var" / "secret.key"
_GENERATE_KEY_HINT = (
    "generate one with: .venv/bin/python -c "
    "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
)


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
    # Fernet key(s) for data at rest, comma-separated, newest first (rotation).
    secret_key: str = field(repr=False)
    # Where citizens reach the web app (links in the chat, e.g. the .ics of a booking).
    public_url: str = ""

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
        secret_key = _secret_key(env, environment)
        public_url = env.get("WEGWIJS_PUBLIC_URL", "").strip().rstrip("/")
        if not public_url:
            if environment == "production":
                raise SettingsError("WEGWIJS_PUBLIC_URL (the web app's public address, https://...) is required in production")
            public_url = f"http://localhost:{web_port}"
        return cls(
            environment=environment,
            database_url=database_url,
            municipality_file=Path(env.get("WEGWIJS_MUNICIPALITY", PROJECT_ROOT / "config" / "municipality.yml")),
            chat_origins=origins or ("http://localhost:8000", "http://127.0.0.1:8000"),
            socket_url=env.get("WEGWIJS_SOCKET_URL") or None,
            web_host=env.get("WEGWIJS_WEB_HOST", "127.0.0.1" if environment == "development" else "0.0.0.0"),
            web_port=web_port,
            secret_key=secret_key,
            public_url=public_url,
        )


def _secret_key(env: Mapping[str, str], environment: str) -> str:
    """WEGWIJS_SECRET_KEY, else WEGWIJS_SECRET_KEY_FILE; development makes one once."""
    value = env.get("WEGWIJS_SECRET_KEY", "").strip()
    key_file = env.get("WEGWIJS_SECRET_KEY_FILE", "").strip()
    if not value and key_file:
        try:
            value = Path(key_file).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise SettingsError(f"WEGWIJS_SECRET_KEY_FILE cannot be read: {error}") from None
    if not value:
        if environment != "development":
            raise SettingsError(f"WEGWIJS_SECRET_KEY is required in {environment}; {_GENERATE_KEY_HINT}")
        value = development_secret_key(DEVELOPMENT_KEY_FILE)
    check_secret_key(value)
    return value


def check_secret_key(value: str) -> None:
    """Raises SettingsError unless `value` is one or more real Fernet keys."""
    keys = [k.strip() for k in value.split(",")]
    for number, key in enumerate(keys, start=1):
        try:
            raw = base64.urlsafe_b64decode(key.encode("ascii"))
        except (binascii.Error, UnicodeEncodeError, ValueError):
            raw = b""
        if len(raw) != 32:
            raise SettingsError(
                f"WEGWIJS_SECRET_KEY key {number} is not a Fernet key (32 url-safe base64 bytes); {_GENERATE_KEY_HINT}"
            )
        # A placeholder ("AAAA...", a repeated pattern) is not random: 32 random
        # bytes have ~30 distinct values, a placeholder only a few.
        if len(set(raw)) < 12:
            raise SettingsError(f"WEGWIJS_SECRET_KEY key {number} is a placeholder, not a random key; {_GENERATE_KEY_HINT}")


def development_secret_key(path: Path) -> str:
    """The key in `path`, created once (atomically, mode 0600) if it is missing."""
    from cryptography.fernet import Fernet

    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(Fernet.generate_key().decode("ascii") + "\n")
        try:
            os.link(draft, path)  # fails if another process was first: keep theirs
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text(encoding="ascii").strip()
