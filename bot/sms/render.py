"""One bot turn as SMS: texts joined, buttons as numbered lines, within limits.

The bot's messages of one turn become one SMS body where they fit (Twilio
refuses bodies over 1600 characters). Buttons become "1 Ja", "2 Nee"; the
choices are returned so the channel can read a reply of just the number.
A longer turn is split on line boundaries, never inside the numbered list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from bot.sms.gsm import SegmentInfo, for_sms, segments

MAX_BODY_CHARS = 1600  # Twilio's limit per message (error 21617 above it)


@dataclass(frozen=True)
class Choice:
    title: str
    payload: str

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "payload": self.payload}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Choice":
        return cls(str(data.get("title") or ""), str(data.get("payload") or ""))


@dataclass(frozen=True)
class RenderedTurn:
    """The SMS bodies of one turn (usually one) and its numbered choices."""

    bodies: tuple[str, ...]
    choices: tuple[Choice, ...]

    @property
    def measured(self) -> tuple[SegmentInfo, ...]:
        return tuple(segments(body) for body in self.bodies)

    @property
    def segment_count(self) -> int:
        return sum(info.segments for info in self.measured)


def choice_lines(choices: Sequence[Choice], start: int = 1) -> list[str]:
    return [f"{number} {choice.title}" for number, choice in enumerate(choices, start)]


def _buttons(message: Mapping[str, Any]) -> list[Choice]:
    raw = message.get("buttons") or message.get("quick_replies") or []
    choices = []
    for button in raw:
        if not isinstance(button, Mapping):
            continue
        title = " ".join(str(button.get("title") or button.get("payload") or "").split())
        payload = str(button.get("payload") or button.get("title") or "")
        if title:
            choices.append(Choice(for_sms(title), payload))
    return choices


def render_turn(messages: Iterable[Mapping[str, Any]], limit: int = MAX_BODY_CHARS) -> RenderedTurn:
    """Rasa-style bot messages ({"text", "buttons", "image"}) as SMS bodies.

    Choices are numbered across the whole turn, in order. Each text goes
    through `for_sms`, so it stays GSM-7 when the language allows.
    """
    blocks: list[list[str]] = []  # a block is never split (unless it alone is too long)
    choices: list[Choice] = []
    for message in messages:
        text = for_sms(str(message.get("text") or "")).strip()
        if text:
            blocks.extend([line.rstrip()] for line in text.split("\n") if line.strip())
        if message.get("image"):
            blocks.append([str(message["image"])])
        new = _buttons(message)
        if new:
            blocks.append(choice_lines(new, start=len(choices) + 1))
            choices.extend(new)
    return RenderedTurn(tuple(_pack(blocks, limit)), tuple(choices))


def _pack(blocks: list[list[str]], limit: int) -> list[str]:
    bodies: list[str] = []
    current: list[str] = []
    for block in blocks:
        candidate = "\n".join(current + block)
        if len(candidate) <= limit:
            current = current + block
            continue
        if current:
            bodies.append("\n".join(current))
            current = []
        if len("\n".join(block)) <= limit:
            current = list(block)
        else:
            pieces = _cut("\n".join(block), limit)
            bodies.extend(pieces[:-1])
            current = [pieces[-1]]
    if current:
        bodies.append("\n".join(current))
    return bodies


def _cut(text: str, limit: int) -> list[str]:
    """Cuts one over-long text at line ends, else spaces, else hard."""
    pieces: list[str] = []
    while len(text) > limit:
        window = text[:limit]
        at = window.rfind("\n")
        if at <= 0:
            at = window.rfind(" ")
        if at <= 0:
            at = limit
        pieces.append(text[:at].rstrip())
        text = text[at:].lstrip()
    pieces.append(text)
    return [piece for piece in pieces if piece] or [""]
