"""`wegwijs offer import|export|search`: the local offer directory from the console (contracts §6).

The database is the one in the settings (WEGWIJS_DATABASE_URL, default
var/wegwijs.db); its tables are created when missing. Outside production, an
empty directory is filled with the shipped demo directory before export and
search, so `wegwijs offer search` works on a fresh clone. Import never loads
the demo: a municipality's own data is not mixed with it (use --replace to
swap a directory, the demo included, for exactly the file).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path


def _directory(fill_demo: bool):
    from bot.offer import Directory, load_demo
    from bot.settings import Settings
    from bot.storage import create_schema, make_engine

    settings = Settings.from_env()
    engine = make_engine(settings.database_url)
    create_schema(engine)
    if fill_demo and not settings.is_production:
        load_demo(engine)
    return Directory(engine)


def _fail(command: str, message: str) -> int:
    print(f"wegwijs offer {command}: {message}", file=sys.stderr)
    return 2


def import_file(args: argparse.Namespace) -> int:
    from bot.offer import OfferImportError
    from bot.settings import SettingsError

    path = Path(args.file)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        return _fail("import", f"{path}: cannot read the file ({error.strerror or error})")
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return _fail("import", f"{path}: not valid JSON ({error})")
    try:
        report = _directory(fill_demo=False).import_hsds(data, replace=args.replace)
    except OfferImportError as error:
        return _fail("import", f"{path}: {error}")
    except SettingsError as error:
        return _fail("import", str(error))
    removed = f", {report.removed} removed" if args.replace else ""
    print(
        f"imported {report.organizations} organizations, {report.services} services, {report.locations} locations "
        f"({report.created} new, {report.updated} changed, {report.unchanged} unchanged{removed})"
    )
    return 0


def export(args: argparse.Namespace) -> int:
    from bot.settings import SettingsError

    try:
        services = _directory(fill_demo=True).export()
    except SettingsError as error:
        return _fail("export", str(error))
    print(json.dumps(services, ensure_ascii=False, indent=2))
    return 0


def search(args: argparse.Namespace) -> int:
    from bot.settings import SettingsError

    try:
        at = datetime.fromisoformat(args.at) if args.at else None
    except ValueError:
        return _fail("search", f"--at {args.at!r} is not a date and time like 2025-03-04T10:00")
    try:
        items = _directory(fill_demo=True).search(
            args.postcode, args.domain or [], language=args.lang, open_now=args.open_now, at=at
        )
    except (ValueError, SettingsError) as error:
        return _fail("search", str(error))
    print(json.dumps([item.to_dict() for item in items], ensure_ascii=False, indent=2))
    return 0


def add_arguments(offer: argparse.ArgumentParser) -> None:
    """The `offer` subcommands and their options."""
    commands = offer.add_subparsers(dest="offer_command", required=True)
    p = commands.add_parser("import", help="load HSDS 3.0 JSON (organizations or services); refuses invalid records")
    p.add_argument("file")
    p.add_argument("--replace", action="store_true", help="remove what is not in the file (e.g. the demo directory)")
    p.set_defaults(func=import_file)
    p = commands.add_parser("export", help="print the directory as a JSON list of HSDS 3.0 service objects")
    p.set_defaults(func=export)
    p = commands.add_parser("search", help="print the fitting services as JSON, in the neutral order")
    p.add_argument("--postcode", required=True)
    p.add_argument("--domain", action="append", help="life domain (repeat for several)")
    p.add_argument("--lang", help="only services that speak this language (ISO 639-1)")
    p.add_argument("--open-now", action="store_true", help="only services open now")
    p.add_argument("--at", help="take this moment as now (ISO 8601, Brussels time unless an offset is given)")
    p.set_defaults(func=search)
