"""The inbound gate (masking, rate limit, erasure after the turn, sender ids, body sizes)
and the production start-up checks: secrets, channels, listening addresses."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml
from cryptography.fernet import Fernet
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from sanic import Sanic
from sqlalchemy import insert, select

from bot.privacy.erasure import ERASE_SIGNAL
from bot.privacy.ratelimit import SenderRateLimiter
from bot.privacy.sealing import Sealer
from bot.privacy.tables import erasure_pending_table
from bot.privacy.tracker_store import TRACKER_METADATA, events_table
from bot.settings import PROJECT_ROOT, Settings, SettingsError
from bot.sms.settings import SmsSettings
from bot.storage import create_schema, make_engine
from connectors.inbound import MAX_REQUEST_BYTES, InboundGate, cap_request_sizes
from wegwijs.supervisor import Ports, components

KEY = Fernet.generate_key().decode()


@pytest.fixture
def database(tmp_path):
    url = f"sqlite:///{tmp_path / 'gate.db'}"
    engine = make_engine(url)
    create_schema(engine)
    TRACKER_METADATA.create_all(engine)
    return url, engine


def gate(url: str, per_minute: int = 20) -> InboundGate:
    return InboundGate(Sealer.from_secret_key(KEY), SenderRateLimiter(per_minute), url)


def run(handler, text, sender="s-1", metadata=None, channel="rest"):
    output = CollectingOutputChannel()
    message = UserMessage(text, output, sender, input_channel=channel, metadata=metadata)
    asyncio.run(handler(message))
    return message, output.messages


def test_the_gate_masks_and_seals_before_rasa_and_drops_forged_metadata(database):
    url, _ = database
    seen = []

    async def rasa(message):
        seen.append((message.text, message.metadata))

    message, _ = run(gate(url).wrap(rasa), "/bel me op 0486 55 44 33", metadata={"wegwijs_sealed": "forged", "x": 1})
    text, metadata = seen[0]
    assert text == "bel me op [☎]"
    assert metadata["x"] == 1 and metadata["wegwijs_sealed"][0]["kind"] == "phone"
    assert Sealer.from_secret_key(KEY).open("phone", metadata["wegwijs_sealed"][0]["token"]) == "+32486554433"


def test_over_the_limit_a_message_goes_no_further_and_gets_a_polite_answer_in_three_languages(database):
    url, _ = database
    reached = []

    async def rasa(message):
        reached.append(message.text)

    handler = gate(url, per_minute=2).wrap(rasa)
    answers = [run(handler, "hallo")[1] for _ in range(3)]
    assert reached == ["hallo", "hallo"] and answers[:2] == [[], []]
    (polite,) = answers[2]
    assert "Even geduld" in polite["text"] and "Un instant" in polite["text"] and "Please wait" in polite["text"]


def test_the_erase_signal_is_kept_from_the_channel_and_the_tracker_goes_after_the_turn(database):
    url, engine = database
    with engine.begin() as conn:
        conn.execute(insert(events_table).values(sender_id="s-1", type_name="user", timestamp=1.0,
                                                 data=json.dumps({"message_id": "SMx"})))
        conn.execute(insert(erasure_pending_table).values(sender_id="s-1", requested_at=datetime.now(timezone.utc)))
    during = []

    async def rasa(message):
        with engine.connect() as conn:
            during.append(len(conn.execute(select(events_table)).all()))
        await message.output_channel.send_response("s-1", {"text": "Klaar."})
        await message.output_channel.send_response("s-1", {"custom": ERASE_SIGNAL})

    _, messages = run(gate(url).wrap(rasa), "ja")
    assert during == [1], "nothing is deleted while Rasa still works on the turn"
    assert [m.get("text") for m in messages] == ["Klaar."] and all("custom" not in m for m in messages)
    with engine.connect() as conn:
        assert conn.execute(select(events_table)).all() == []
        assert conn.execute(select(erasure_pending_table)).all() == []


def test_a_turn_without_the_signal_deletes_nothing(database):
    url, engine = database
    with engine.begin() as conn:
        conn.execute(insert(events_table).values(sender_id="s-1", type_name="user", timestamp=1.0, data="{}"))

    async def rasa(message):
        await message.output_channel.send_response("s-1", {"text": "Dag!"})

    assert run(gate(url).wrap(rasa), "hallo")[1][0]["text"] == "Dag!"
    with engine.connect() as conn:
        assert len(conn.execute(select(events_table)).all()) == 1


def test_an_oversized_sender_id_is_refused(database):
    url, _ = database
    reached = []

    async def rasa(message):
        reached.append(message)

    run(gate(url).wrap(rasa), "hallo", sender="x" * 256)
    assert reached == []


def test_request_bodies_and_websocket_frames_are_capped():
    app = Sanic("privacy_cap_test")
    cap_request_sizes(app)
    assert app.config.REQUEST_MAX_SIZE == MAX_REQUEST_BYTES == 64 * 1024
    assert app.config.WEBSOCKET_MAX_SIZE == MAX_REQUEST_BYTES


PRODUCTION = {
    "WEGWIJS_ENV": "production", "WEGWIJS_DATABASE_URL": "postgresql://wegwijs@db/wegwijs",
    "WEGWIJS_CHAT_ORIGINS": "https://www.demostad.be", "WEGWIJS_PUBLIC_URL": "https://chat.demostad.be",
}


@pytest.mark.parametrize("key, problem", [
    (None, "required"),
    ("", "required"),
    ("A" * 43 + "=", "placeholder"),
    ("not-a-key", "not a Fernet key"),
    (f"{KEY},{'B' * 43}=", "placeholder"),
])
def test_production_refuses_a_missing_or_placeholder_secret_key(key, problem):
    env = dict(PRODUCTION, **({"WEGWIJS_SECRET_KEY": key} if key is not None else {}))
    with pytest.raises(SettingsError, match=problem):
        Settings.from_env(env)
    assert Settings.from_env(dict(PRODUCTION, WEGWIJS_SECRET_KEY=KEY)).secret_key == KEY


def test_production_refuses_the_sms_channel_without_its_secrets():
    env = dict(PRODUCTION, WEGWIJS_SECRET_KEY=KEY, TWILIO_ACCOUNT_SID="AC" + "1" * 32, TWILIO_FROM_NUMBER="+3215000000",
               SMS_PUBLIC_URL="https://chat.demostad.be/webhooks/sms/webhook")
    with pytest.raises(SettingsError, match="TWILIO_AUTH_TOKEN"):
        SmsSettings.from_env(env)
    with pytest.raises(SettingsError, match="https"):
        SmsSettings.from_env(dict(env, TWILIO_AUTH_TOKEN="t" * 32, SMS_PUBLIC_URL="http://chat.demostad.be/x"))


def test_production_has_no_rest_channel_no_http_api_and_a_private_action_server(monkeypatch):
    credentials = yaml.safe_load((PROJECT_ROOT / "config" / "production" / "credentials.yml").read_text())
    assert set(credentials) == {"connectors.web.WebChatInput", "connectors.sms.SmsInput"}
    monkeypatch.delenv("WEGWIJS_ACTIONS_HOST", raising=False)
    parts = {c.name: c for c in components("production", Path("model.tar.gz"), Ports())}
    assert "--enable-api" not in parts["rasa"].command and "rest" not in " ".join(parts["rasa"].command)
    assert parts["actions"].env["SANIC_HOST"] == "127.0.0.1"
