"""`wegwijs`: the console command behind every CLI of the contracts."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Optional, Sequence


def _cmd_train(args: argparse.Namespace) -> int:
    from wegwijs.training import train

    train(force=args.force)
    return 0


def _cmd_model_path(args: argparse.Namespace) -> int:
    from wegwijs.training import NoModelError, current_model

    try:
        print(current_model())
    except NoModelError as error:
        print(f"wegwijs: {error}", file=sys.stderr)
        return 2
    return 0


def _cmd_triage(args: argparse.Namespace) -> int:
    """JSON lines in, JSON lines out, same order (contracts §2)."""
    from wegwijs.training import NoModelError, current_model

    try:
        model = current_model()
    except NoModelError as error:
        print(f"wegwijs triage: {error}", file=sys.stderr)
        return 2
    from wegwijs.understanding import Understanding

    understanding = Understanding(model)
    status = 0
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            text = item["text"]
            if not isinstance(text, str):
                raise TypeError("text is not a string")
        except (ValueError, KeyError, TypeError) as error:
            print(f"wegwijs triage: line {number}: expected a JSON object with a \"text\" string ({error})", file=sys.stderr)
            print(json.dumps({"error": f"line {number}: expected a JSON object with a text string"}), flush=True)
            status = 1
            continue
        print(_json_line(understanding.triage(text)), flush=True)
    return status


# Characters that JSON allows raw but that split a line for many line readers.
_LINE_BREAKERS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def _json_line(value: dict) -> str:
    """One JSON object on exactly one line, readable text kept (not ASCII-escaped)."""
    return json.dumps(value, ensure_ascii=False).translate(_LINE_BREAKERS)


def _cmd_run(args: argparse.Namespace) -> int:
    from wegwijs.supervisor import run

    return run(profile=args.profile)


def _cmd_web(args: argparse.Namespace) -> int:
    from webapp.app import serve

    return serve()


def _cmd_worker(args: argparse.Namespace) -> int:
    from wegwijs.worker import main as work

    return work(interval=args.interval)


def _cmd_bench_sms(args: argparse.Namespace) -> int:
    from wegwijs.sms_bench import main as bench_sms

    return bench_sms(languages=args.languages, check=args.check, model=Path(args.model) if args.model else None)


def _cmd_eval(args: argparse.Namespace) -> int:
    from wegwijs.evaluation import main as evaluate

    return evaluate([Path(f) for f in args.files], check=args.check, show_misses=args.show_misses)


def _cmd_bench(args: argparse.Namespace) -> int:
    from wegwijs.bench import main as bench

    return bench(turns=args.turns)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wegwijs", description="Wegwijs: chat and SMS front door of the GBO.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("train", help="train the Rasa model if its inputs changed")
    p.add_argument("--force", action="store_true", help="train even if a model for these inputs exists")
    p.set_defaults(func=_cmd_train)

    p = sub.add_parser("model-path", help="print the path of the current trained model")
    p.set_defaults(func=_cmd_model_path)

    p = sub.add_parser("triage", help="JSON lines with 'text' on stdin -> language, life domains, crisis")
    p.set_defaults(func=_cmd_triage)

    p = sub.add_parser("run", help="run Rasa (5005), the action server (5055) and the web app (8000)")
    p.add_argument("--profile", choices=("development", "production"), default="development")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("web", help="run only the web app")
    p.set_defaults(func=_cmd_web)

    p = sub.add_parser("worker", help="send SMS reminders and follow-ups, resend failed replies, deliver webhooks")
    p.add_argument("--interval", type=float, default=None, help="seconds between cycles (default 30)")
    p.set_defaults(func=_cmd_worker)

    p = sub.add_parser("eval", help="language, domain and crisis figures on held-out JSONL files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--check", action="store_true", help="exit 1 when a target is not met")
    p.add_argument("--show-misses", action="store_true",
                   help="print the missed crises (spends a blind file: see tests/eval/README.md)")
    p.set_defaults(func=_cmd_eval)

    from wegwijs.rights_cli import add_parser as add_rights_parser

    add_rights_parser(sub)

    p = sub.add_parser("bench", help="latency, throughput and memory through the running servers")
    p.add_argument("--turns", type=int, default=400, help="user turns per concurrency level")
    p.set_defaults(func=_cmd_bench)

    p = sub.add_parser("bench-sms", help="the SMS path to a booked referral: messages, segments and cost")
    p.add_argument("--languages", nargs="+", default=["nl", "fr"], choices=["nl", "fr", "en"])
    p.add_argument("--check", action="store_true", help="exit 1 when a path needs more than the segment budget")
    p.add_argument("--model", help="a trained model file (default: the current one)")
    p.set_defaults(func=_cmd_bench_sms)

    from wegwijs.offer_cli import add_arguments as add_offer_arguments

    p = sub.add_parser("offer", help="the local offer directory (HSDS 3.0): import, export, search")
    add_offer_arguments(p)

    from wegwijs.referral_cli import add_referral_commands

    add_referral_commands(sub)  # users add, slots import-ics, referral status (contracts §4)

    from wegwijs.privacy_cli import add_privacy_commands

    add_privacy_commands(sub)  # privacy purge (retention, for cron)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
