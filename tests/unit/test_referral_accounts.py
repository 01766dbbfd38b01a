"""Caseworker accounts: passwords with a KDF, API tokens as hashes, sessions
that expire, and a lock after repeated wrong passwords."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.referral import AccountError, Accounts, LoginRefused, TooManyAttempts
from bot.referral.accounts import hash_password, verify_password
from bot.referral.tables import account_table, session_table

NOW = datetime(2030, 3, 4, 8, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def accounts(engine, clock):
    return Accounts(engine, clock)


def test_passwords_are_salted_scrypt_hashes():
    first, second = hash_password("correct horse battery"), hash_password("correct horse battery")
    assert first != second and first.startswith("scrypt$16384$8$1$")
    assert verify_password("correct horse battery", first) and not verify_password("correct horse batterY", first)
    assert not verify_password("x", "plain-text")


def test_an_account_gets_a_token_and_a_password_stored_only_as_hashes(engine, accounts):
    created = accounts.add("org-a", "An Peeters", "coordinator")
    assert created.token.startswith("wgw_") and len(created.password) >= 12
    with engine.connect() as conn:
        row = conn.execute(select(account_table)).one()
    assert created.token not in tuple(row) and created.password not in str(tuple(row))
    assert accounts.by_token(created.token) == created.account
    assert created.account.role == "coordinator" and created.account.org_id == "org-a"
    assert accounts.by_token(created.token + "x") is None and accounts.by_token("") is None
    assert accounts.login("An Peeters", created.password) == created.account


def test_names_are_unique_and_roles_and_passwords_are_checked(accounts):
    accounts.add("org-a", "An", password="a long enough password")
    with pytest.raises(AccountError, match="already exists"):
        accounts.add("org-b", "An")
    with pytest.raises(AccountError, match="role"):
        accounts.add("org-a", "Bram", "boss")
    with pytest.raises(AccountError, match="12 characters"):
        accounts.add("org-a", "Bram", password="short")
    with pytest.raises(AccountError, match="--org"):
        accounts.add(" ", "Bram")


def test_wrong_passwords_are_refused_and_five_lock_the_account_for_a_while(accounts, clock):
    accounts.add("org-a", "An", password="a long enough password")
    with pytest.raises(LoginRefused):
        accounts.login("Nobody", "a long enough password")
    for _ in range(5):
        with pytest.raises(LoginRefused) as refused:
            accounts.login("An", "wrong password!!")
        assert not isinstance(refused.value, TooManyAttempts)
    with pytest.raises(TooManyAttempts):
        accounts.login("An", "a long enough password")
    clock.now += timedelta(minutes=16)
    assert accounts.login("An", "a long enough password").name == "An"


def test_sessions_expire_when_idle_or_old_and_end_at_logout(engine, accounts, clock):
    account = accounts.add("org-a", "An").account
    ticket = accounts.start_session(account)
    with engine.connect() as conn:
        assert ticket.cookie not in str(conn.execute(select(session_table)).all())
    session = accounts.session(ticket.cookie)
    assert session.account == account and session.csrf == ticket.csrf
    assert accounts.session("forged") is None
    clock.now += timedelta(minutes=29)
    assert accounts.session(ticket.cookie) is not None
    clock.now += timedelta(minutes=31)
    assert accounts.session(ticket.cookie) is None, "30 idle minutes end it"

    busy = accounts.start_session(account)
    for _ in range(17):
        clock.now += timedelta(minutes=29)
        last = accounts.session(busy.cookie)
    assert last is None, "8 hours end it, however busy"

    other = accounts.start_session(account)
    accounts.end_session(other.cookie)
    assert accounts.session(other.cookie) is None
