"""Sending one SMS to a sender id on the worker's behalf, as the channel does.

The number is decrypted only here, just before Twilio gets it. A contact
that sent STOP gets nothing; Twilio's own "opted out" answer (21610) marks
the contact opted out, as the SMS service does. Every attempt is recorded in
`sms_outbound` (segments, outcome), never with the body: the job keeps what
is needed to try again.
"""

from __future__ import annotations

from typing import Optional

from bot.followup.queue import NO_SMS_CONTACT, OPTED_OUT, SENT
from bot.sms.gsm import segments
from bot.sms.privacy import PhoneVault
from bot.sms.service import Sender
from bot.sms.store import OutboundRecord, SmsStore
from bot.sms import twilio_api

FAILED = "failed"  # not an outcome: the job is tried again


class SmsOut:
    def __init__(self, store: SmsStore, vault: PhoneVault, sender: Sender) -> None:
        self.store = store
        self.vault = vault
        self.sender = sender

    def send(self, sender_id: Optional[str], body: str, reply_to: Optional[str] = None) -> tuple[str, Optional[str]]:
        """(SENT | OPTED_OUT | NO_SMS_CONTACT | FAILED, error for a failure)."""
        contact = self.store.find_contact(sender_id) if sender_id else None
        if contact is None:
            return NO_SMS_CONTACT, None
        if contact.opted_out:
            return OPTED_OUT, None
        try:
            phone = self.vault.decrypt(contact.phone_encrypted)
        except ValueError:
            return NO_SMS_CONTACT, None  # encrypted with a key that is gone
        result = self.sender.send(phone, body)
        info = segments(body)
        self.store.record_outbound(OutboundRecord(
            sender_id=contact.sender_id, reply_to=reply_to, status=result.status, twilio_sid=result.twilio_sid,
            error_code=result.error_code, encoding=info.encoding, segments=info.segments, chars=info.chars,
        ))
        if result.status == twilio_api.SENT:
            return SENT, None
        if result.status == twilio_api.OPTED_OUT:
            self.store.set_opted_out(contact.sender_id, True)
            return OPTED_OUT, None
        return FAILED, f"HTTP {result.http_status}, code {result.error_code}"
