"""The citizen's answer to "did you get the help you needed?", read by the SMS channel.

Kept outside the assistant on purpose: the worker cannot set the Rasa
conversation's state, and a reply of "2" days later must not pick a choice of
an old conversation. So the SMS service asks `FollowupAnswers.answer` first:
a sender with an open follow-up question (sent in the last week, not answered)
who replies "1", "2", "ja", "nee", "oui", "non" ... gets the answer recorded
on the job (the organisation's overview reads it with `answers_for`) and a
short reply. A "no" invites them to write their question again, which starts
a new conversation, and a new referral, through the assistant as usual. Any
other message closes the open question (answer `unclear`) and goes on to the
assistant unchanged.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Iterable, Optional

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from bot.flow.choices import yes_or_no
from bot.followup.followups import FOLLOWUP
from bot.followup.messages import NO, YES, FollowupTexts
from bot.followup.queue import SENT
from bot.followup.tables import followup_job
from bot.referral.slots import Clock, utcnow
from bot.sms.choices import resolve_choice

ANSWER_WITHIN = timedelta(days=7)
UNCLEAR = "unclear"


class FollowupAnswers:
    def __init__(self, engine: Engine, texts: FollowupTexts, clock: Clock = utcnow) -> None:
        self._engine = engine
        self._texts = texts
        self._clock = clock

    def answer(self, sender_id: str, text: str) -> Optional[str]:
        """The reply if `text` answers this sender's open follow-up question (then recorded), else None."""
        now = self._clock()
        j = followup_job
        query = (
            select(j.c.id, j.c.language)
            .where(j.c.sender_id == sender_id, j.c.kind == FOLLOWUP, j.c.outcome == SENT, j.c.answer.is_(None),
                   j.c.done_at > now - ANSWER_WITHIN)
            .order_by(j.c.done_at.desc(), j.c.id.desc())
        )
        with self._engine.connect() as conn:
            open_question = conn.execute(query).first()
        if open_question is None:
            return None
        answer = self._read(open_question.language, text)
        with self._engine.begin() as conn:
            recorded = conn.execute(
                update(j).where(j.c.id == open_question.id, j.c.answer.is_(None))
                .values(answer=answer or UNCLEAR, answered_at=now)
            ).rowcount
        if answer is None or recorded != 1:
            return None  # something else: the assistant answers it
        return self._texts.answered(open_question.language, answer)

    def _read(self, language: str, text: str) -> Optional[str]:
        choice = resolve_choice(text, self._texts.choices(language))
        if choice is not None:
            return choice.payload
        said = yes_or_no(text)
        return None if said is None else (YES if said else NO)

    def answers_for(self, handover_ids: Iterable[str]) -> dict[str, str]:
        """handover id -> yes | no | unclear, for the follow-ups that were answered."""
        ids = list(handover_ids)
        if not ids:
            return {}
        j = followup_job
        query = select(j.c.handover_id, j.c.answer).where(
            j.c.kind == FOLLOWUP, j.c.handover_id.in_(ids), j.c.answer.isnot(None))
        with self._engine.connect() as conn:
            return {row.handover_id: row.answer for row in conn.execute(query)}
