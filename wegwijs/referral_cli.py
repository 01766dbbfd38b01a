"""`wegwijs users add`, `wegwijs slots import-ics` and `wegwijs referral status`
(contracts §4), on the database of `Settings.from_env()`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

USERS_ADD_HELP = """\
Creates a caseworker account for the inbox (/inbox on the web app) and the
handover API. Prints the login name, a generated password (unless
--password-stdin gives one) and, on the LAST line, the API token. Both are
shown only once: Wegwijs keeps only hashes of them.
"""


def add_referral_commands(sub: argparse._SubParsersAction) -> None:
    """Adds `users`, `slots` and `referral` to the `wegwijs` command."""
    users = sub.add_parser("users", help="caseworker accounts (inbox and API)").add_subparsers(
        dest="users_command", required=True
    )
    p = users.add_parser("add", help="create an account; prints its API token once, on the last line",
                         description=USERS_ADD_HELP)
    p.add_argument("--org", required=True, help="the organisation's id (HSDS organization id)")
    p.add_argument("--name", required=True, help="login name, unique")
    p.add_argument("--role", choices=("caseworker", "coordinator", "admin"), default="caseworker",
                   help="coordinators and admins also see each handover's audit log")
    p.add_argument("--password-stdin", action="store_true",
                   help="read the inbox password (at least 12 characters) from the first line of stdin "
                        "instead of generating one")
    p.set_defaults(func=_cmd_users_add)

    slots = sub.add_parser("slots", help="appointment slots and call-back windows").add_subparsers(
        dest="slots_command", required=True
    )
    p = slots.add_parser("import-ics", help="import an organisation's iCalendar file as free slots (idempotent by UID)")
    p.add_argument("--org", required=True, help="the organisation's id")
    p.add_argument("--location", required=True, help="the location's id")
    p.add_argument("--kind", choices=("appointment", "callback"), default="appointment")
    p.add_argument("file", help="the .ics file")
    p.set_defaults(func=_cmd_slots_import)

    referral = sub.add_parser("referral", help="warm referrals").add_subparsers(
        dest="referral_command", required=True
    )
    p = referral.add_parser("status", help="print a booking's status as JSON")
    p.add_argument("reference", help="the reference code the citizen got")
    p.set_defaults(func=_cmd_referral_status)
    p = referral.add_parser("webhook", help="push new handovers of an organisation to its URL; prints the "
                                            "signing secret once, on the last line")
    p.add_argument("--org", required=True, help="the organisation's id")
    p.add_argument("--url", required=True, help="https:// URL of the organisation's case system")
    p.set_defaults(func=_cmd_referral_webhook)
    p = referral.add_parser("deliver", help="run the webhook delivery worker (retries with backoff)")
    p.add_argument("--once", action="store_true", help="deliver what is due now and stop")
    p.set_defaults(func=_cmd_referral_deliver)


def _engine_and_settings():
    from bot.settings import Settings
    from bot.storage import create_schema, make_engine

    settings = Settings.from_env()
    engine = make_engine(settings.database_url)
    create_schema(engine)
    return engine, settings


def _fail(command: str, message: str, code: int = 2) -> int:
    print(f"wegwijs {command}: {message}", file=sys.stderr)
    return code


def _cmd_users_add(args: argparse.Namespace) -> int:
    from bot.referral import AccountError, Accounts
    from bot.settings import SettingsError

    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        engine, _ = _engine_and_settings()
        created = Accounts(engine).add(args.org, args.name, args.role, password)
    except (SettingsError, AccountError) as error:
        return _fail("users add", str(error))
    account = created.account
    print(f"Account {account.name!r} ({account.role}) created for organisation {account.org_id}.")
    print(f"Inbox: /inbox/login on the web app, name: {account.name}")
    if created.password is not None:
        print(f"Password (shown once): {created.password}")
    print("API token (shown once, on the next line; use it as 'Authorization: Bearer <token>'):")
    print(created.token)
    return 0


def _cmd_slots_import(args: argparse.Namespace) -> int:
    from bot.referral import CalendarError, SlotInvalid, Slots
    from bot.settings import SettingsError

    try:
        text = Path(args.file).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        return _fail("slots import-ics", f"cannot read {args.file}: {error}")
    try:
        engine, _ = _engine_and_settings()
        result = Slots(engine).import_ics(args.org, args.location, text, args.kind)
    except (SettingsError, CalendarError, SlotInvalid) as error:
        return _fail("slots import-ics", str(error))
    print(f"{result.added} added, {result.updated} updated, {result.removed} removed, "
          f"{result.unchanged} unchanged, {result.skipped} skipped")
    return 0


def _cmd_referral_status(args: argparse.Namespace) -> int:
    from bot.referral import FieldCipher, Referrals
    from bot.settings import SettingsError

    try:
        engine, settings = _engine_and_settings()
    except SettingsError as error:
        return _fail("referral status", str(error))
    view = Referrals(engine, FieldCipher.from_settings(settings)).by_reference(args.reference)
    if view is None:
        return _fail("referral status", f"no booking with reference {args.reference!r}", 1)
    print(json.dumps(view.as_json(), ensure_ascii=False))
    return 0


def _cmd_referral_webhook(args: argparse.Namespace) -> int:
    from bot.referral import Deliveries, FieldCipher, WebhookError
    from bot.settings import SettingsError

    try:
        engine, settings = _engine_and_settings()
        secret = Deliveries(engine, FieldCipher.from_settings(settings)).set_webhook(args.org, args.url)
    except (SettingsError, WebhookError) as error:
        return _fail("referral webhook", str(error))
    print(f"New handovers of {args.org} will be POSTed to {args.url}, signed with HMAC-SHA256 "
          "(header X-Wegwijs-Signature: t=<unix time>,v1=<hex of HMAC(secret, '<t>.<body>')>).")
    print("Signing secret (shown once, on the next line):")
    print(secret)
    return 0


def _cmd_referral_deliver(args: argparse.Namespace) -> int:
    import signal
    import threading

    from bot.referral import Deliveries, FieldCipher
    from bot.settings import SettingsError

    try:
        engine, settings = _engine_and_settings()
    except SettingsError as error:
        return _fail("referral deliver", str(error))
    deliveries = Deliveries(engine, FieldCipher.from_settings(settings))
    if args.once:
        print(f"{deliveries.deliver_due(limit=1000)} delivered")
        return 0
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    deliveries.run(stop)
    return 0
