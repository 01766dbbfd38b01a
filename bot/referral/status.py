"""The handover status machine: sent -> received -> accepted -> completed,
or rejected / no_show / cancelled where that makes sense."""

from __future__ import annotations

from types import MappingProxyType

from bot.referral.errors import IllegalStatusMove

STATUSES: tuple[str, ...] = ("sent", "received", "accepted", "completed", "rejected", "no_show", "cancelled")

TRANSITIONS = MappingProxyType(
    {
        "sent": ("received", "rejected", "cancelled"),
        "received": ("accepted", "rejected", "cancelled"),
        "accepted": ("completed", "no_show", "cancelled"),
        "completed": (),
        "rejected": (),
        "no_show": (),
        "cancelled": (),
    }
)
# The citizen may cancel (withdraw) or move until a caseworker accepted.
CITIZEN_CANCELLABLE: tuple[str, ...] = ("sent", "received")
CITIZEN_MOVABLE: tuple[str, ...] = ("sent", "received")
# A rejected or cancelled handover gives its slot back to others.
FREES_SLOT: tuple[str, ...] = ("rejected", "cancelled")
# Statuses that hold their slot (one such handover per slot, enforced by an index too).
HOLDS_SLOT: tuple[str, ...] = tuple(s for s in STATUSES if s not in FREES_SLOT)


def legal_moves(current: str) -> tuple[str, ...]:
    return TRANSITIONS.get(current, ())


def check_move(current: str, new: str) -> None:
    """Raises IllegalStatusMove with a message a caseworker understands."""
    if new not in STATUSES:
        raise IllegalStatusMove(current, new, f"unknown status {new!r}; known: {', '.join(STATUSES)}")
    if new == current:
        raise IllegalStatusMove(current, new, f"the handover is already {current}")
    allowed = legal_moves(current)
    if new not in allowed:
        if not allowed:
            raise IllegalStatusMove(current, new, f"the handover is {current}, which is final; it cannot become {new}")
        raise IllegalStatusMove(
            current, new, f"a handover that is {current} cannot become {new}; it can become: {', '.join(allowed)}"
        )
