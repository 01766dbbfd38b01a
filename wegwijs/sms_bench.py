"""`wegwijs bench-sms`: what the SMS path to a booked referral costs a municipality.

Starts Rasa and the action server (development profile) on spare ports, with
the Twilio settings pointing at a local stand-in of the Messages API, and
plays a citizen through the real signed webhook: the help question, the
rights exploration, the postcode, the choice of organisation, the first free
time, how to reach them, consent, the reminder. It counts the inbound
messages, the outbound messages the stand-in received, their segments
(bot.sms.gsm.segments: GSM-7 160/153, UCS-2 70/67) and the cost at
€0.075 per segment. Target (issue 6): at most 14 outbound segments.

Two paths per language: "booking" declines the rights questions (the
shortest way to a booked referral), "with rights" answers them. Both choose
the OCMW by the number it has that day (the offer's order rotates daily) and
its first free time; the demo calendar's next two days are taken out first,
so that time is never too close for the reminder question to be asked.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import IO, Mapping, Optional, Sequence

import httpx
from cryptography.fernet import Fernet
from twilio.request_validator import RequestValidator

from bot.referral.tables import slot_table
from bot.sms.gsm import cost_eur, segments
from bot.services import open_services
from bot.settings import Settings
from wegwijs.bench import endpoints_file
from wegwijs.supervisor import ServerGroup, free_ports
from wegwijs.twilio_standin import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, TwilioStandIn

SEGMENT_BUDGET = 14
PRICE_PER_SEGMENT = 0.075
PUBLIC_URL = "https://sms.wegwijs.test/webhooks/sms/webhook"
REFERENCE = re.compile(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b")
REPLY_WAIT = 90.0
SETTLE = 1.0  # after a reply, time in which a second body of the same turn would arrive


@dataclass(frozen=True)
class ScriptedPath:
    """A scripted citizen: the messages they send, in order; "#OCMW" sends the
    number of the choice whose line names the OCMW."""

    language: str
    name: str
    messages: tuple[str, ...]


PATHS: tuple[ScriptedPath, ...] = (
    ScriptedPath("nl", "booking", ("ik heb schulden en kan mijn huur niet betalen", "1", "2", "2800", "#OCMW", "1",
                            "Sam, 0470 12 34 56", "1", "1")),
    ScriptedPath("fr", "booking", ("j'ai des dettes et je ne peux plus payer mon loyer", "1", "2", "3000", "#OCMW", "1",
                            "Sam, 0470 12 34 56", "1", "1")),
    ScriptedPath("en", "booking", ("i have debts and cannot pay my rent", "1", "2", "2800", "#OCMW", "1",
                            "Sam, 0470 12 34 56", "1", "1")),
    # Rights: debts yes, renting privately, income from work, not on the social housing list.
    ScriptedPath("nl", "with rights", ("ik heb schulden en kan mijn huur niet betalen", "1", "1", "1", "1", "1", "0",
                                "2800", "#OCMW", "1", "Sam, 0470 12 34 56", "1", "1")),
    ScriptedPath("fr", "with rights", ("j'ai des dettes et je ne peux plus payer mon loyer", "1", "1", "1", "1", "1", "0",
                                "3000", "#OCMW", "1", "Sam, 0470 12 34 56", "1", "1")),
    ScriptedPath("en", "with rights", ("i have debts and cannot pay my rent", "1", "1", "1", "1", "1", "0",
                                "2800", "#OCMW", "1", "Sam, 0470 12 34 56", "1", "1")),
)


@dataclass
class Turn:
    sent: str
    replies: list[str]

    @property
    def segments(self) -> int:
        return sum(segments(body).segments for body in self.replies)


@dataclass
class PathFigures:
    language: str
    name: str
    turns: list[Turn] = field(default_factory=list)

    @property
    def inbound(self) -> int:
        return len(self.turns)

    @property
    def outbound(self) -> int:
        return sum(len(t.replies) for t in self.turns)

    @property
    def segments(self) -> int:
        return sum(t.segments for t in self.turns)

    @property
    def cost(self) -> float:
        return cost_eur(self.segments, PRICE_PER_SEGMENT)

    @property
    def reference(self) -> Optional[str]:
        found = [m for t in self.turns for body in t.replies for m in REFERENCE.findall(body)]
        return found[-1] if found else None

    @property
    def all_gsm7(self) -> bool:
        return all(segments(body).encoding == "GSM-7" for t in self.turns for body in t.replies)


class SmsPhone:
    """One citizen's phone: signed messages to the webhook, replies read from the stand-in."""

    def __init__(self, twilio: TwilioStandIn, webhook: str, phone: Optional[str] = None,
                 public_url: str = PUBLIC_URL, auth_token: str = AUTH_TOKEN) -> None:
        self.twilio, self.webhook, self.public_url, self.auth_token = twilio, webhook, public_url, auth_token
        self.number = phone or "+32470" + str(uuid.uuid4().int)[:6]

    def form(self, body: str) -> dict[str, str]:
        """Twilio's inbound form for one message from this phone."""
        return {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": ACCOUNT_SID, "From": self.number,
                "To": FROM_NUMBER, "NumMedia": "0", "Body": body}

    def headers(self, form: dict[str, str]) -> dict[str, str]:
        return {"X-Twilio-Signature": RequestValidator(self.auth_token).compute_signature(self.public_url, form)}

    def send(self, body: str) -> list[str]:
        """Sends one message; returns the bodies of its reply turn (waits for the first, then SETTLE s)."""
        before = len(self.twilio.to(self.number))
        form = self.form(body)
        answer = httpx.post(self.webhook, data=form, headers=self.headers(form), timeout=30)
        if answer.status_code != 200:
            raise RuntimeError(f"the webhook answered {answer.status_code}: {answer.text[:200]}")
        replies = self.twilio.wait_for(self.number, before + 1, REPLY_WAIT, settle=SETTLE)
        if len(replies) <= before:
            raise RuntimeError(f"no reply to {body!r} within {REPLY_WAIT:.0f} s")
        return replies[before:]


def play(path: ScriptedPath, phone: SmsPhone) -> PathFigures:
    """Plays the path; raises RuntimeError if it did not end in a booking."""
    figures = PathFigures(path.language, path.name)
    for message in path.messages:
        if message.startswith("#"):
            message = choice_number(figures.turns[-1].replies, message[1:])
        figures.turns.append(Turn(message, phone.send(message)))
    if figures.reference is None:
        raise RuntimeError(f"{path.language} {path.name}: no booking at the end\n" + describe(figures))
    return figures


def choice_number(bodies: Sequence[str], words: str) -> str:
    """The number of the numbered line that contains `words`."""
    for body in bodies:
        for line in body.splitlines():
            number, _, title = line.partition(" ")
            if number.isdigit() and words in title:
                return number
    raise RuntimeError(f"no choice with {words!r} in: {bodies}")


def describe(figures: PathFigures) -> str:
    """Turn by turn: what the citizen sent, what it cost, the first words of the reply."""
    lines = []
    for number, turn in enumerate(figures.turns, start=1):
        first = " / ".join(body.replace("\n", " | ") for body in turn.replies)
        lines.append(f"  {number:>2}. {turn.sent[:28]:<28} {turn.segments:>2} seg  {first[:90]}")
    return "\n".join(lines)


def table(results: Sequence[PathFigures]) -> str:
    rows = [f"{'language':<9}{'path':<13}{'inbound':>8}{'outbound':>9}{'segments':>9}{'cost':>9}  GSM-7"]
    for r in results:
        rows.append(f"{r.language:<9}{r.name:<13}{r.inbound:>8}{r.outbound:>9}{r.segments:>9}"
                    f"{'€' + format(r.cost, '.3f'):>9}  {'yes' if r.all_gsm7 else 'NO'}")
    return "\n".join(rows)


def keep_free_times_from(environment: Mapping[str, str], days: int = 2) -> None:
    """Takes the demo calendar's free times of the next `days` days out (after seeding it,
    as the servers would): a time later today or at dawn tomorrow gets no reminder question."""
    services = open_services(Settings.from_env({**environment, "WEGWIJS_ENV": "development"}))
    now = datetime.now(timezone.utc)
    with services.engine.begin() as conn:
        conn.execute(slot_table.update().where(
            slot_table.c.booked_by.is_(None), slot_table.c.removed_at.is_(None),
            slot_table.c.starts_at < now + timedelta(days=days)).values(removed_at=now))
    services.engine.dispose()


def sms_environment(twilio: TwilioStandIn, database: Path, secret_key: Optional[str] = None) -> dict[str, str]:
    """The SMS channel's settings for a group started against the stand-in."""
    return {
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_FROM_NUMBER": FROM_NUMBER,
        "SMS_PUBLIC_URL": PUBLIC_URL, "TWILIO_API_BASE_URL": twilio.url, "WEGWIJS_DATABASE_URL": f"sqlite:///{database}",
        "WEGWIJS_SECRET_KEY": secret_key or Fernet.generate_key().decode(),
    }


def measure(model: Path, languages: Sequence[str], log: Optional[IO[str]] = None) -> list[PathFigures]:
    twilio = TwilioStandIn().start()
    try:
        with tempfile.TemporaryDirectory(prefix="wegwijs-bench-sms-") as tmp:
            database = Path(tmp) / "wegwijs.db"
            ports = free_ports()
            endpoints = endpoints_file(Path(tmp), ports.actions, database)
            environment = sms_environment(twilio, database)
            keep_free_times_from(environment)
            with ServerGroup(model, ports=ports, env=environment, endpoints=str(endpoints), sink=log,
                             only=("rasa", "actions")):
                webhook = f"http://127.0.0.1:{ports.rasa}/webhooks/sms/webhook"
                return [play(path, SmsPhone(twilio, webhook)) for path in PATHS if path.language in languages]
    finally:
        twilio.stop()


def main(languages: Sequence[str] = ("nl", "fr"), check: bool = False, model: Optional[Path] = None) -> int:
    from wegwijs.training import NoModelError, current_model

    try:
        model = model or current_model()
    except NoModelError as error:
        print(f"wegwijs bench-sms: {error}", file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        results = measure(model, languages)
    except RuntimeError as error:
        print(f"wegwijs bench-sms: {error}", file=sys.stderr)
        return 1
    for result in results:
        print(f"\n{result.language} - {result.name}:\n{describe(result)}")
    print(f"\nSMS path to a booked referral (€{PRICE_PER_SEGMENT} per segment, "
          f"budget {SEGMENT_BUDGET} segments for the booking path), {time.monotonic() - started:.0f} s:\n")
    print(table(results))
    over = [r for r in results if r.name == "booking" and r.segments > SEGMENT_BUDGET]
    if over:
        print(f"\nOver budget: {', '.join(r.language for r in over)}", file=sys.stderr)
    return 1 if check and over else 0
