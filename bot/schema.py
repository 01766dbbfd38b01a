"""Registers every Wegwijs table on bot.storage.METADATA (imported by create_schema).

Each feature adds one import line here for its tables module.
"""
import bot.offer.tables  # noqa: F401  (local offer directory)
import bot.sms.store  # noqa: F401  (SMS channel: message ids, contacts, outbound log)
import bot.referral.tables  # noqa: F401  (warm referral: slots, handovers, consent, audit, accounts)
import bot.followup.tables  # noqa: F401  (follow-up worker: reminders, "did you get help?", resends)
import bot.privacy.tables  # noqa: F401  (privacy: erasure receipts, pending tracker erasures)
