"""The Twilio sender against a local stand-in of the Messages API (wegwijs.twilio_standin)."""

from __future__ import annotations

import pytest

from bot.sms.twilio_api import FAILED, OPTED_OUT, SENT, TwilioSender
from wegwijs.twilio_standin import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, TwilioStandIn

__all__ = ["ACCOUNT_SID", "AUTH_TOKEN", "FROM_NUMBER", "TwilioStandIn"]  # the SMS integration tests import these here


@pytest.fixture
def twilio():
    stand_in = TwilioStandIn().start()
    yield stand_in
    stand_in.stop()


def sender(twilio: TwilioStandIn, **kwargs) -> TwilioSender:
    return TwilioSender(ACCOUNT_SID, AUTH_TOKEN, from_number=FROM_NUMBER, api_base_url=twilio.url,
                        sleep=lambda _: None, **kwargs)


def test_a_message_goes_to_the_configured_api_with_the_official_client(twilio):
    result = sender(twilio).send("+32470000001", "Dag! 1 Ja\n2 Nee")
    assert result.status == SENT and result.twilio_sid.startswith("SM")
    assert twilio.messages == [{"To": "+32470000001", "From": FROM_NUMBER, "Body": "Dag! 1 Ja\n2 Nee"}]


def test_a_messaging_service_replaces_the_from_number(twilio):
    TwilioSender(ACCOUNT_SID, AUTH_TOKEN, messaging_service_sid="MG" + "1" * 32, api_base_url=twilio.url).send(
        "+32470000001", "Dag"
    )
    assert twilio.messages[0]["MessagingServiceSid"] == "MG" + "1" * 32 and "From" not in twilio.messages[0]


def test_429_and_5xx_are_retried_until_the_message_is_accepted(twilio):
    waits = []
    twilio.fail("+32470000002", (429, 20429), (503, 20503))
    result = TwilioSender(ACCOUNT_SID, AUTH_TOKEN, from_number=FROM_NUMBER, api_base_url=twilio.url,
                          backoff_seconds=0.5, sleep=waits.append).send("+32470000002", "Dag")
    assert result.status == SENT and result.attempts == 3
    assert waits == [0.5, 1.0], "exponential backoff"
    assert twilio.to("+32470000002") == ["Dag"]


def test_giving_up_after_the_last_attempt_is_a_failure_not_an_exception(twilio):
    twilio.fail("+32470000003", *[(500, 20500)] * 5)
    result = sender(twilio, attempts=3).send("+32470000003", "Dag")
    assert (result.status, result.http_status, result.attempts) == (FAILED, 500, 3)
    assert twilio.to("+32470000003") == []


def test_an_opted_out_number_is_reported_as_such_and_not_retried(twilio):
    twilio.fail("+32470000004", (400, 21610))
    result = sender(twilio).send("+32470000004", "Dag")
    assert (result.status, result.error_code, result.attempts) == (OPTED_OUT, 21610, 1)
    assert twilio.requests == 1


def test_other_client_errors_are_not_retried(twilio):
    twilio.fail("+32470000005", (400, 21211))
    result = sender(twilio).send("+32470000005", "Dag")
    assert (result.status, result.error_code, twilio.requests) == (FAILED, 21211, 1)


def test_an_unreachable_api_is_retried_then_a_failure(caplog):
    result = TwilioSender(ACCOUNT_SID, AUTH_TOKEN, from_number=FROM_NUMBER, api_base_url="http://127.0.0.1:9",
                          attempts=2, sleep=lambda _: None).send("+32470000006", "geheim bericht")
    assert (result.status, result.attempts) == (FAILED, 2)
    assert "+32470000006" not in caplog.text and "geheim" not in caplog.text
