"""What can go wrong in a referral, as exceptions the conversation and the inbox can name."""

from __future__ import annotations


class ReferralError(Exception):
    """Base of every referral error; the message is safe to log (no personal data)."""


class SlotUnavailable(ReferralError):
    """The slot cannot be booked (any reason); the citizen should pick another."""


class SlotTaken(SlotUnavailable):
    """Someone else booked the slot first."""


class SlotNotFound(SlotUnavailable, LookupError):
    """No such slot for this organisation (or it was removed)."""


class SlotInvalid(ReferralError, ValueError):
    """A slot with impossible times or an unknown kind."""


class CalendarError(ReferralError, ValueError):
    """An iCalendar text that cannot be read."""


class FieldNotAllowed(ReferralError, ValueError):
    """A field outside the allowed handover fields."""


class FieldInvalid(ReferralError, ValueError):
    """An allowed field with a value that cannot be sent (too long, wrong form)."""


class ConsentMissing(ReferralError, ValueError):
    """The consent does not cover what would be sent."""


class UnknownReference(ReferralError, LookupError):
    """No booking has this reference code."""


class HandoverNotFound(ReferralError, LookupError):
    """No handover with this id for the asking organisation."""


class IllegalStatusMove(ReferralError):
    """A status change the status machine does not allow."""

    def __init__(self, current: str, new: str, message: str) -> None:
        super().__init__(message)
        self.current = current
        self.new = new


class AccountError(ReferralError, ValueError):
    """An account cannot be created as asked."""


class LoginRefused(ReferralError):
    """Wrong name or password (deliberately not saying which)."""


class TooManyAttempts(LoginRefused):
    """Too many wrong passwords for this account in a short time."""
