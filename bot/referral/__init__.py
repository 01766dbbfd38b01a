"""Warm referral: slots, booking with consent, handover to a caseworker inbox.

The conversation (actions/) calls:

    referrals = Referrals(make_engine(url), FieldCipher.from_settings(settings))
    referrals.slots.open_slots(org_id, "appointment", after=None, limit=3)
    shown = consent_text(org_name, fields, "appointment", language)   # show shown.text
    booking = referrals.book(slot_id, org_id, values, ConsentGiven(shown), conversation_id, language, reminders)
    referrals.by_reference(code) / cancel(code) / move(code, slot_id) / booking_ics(code, org_name, address)

The inbox and the JSON API (webapp/inbox.py) use Accounts and the caseworker
half of Referrals (handovers_for, handover_for, set_status); Deliveries pushes
new handovers to an organisation's webhook (`wegwijs referral deliver`).
"""

from bot.referral.accounts import ROLES, Account, Accounts, NewAccount, Session, SessionTicket
from bot.referral.audit import Actor, AuditEntry
from bot.referral.codes import REFERENCE_ALPHABET, display_reference, normalise_reference
from bot.referral.consent import PURPOSES, ConsentGiven, ConsentText, consent_text, special_category_text
from bot.referral.crypto import FieldCipher
from bot.referral.delivery import Deliveries, WebhookError, verify_signature
from bot.referral.errors import (
    AccountError,
    CalendarError,
    ConsentMissing,
    FieldInvalid,
    FieldNotAllowed,
    HandoverNotFound,
    IllegalStatusMove,
    LoginRefused,
    ReferralError,
    SlotInvalid,
    SlotNotFound,
    SlotTaken,
    SlotUnavailable,
    TooManyAttempts,
    UnknownReference,
)
from bot.referral.fields import (
    ALLOWED_FIELDS,
    CONTACT_FIELDS,
    OPTIONAL_FIELDS,
    REQUIRED_FIELDS,
    SPECIAL_CATEGORY_FIELDS,
)
from bot.referral.referrals import Booking, BookingView, ConsentRecord, HandoverRecord, Referrals
from bot.referral.slots import KINDS, ImportResult, Slot, SlotListing, Slots
from bot.referral.status import STATUSES, TRANSITIONS, legal_moves

__all__ = [
    "ALLOWED_FIELDS", "CONTACT_FIELDS", "KINDS", "OPTIONAL_FIELDS", "PURPOSES", "REFERENCE_ALPHABET",
    "REQUIRED_FIELDS", "ROLES", "SPECIAL_CATEGORY_FIELDS", "STATUSES", "TRANSITIONS",
    "Account", "AccountError", "Accounts", "Actor", "AuditEntry", "Booking", "BookingView", "CalendarError",
    "ConsentGiven", "ConsentMissing", "ConsentRecord", "ConsentText", "Deliveries", "FieldCipher", "FieldInvalid",
    "FieldNotAllowed", "HandoverNotFound", "HandoverRecord", "IllegalStatusMove", "ImportResult", "LoginRefused",
    "NewAccount", "ReferralError", "Referrals", "Session", "SessionTicket", "Slot", "SlotInvalid", "SlotListing",
    "SlotNotFound", "SlotTaken", "SlotUnavailable", "Slots", "TooManyAttempts", "UnknownReference", "WebhookError",
    "consent_text", "display_reference", "legal_moves", "normalise_reference", "special_category_text", "verify_signature",
]
