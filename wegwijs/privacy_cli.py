"""`wegwijs privacy purge`: one retention pass (bot.privacy.retention), for cron or by hand.

The worker runs the same pass on its own schedule; running both is harmless
(a pass is idempotent and every deletion is one transaction).
"""

from __future__ import annotations

import argparse
import json
import sys


def add_privacy_commands(sub: argparse._SubParsersAction) -> None:
    """Adds `privacy purge` to the `wegwijs` command."""
    privacy = sub.add_parser("privacy", help="retention of personal data").add_subparsers(
        dest="privacy_command", required=True)
    p = privacy.add_parser(
        "purge", help="delete conversations and pseudonymise handovers past their retention time (prints a JSON report)")
    p.set_defaults(func=_cmd_purge)


def _cmd_purge(args: argparse.Namespace) -> int:
    from bot.privacy.retention import purge_with_settings
    from bot.settings import Settings, SettingsError

    try:
        settings = Settings.from_env()
        report = purge_with_settings(settings)
    except (SettingsError, ValueError) as error:
        print(f"wegwijs privacy purge: {error}", file=sys.stderr)
        return 2
    if not report.tracker_store_found:
        print("wegwijs privacy purge: no tracker store (table `events`) in WEGWIJS_DATABASE_URL; "
              "conversations were not purged", file=sys.stderr)
    print(json.dumps(report.as_json(), sort_keys=True))
    return 0
