"""The follow-up worker: a reminder the day before and "did you get help?" after,
for appointments booked by SMS with reminders on; each sent once (two workers,
a restart), never to a number that sent STOP or for a cancelled booking, at the
right time (an injected clock), in the booking's language; the "no" reply.
Real tables (SQLite and PostgreSQL), the real Twilio client against the local
stand-in."""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from bot.followup import timing
from bot.followup.answers import FollowupAnswers
from bot.followup.followups import FOLLOWUP, REMINDER, FollowUps
from bot.followup.messages import FollowupTexts
from bot.followup.resends import Resends
from bot.followup.sending import SmsOut
from bot.followup.worker import Worker
from bot.followup.tables import followup_job
from bot.municipality import Municipality
from bot.offer import Directory, load_demo
from bot.privacy.erasure import erase_conversation
from bot.referral import ConsentGiven, FieldCipher, Referrals, consent_text
from bot.referral.ics import BRUSSELS
from bot.settings import PROJECT_ROOT
from bot.sms.catalogue import Catalogue
from bot.sms.gsm import is_gsm7
from bot.sms.privacy import PhoneVault
from bot.sms.service import ANSWERED, FOLLOWUP_ANSWERED, InboundSms, SmsService
from bot.sms.store import OutboundRecord, SmsStore, sms_outbound
from bot.sms.twilio_api import TwilioSender
from bot.storage import make_engine
from wegwijs.twilio_standin import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, TwilioStandIn

SECRET = Fernet.generate_key().decode()
PHONE = "+32470111222"
MUNICIPALITY = Municipality.load(PROJECT_ROOT / "config" / "municipality.yml")


def brussels(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in March 2030 (Brussels time: UTC+1), as UTC."""
    return datetime(2030, 3, day, hour, minute, tzinfo=BRUSSELS).astimezone(timezone.utc)


BOOKED_AT = brussels(4, 9)  # Monday 09:00
STARTS_AT = brussels(6, 14)  # Wednesday 14:00
REMINDER_TIME = brussels(5, 10, 5)  # Tuesday, just after 10:00
FOLLOWUP_TIME = brussels(7, 10, 5)  # Thursday, just after 10:00


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def twilio():
    stand_in = TwilioStandIn().start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def clock():
    return Clock(BOOKED_AT)


class World:
    """One database with the demo offer, a booking helper and worker factories."""

    def __init__(self, engine, clock: Clock, twilio: TwilioStandIn) -> None:
        load_demo(engine)
        self.engine, self.clock, self.twilio = engine, clock, twilio
        self.cipher, self.vault = FieldCipher(SECRET), PhoneVault(SECRET)
        self.store = SmsStore(engine)
        self.referrals = Referrals(engine, self.cipher, clock)
        self.directory = Directory(engine)
        self.actor = next(a for a in self.directory.core_actors("2800", []) if a.gbo_role == "ocmw")
        self.texts = FollowupTexts.load(MUNICIPALITY.placeholders)

    def sender(self) -> TwilioSender:
        return TwilioSender(ACCOUNT_SID, AUTH_TOKEN, from_number=FROM_NUMBER, api_base_url=self.twilio.url,
                            sleep=lambda _: None)

    def followups(self, engine=None) -> FollowUps:
        engine = engine or self.engine
        out = SmsOut(SmsStore(engine), self.vault, self.sender())
        return FollowUps(engine, self.cipher, out, self.texts, Directory(engine), self.clock)

    def book_by_sms(self, phone: str = PHONE, language: str = "nl", reminders: bool = True,
                    starts_at: datetime = STARTS_AT, via_sms: bool = True) -> str:
        """Books as bot.flow does on the SMS channel: the conversation id is the sender id."""
        sender_id = self.vault.sender_id(phone)
        if via_sms:
            self.store.contact(sender_id, self.vault.encrypt(phone))
        slot = self.referrals.slots.add(self.actor.organization_id, self.actor.location_id, "appointment",
                                        starts_at, starts_at + timedelta(minutes=30))
        fields = ["phone", "language", "slot"]
        shown = consent_text(self.actor.organization_name, fields, "appointment", language)
        booking = self.referrals.book(slot.id, self.actor.organization_id, {"phone": "0470 11 12 22", "language": language},
                                      ConsentGiven(shown), sender_id if via_sms else "web-session-1", language, False)
        self.referrals.set_reminders(booking.reference, reminders)
        return booking.reference

    def jobs(self):
        with self.engine.connect() as conn:
            return conn.execute(select(followup_job).order_by(followup_job.c.id)).all()


@pytest.fixture
def world(engine, clock, twilio):
    return World(engine, clock, twilio)


def test_a_reminder_goes_out_once_the_day_before_with_when_where_and_the_code(world, clock, twilio):
    reference = world.book_by_sms()
    worker = world.followups()
    for moment in (BOOKED_AT, brussels(5, 9, 55)):
        clock.now = moment
        assert worker.run_once() == 0, "not before 10:00 the day before"
    clock.now = REMINDER_TIME
    assert worker.run_once() == 1
    assert worker.run_once() == 0
    clock.now = REMINDER_TIME + timedelta(hours=2)
    assert world.followups().run_once() == 0, "a restarted worker does not send it again"
    (body,) = twilio.to(PHONE)
    assert body == (f"Herinnering van Wegwijs: je afspraak bij OCMW Mechelen - Sociaal Huis (demo) is woensdag 6 maart "
                    f"om 14:00. Adres: Voorbeeldstraat 1, 2800 Mechelen. Je code is {reference}. "
                    "Kan je niet komen? Stuur je code.")
    assert is_gsm7(body)
    assert [(j.kind, j.outcome, j.attempts) for j in world.jobs()] == [(REMINDER, "sent", 1)]
    assert [r.status for r in world.store.outbound(world.vault.sender_id(PHONE))] == ["sent"]


def test_two_workers_at_the_same_moment_send_each_message_once(world, engine, clock, twilio):
    for number in range(5):
        world.book_by_sms(phone=f"+3247000010{number}", starts_at=STARTS_AT + timedelta(hours=number))
    clock.now = REMINDER_TIME
    url = engine.url.render_as_string(hide_password=False)
    engines = [make_engine(url) for _ in range(2)]
    workers = [world.followups(e) for e in engines]
    start, sent = threading.Barrier(2), [0, 0]

    def run(n: int) -> None:
        start.wait()
        sent[n] = workers[n].run_once()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for e in engines:
        e.dispose()
    assert sum(sent) == 5
    assert sorted(m["To"] for m in twilio.messages) == [f"+3247000010{n}" for n in range(5)]


def test_nothing_for_a_number_that_sent_stop_a_cancelled_booking_or_without_opt_in(world, clock, twilio):
    world.book_by_sms(phone="+32470000201")
    world.store.set_opted_out(world.vault.sender_id("+32470000201"), True)
    cancelled = world.book_by_sms(phone="+32470000202", starts_at=STARTS_AT + timedelta(hours=1))
    world.referrals.cancel(cancelled)
    world.book_by_sms(phone="+32470000203", starts_at=STARTS_AT + timedelta(hours=2), reminders=False)
    world.book_by_sms(phone="+32470000204", starts_at=STARTS_AT + timedelta(hours=3), via_sms=False)
    for moment in (REMINDER_TIME, FOLLOWUP_TIME):
        clock.now = moment
        assert world.followups().run_once() == 0
    assert twilio.messages == []
    outcomes = sorted(j.outcome for j in world.jobs())
    assert outcomes == ["no_sms_contact", "no_sms_contact", "opted_out", "opted_out"], "decided once, not retried"


def test_a_booking_cancelled_after_the_job_was_found_is_not_reminded(world, clock, twilio):
    reference = world.book_by_sms()
    clock.now = REMINDER_TIME
    worker = world.followups()
    assert worker.schedule_due() == 1
    world.referrals.cancel(reference)
    assert worker.send_due() == 0
    assert twilio.messages == [] and [j.outcome for j in world.jobs()] == ["cancelled"]


@pytest.mark.parametrize("moment, why", [
    (brussels(5, 21, 30), "not at night"),
    (brussels(6, 12, 30), "not less than two hours before the start"),
])
def test_no_reminder_at_the_wrong_moment(world, clock, twilio, moment, why):
    world.book_by_sms()
    clock.now = moment
    assert world.followups().run_once() == 0, why
    assert twilio.messages == []


def test_a_reminder_due_at_night_goes_out_the_next_morning_if_still_in_time(world, clock, twilio):
    world.book_by_sms(starts_at=brussels(6, 15))
    clock.now = brussels(5, 23)
    worker = world.followups()
    assert worker.run_once() == 0
    clock.now = brussels(6, 9, 1)
    assert worker.run_once() == 1
    assert "woensdag 6 maart om 15:00" in twilio.to(PHONE)[0]


def test_a_booking_made_on_the_day_before_is_reminded_three_hours_later_not_at_once(world, clock, twilio):
    clock.now = brussels(5, 15)  # Tuesday afternoon, for Wednesday
    world.book_by_sms()
    worker = world.followups()
    clock.now = brussels(5, 15, 5)
    assert worker.run_once() == 0, "not right after the booking's own confirmation"
    clock.now = brussels(5, 18, 1)
    assert worker.run_once() == 1 and len(twilio.to(PHONE)) == 1


def test_a_moved_booking_is_reminded_of_its_new_time(world, clock, twilio):
    reference = world.book_by_sms()
    later = world.referrals.slots.add(world.actor.organization_id, world.actor.location_id, "appointment",
                                      brussels(8, 11), brussels(8, 11, 30))
    world.referrals.move(reference, later.id)
    worker = world.followups()
    clock.now = REMINDER_TIME
    assert worker.run_once() == 0, "the old day-before is not the new one"
    clock.now = brussels(7, 10, 1)
    assert worker.run_once() == 1
    assert "vrijdag 8 maart om 11:00" in twilio.to(PHONE)[0]


def sms(body: str, phone: str = PHONE, _counter=iter(range(10**6))) -> InboundSms:
    return InboundSms(f"SM{next(_counter):032d}", phone, body)


class Assistant:
    def __init__(self) -> None:
        self.heard: list[str] = []

    async def reply(self, sender_id, text, message_id):
        self.heard.append(text)
        return [{"text": "Waarmee kunnen we je helpen?"}]

    async def language(self, sender_id):
        return "nl"


def channel(world: World) -> SmsService:
    answers = FollowupAnswers(world.engine, world.texts, world.clock)
    return SmsService(world.store, world.vault, world.sender(), Catalogue.load(), MUNICIPALITY.placeholders,
                      followups=answers)


def reply(service: SmsService, text: str, assistant: Assistant, phone: str = PHONE):
    inbound = sms(text, phone)

    async def go():
        assert await service.claim(inbound.message_sid)
        return await service.process(inbound, assistant)

    return asyncio.run(go())


def test_after_the_appointment_a_no_offers_a_new_referral_and_is_recorded(world, clock, twilio):
    world.book_by_sms()
    world.store.set_choices(world.vault.sender_id(PHONE), [])  # what the conversation showed last
    clock.now = FOLLOWUP_TIME
    assert world.followups().run_once() == 1
    assert twilio.to(PHONE) == [
        "Dag, hier is Wegwijs. Je had een afspraak bij OCMW Mechelen - Sociaal Huis (demo). "
        "Kreeg je de hulp die je nodig had?\n1 Ja\n2 Nee"]
    service, assistant = channel(world), Assistant()
    result = reply(service, "2", assistant)
    assert result.outcome == FOLLOWUP_ANSWERED and assistant.heard == [], "answered outside the assistant"
    no = twilio.to(PHONE)[-1]
    assert no.startswith("Jammer. We zoeken graag opnieuw hulp voor je. Schrijf in een paar woorden")
    assert "015 00 00 00" in no
    (job,) = [j for j in world.jobs() if j.kind == FOLLOWUP]
    assert (job.answer, job.answered_at) == ("no", FOLLOWUP_TIME)
    answers = FollowupAnswers(world.engine, world.texts, clock)
    assert answers.answers_for([job.handover_id]) == {job.handover_id: "no"}
    # The new help question goes to the assistant, which starts a new conversation (and referral).
    assert reply(service, "ik heb nog altijd schulden", assistant).outcome == ANSWERED
    assert assistant.heard == ["ik heb nog altijd schulden"]
    assert reply(service, "2", assistant).outcome == ANSWERED, "a later 2 is no follow-up answer any more"


@pytest.mark.parametrize("text, answer, reply_starts", [
    ("1", "yes", "Tant mieux."), ("oui", "yes", "Tant mieux."), ("non", "no", "Dommage."),
])
def test_the_follow_up_and_its_answer_are_in_the_bookings_language(world, clock, twilio, text, answer, reply_starts):
    world.book_by_sms(language="fr")
    clock.now = FOLLOWUP_TIME
    assert world.followups().run_once() == 1
    assert twilio.to(PHONE)[0].endswith("Avez-vous eu l'aide qu'il vous fallait ?\n1 Oui\n2 Non")
    assert reply(channel(world), text, Assistant()).outcome == FOLLOWUP_ANSWERED
    assert twilio.to(PHONE)[-1].startswith(reply_starts)
    assert [j.answer for j in world.jobs() if j.kind == FOLLOWUP] == [answer]


def test_something_else_than_an_answer_goes_to_the_assistant_and_closes_the_question(world, clock, twilio):
    world.book_by_sms()
    clock.now = FOLLOWUP_TIME
    world.followups().run_once()
    service, assistant = channel(world), Assistant()
    assert reply(service, "wanneer opent het OCMW morgen?", assistant).outcome == ANSWERED
    assert assistant.heard == ["wanneer opent het OCMW morgen?"]
    assert [j.answer for j in world.jobs() if j.kind == FOLLOWUP] == ["unclear"]


def test_no_follow_up_for_a_cancelled_booking_or_after_a_week(world, clock, twilio):
    cancelled = world.book_by_sms(phone="+32470000301")
    world.referrals.cancel(cancelled)
    world.book_by_sms(phone="+32470000302", starts_at=STARTS_AT + timedelta(hours=1))
    clock.now = FOLLOWUP_TIME + timedelta(days=8)
    assert world.followups().run_once() == 0
    assert twilio.messages == []


def test_a_follow_up_twilio_refuses_is_retried_until_it_goes_out_once(world, clock, twilio):
    world.book_by_sms()
    twilio.fail(PHONE, *[(503, 20503)] * 4)  # one whole send (four attempts) fails
    clock.now = FOLLOWUP_TIME
    worker = world.followups()
    assert worker.run_once() == 0
    (job,) = world.jobs()
    assert job.done_at is None and job.attempts == 1 and job.last_error == "HTTP 503, code 20503"
    assert worker.run_once() == 0, "not before the backoff"
    clock.now = FOLLOWUP_TIME + timedelta(minutes=1)
    assert worker.run_once() == 1 and worker.run_once() == 0
    assert len(twilio.to(PHONE)) == 1


def test_twilios_opted_out_answer_marks_the_contact(world, clock, twilio):
    world.book_by_sms()
    twilio.fail(PHONE, (400, 21610))
    clock.now = REMINDER_TIME
    assert world.followups().run_once() == 0
    assert world.store.find_contact(world.vault.sender_id(PHONE)).opted_out
    assert [j.outcome for j in world.jobs()] == ["opted_out"]


def failed_reply(world: World, body: str, phone: str = PHONE) -> None:
    sender_id = world.vault.sender_id(phone)
    world.store.contact(sender_id, world.vault.encrypt(phone))
    world.store.record_outbound(OutboundRecord(sender_id, "SM1", "failed", None, 20503, "GSM-7", 1, len(body),
                                               world.vault.encrypt(body)))


def test_a_reply_twilio_did_not_take_is_resent_once_and_its_body_erased(world, twilio):
    failed_reply(world, "Je code is ABCD-EFGH.")
    out = SmsOut(world.store, world.vault, world.sender())
    resends = [Resends(world.engine, out), Resends(world.engine, out)]
    assert [r.run_once() for r in resends] == [1, 0]
    assert twilio.to(PHONE) == ["Je code is ABCD-EFGH."]
    with world.engine.connect() as conn:
        assert conn.execute(select(sms_outbound.c.body_encrypted).where(sms_outbound.c.status == "failed")).scalar() is None


def test_an_old_reply_is_not_resent_after_a_newer_one_went_out(world, twilio):
    failed_reply(world, "1 Ja\n2 Nee")
    world.store.record_outbound(OutboundRecord(world.vault.sender_id(PHONE), "SM2", "sent", "SMx", None, "GSM-7", 1, 5))
    assert Resends(world.engine, SmsOut(world.store, world.vault, world.sender())).run_once() == 0
    assert twilio.messages == [] and [j.outcome for j in world.jobs()] == ["superseded"]


class Failing:
    def run_once(self) -> int:
        raise ConnectionError("database away")


class Counting:
    def __init__(self) -> None:
        self.runs = 0

    def run_once(self) -> int:
        self.runs += 1
        return 1


def test_a_failing_step_does_not_stop_the_others_and_shows_in_health(clock):
    webhooks = Counting()
    worker = Worker(webhooks, followups=Failing(), clock=clock, interval=1.0)
    cycle = worker.run_once()
    assert (cycle.webhooks, webhooks.runs) == (1, 1)
    assert not worker.healthy(), "no complete cycle yet"
    healthy = Worker(webhooks, followups=Counting(), clock=clock, interval=1.0)
    healthy.run_once()
    assert healthy.healthy()
    clock.now += timedelta(minutes=5)
    assert not healthy.healthy(), "cycles stopped completing"


def test_the_loop_stops_when_told(clock):
    stop, webhooks = threading.Event(), Counting()
    worker = Worker(webhooks, clock=clock, interval=0.01)
    thread = threading.Thread(target=worker.run, args=(stop,))
    thread.start()
    while webhooks.runs < 3:
        pass
    stop.set()
    thread.join(timeout=5)
    assert not thread.is_alive()


def test_every_follow_up_text_is_gsm7_in_every_language(world):
    for language in ("nl", "fr", "en"):
        texts = [world.texts.reminder(language, "CAW Demoregio", STARTS_AT, "Modellaan 18, 2800 Mechelen", "ABCD-EFGH"),
                 world.texts.question(language, "CAW Demoregio"),
                 world.texts.answered(language, "yes"), world.texts.answered(language, "no")]
        assert all(is_gsm7(text) for text in texts), (language, texts)


@pytest.mark.parametrize("booked_at, starts_at, possible", [
    (brussels(4, 9), brussels(6, 14), True),  # two days ahead
    (brussels(5, 15), brussels(6, 14), True),  # tomorrow afternoon, booked this afternoon: at 18:00
    (brussels(5, 20), brussels(6, 9), False),  # tomorrow at nine, booked tonight: no daytime moment left
    (brussels(5, 20), brussels(6, 14), True),  # tomorrow afternoon, booked tonight: tomorrow at nine
    (brussels(6, 9), brussels(6, 14), False),  # later today
])
def test_a_reminder_is_offered_only_when_it_can_go_out_in_time(booked_at, starts_at, possible):
    assert timing.can_remind(starts_at, booked_at) is possible


def test_a_citizens_erasure_removes_their_follow_up_rows_and_stops_what_was_planned(world, clock, twilio):
    world.book_by_sms()
    clock.now = REMINDER_TIME
    assert world.followups().run_once() == 1
    erase_conversation(world.engine, world.cipher, world.vault.sender_id(PHONE), clock.now)
    assert world.jobs() == []
    clock.now = FOLLOWUP_TIME
    assert world.followups().run_once() == 0, "no question after the erasure"
    assert len(twilio.to(PHONE)) == 1


def test_the_sender_is_forgotten_a_week_after_the_question_the_answer_is_kept(world, clock, twilio):
    world.book_by_sms()
    clock.now = FOLLOWUP_TIME
    worker = world.followups()
    worker.run_once()
    reply(channel(world), "1", Assistant())
    clock.now = FOLLOWUP_TIME + timedelta(days=9)
    worker.run_once()
    (job,) = [j for j in world.jobs() if j.kind == FOLLOWUP]
    assert (job.sender_id, job.answer) == (None, "yes")
