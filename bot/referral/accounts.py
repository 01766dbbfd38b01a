"""Caseworker accounts per organisation: inbox passwords, API tokens, sessions.

Passwords: scrypt (n=2^14, r=8, p=1) with a per-account salt. API tokens and
session cookies are random; only their SHA-256 is stored and compared in
constant time. Sessions live in the database and expire after 30 idle
minutes or 8 hours. After 5 wrong passwords in 15 minutes an account is
locked for the rest of those 15 minutes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.referral import audit
from bot.referral.audit import Actor
from bot.referral.errors import AccountError, LoginRefused, TooManyAttempts
from bot.referral.slots import Clock, utcnow
from bot.referral.tables import account_table, audit_table, session_table

ROLES: tuple[str, ...] = ("caseworker", "coordinator", "admin")
MIN_PASSWORD_LENGTH = 12
SESSION_IDLE = timedelta(minutes=30)
SESSION_MAX = timedelta(hours=8)
LOCKOUT_WINDOW = timedelta(minutes=15)
LOCKOUT_FAILURES = 5
_SCRYPT = dict(n=2**14, r=8, p=1, dklen=32)
TOKEN_PREFIX = "wgw_"


@dataclass(frozen=True)
class Account:
    id: str
    org_id: str
    name: str
    role: str

    def actor(self, kind: str) -> Actor:
        """`kind` is `user` (inbox) or `token` (API)."""
        return Actor(kind, self.id, self.org_id, self.name, self.role)


@dataclass(frozen=True)
class NewAccount:
    account: Account
    token: str  # shown once, stored only as a hash
    password: Optional[str]  # the generated password, shown once; None if one was given


@dataclass(frozen=True)
class Session:
    account: Account
    csrf: str


@dataclass(frozen=True)
class SessionTicket:
    cookie: str  # the cookie value; only its hash is stored
    csrf: str
    expires_at: datetime


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, **_SCRYPT)
    return "scrypt${n}${r}${p}${salt}${digest}".format(
        n=_SCRYPT["n"], r=_SCRYPT["r"], p=_SCRYPT["p"],
        salt=base64.b64encode(salt).decode(), digest=base64.b64encode(digest).decode(),
    )


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


# Checked against when the name is unknown, so both cases take as long.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


class Accounts:
    def __init__(self, engine: Engine, clock: Clock = utcnow) -> None:
        self._engine = engine
        self._clock = clock

    def add(self, org_id: str, name: str, role: str = "caseworker", password: Optional[str] = None) -> NewAccount:
        """Creates an account; without `password` a random one is generated."""
        org_id, name = (org_id or "").strip(), " ".join((name or "").split())
        if not org_id or len(org_id) > 100:
            raise AccountError("--org must be a non-empty organisation id (at most 100 characters)")
        if not name or len(name) > 120:
            raise AccountError("--name must be a non-empty name (at most 120 characters)")
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}")
        generated = None
        if password is None:
            password = generated = secrets.token_urlsafe(12)
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        account = Account(str(uuid.uuid4()), org_id, name, role)
        now = self._clock()
        try:
            with self._engine.begin() as conn:
                conn.execute(
                    insert(account_table).values(
                        id=account.id, org_id=org_id, name=name, role=role, password_hash=hash_password(password),
                        token_hash=_sha256(token), created_at=now,
                    )
                )
                audit.record(conn, now, audit.SYSTEM, "account_add", org_id, detail=f"account {account.id} ({role})")
        except IntegrityError:
            raise AccountError(f"an account named {name!r} already exists; choose another name") from None
        return NewAccount(account, token, generated)

    def by_token(self, token: str) -> Optional[Account]:
        if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        wanted = _sha256(token)
        with self._engine.connect() as conn:
            row = conn.execute(select(account_table).where(account_table.c.token_hash == wanted)).first()
        if row is None or not hmac.compare_digest(row.token_hash, wanted):
            return None
        return _account(row)

    def login(self, name: str, password: str) -> Account:
        """The account, if the password is right; LoginRefused / TooManyAttempts otherwise."""
        name = " ".join((name or "").split())
        now = self._clock()
        with self._engine.connect() as conn:
            row = conn.execute(select(account_table).where(account_table.c.name == name)).first()
            if row is not None and self._recent_failures(conn, row.id, now) >= LOCKOUT_FAILURES:
                raise TooManyAttempts("too many wrong passwords; try again in 15 minutes")
        if row is None:
            verify_password(password or "", _DUMMY_HASH)
            raise LoginRefused("wrong name or password")
        if not verify_password(password or "", row.password_hash):
            with self._engine.begin() as conn:
                audit.record(conn, now, f"user:{row.id}", "login_failed", row.org_id)
            raise LoginRefused("wrong name or password")
        with self._engine.begin() as conn:
            audit.record(conn, now, f"user:{row.id}", "login", row.org_id)
        return _account(row)

    def _recent_failures(self, conn, account_id: str, now: datetime) -> int:
        last_login = (
            select(func.max(audit_table.c.id))
            .where(audit_table.c.actor == f"user:{account_id}", audit_table.c.action == "login")
            .scalar_subquery()
        )
        return conn.execute(
            select(func.count()).select_from(audit_table).where(
                audit_table.c.actor == f"user:{account_id}", audit_table.c.action == "login_failed",
                audit_table.c.at > now - LOCKOUT_WINDOW, audit_table.c.id > func.coalesce(last_login, 0),
            )
        ).scalar()

    def start_session(self, account: Account) -> SessionTicket:
        now = self._clock()
        cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        expires_at = now + SESSION_MAX
        with self._engine.begin() as conn:
            conn.execute(delete(session_table).where(session_table.c.expires_at <= now))
            conn.execute(
                insert(session_table).values(
                    id=_sha256(cookie), account_id=account.id, csrf=csrf, created_at=now, last_seen_at=now,
                    expires_at=expires_at,
                )
            )
        return SessionTicket(cookie, csrf, expires_at)

    def session(self, cookie: Optional[str]) -> Optional[Session]:
        """The live session for this cookie value (and keeps it alive), or None."""
        if not cookie or len(cookie) > 200:
            return None
        now = self._clock()
        with self._engine.begin() as conn:
            row = conn.execute(
                select(
                    session_table.c.account_id, session_table.c.csrf, session_table.c.expires_at,
                    session_table.c.last_seen_at, account_table.c.org_id, account_table.c.name, account_table.c.role,
                )
                .select_from(session_table.join(account_table, account_table.c.id == session_table.c.account_id))
                .where(session_table.c.id == _sha256(cookie))
            ).first()
            if row is None:
                return None
            if row.expires_at <= now or row.last_seen_at + SESSION_IDLE <= now:
                conn.execute(delete(session_table).where(session_table.c.id == _sha256(cookie)))
                return None
            conn.execute(update(session_table).where(session_table.c.id == _sha256(cookie)).values(last_seen_at=now))
        return Session(Account(row.account_id, row.org_id, row.name, row.role), row.csrf)

    def end_session(self, cookie: Optional[str]) -> None:
        if not cookie:
            return
        with self._engine.begin() as conn:
            row = conn.execute(select(session_table).where(session_table.c.id == _sha256(cookie))).first()
            conn.execute(delete(session_table).where(session_table.c.id == _sha256(cookie)))
            if row is not None:
                audit.record(conn, self._clock(), f"user:{row.account_id}", "logout")


def _account(row) -> Account:
    return Account(row.id, row.org_id, row.name, row.role)
