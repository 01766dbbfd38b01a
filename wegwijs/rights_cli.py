"""`wegwijs rights explore`: one profile as JSON on stdin, one JSON object out (contracts §3)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys


def add_parser(sub: argparse._SubParsersAction) -> None:
    rights = sub.add_parser("rights", help="social rights exploration")
    commands = rights.add_subparsers(dest="rights_command", required=True)
    p = commands.add_parser("explore", help="profile JSON on stdin -> may_be_entitled, to_check, not_covered")
    p.add_argument("--lang", choices=("nl", "fr", "en"), default="nl", help="language of the texts (default nl)")
    p.add_argument("--date", type=_day, default=None, help="explore as on this day, YYYY-MM-DD (default today)")
    p.set_defaults(func=explore_command)


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def explore_command(args: argparse.Namespace) -> int:
    from bot.rights import explore, load_catalogue

    try:
        profile = json.loads(sys.stdin.read())
    except ValueError as error:
        print(f"wegwijs rights explore: stdin is not valid JSON: {error}", file=sys.stderr)
        return 2
    try:
        exploration = explore(profile, load_catalogue(), args.date or dt.date.today())
    except ValueError as error:
        print(f"wegwijs rights explore: {error}", file=sys.stderr)
        return 2
    print(json.dumps(exploration.as_contract(args.lang), ensure_ascii=False))
    return 0
