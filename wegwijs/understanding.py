"""The trained model's reading of a message, through the live code path:
the same inbound cleaning as every channel, then Rasa's NLU graph with
Wegwijs' triage components."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path
from typing import Any, Optional

from bot.inbound import clean_inbound_text, inbound_text
from bot.triage.assessment import FOREIGN_INTENT, Assessment

ASSESSMENT_KEY = "wegwijs"


class Understanding:
    def __init__(self, model_path: Path) -> None:
        from rasa.core.agent import Agent
        from rasa.utils.log_utils import configure_structlog

        # Rasa logs message texts at debug level, and to stdout; our stdout
        # carries results. Warnings and errors only, on stderr.
        configure_structlog(logging.WARNING)
        logging.basicConfig(stream=sys.stderr, level=logging.WARNING, force=True)

        self._loop = asyncio.new_event_loop()
        self._agent = self._loop.run_until_complete(_load(Agent, model_path))

    def parse(self, text: Any) -> dict:
        # As the channels do: cleaned, and personal data masked, before the NLU sees it.
        cleaned = inbound_text(text).text
        return self._loop.run_until_complete(self._agent.parse_message(cleaned))

    def triage(self, text: Any, explained: bool = False) -> dict:
        """One line of `wegwijs triage` output (contracts §2).

        `explained` adds whether the answer would carry the safety line and
        what raised the crisis flag (for `wegwijs eval`; not part of the contract).
        """
        parsed = self.parse(text)
        assessment = Assessment.from_dict(parsed.get(ASSESSMENT_KEY))
        line = assessment.contract_line(text if isinstance(text, str) else clean_inbound_text(text))
        if explained:
            # The offer in a language we do not chat in always ends with the help lines.
            routed = (parsed.get("intent") or {}).get("name")
            line["safety_line"] = assessment.needs_safety_line or (not assessment.crisis and routed == FOREIGN_INTENT)
            line["crisis_reasons"] = list(assessment.crisis_reasons)
        return line

    def close(self) -> None:
        self._loop.close()


async def _load(agent_class: Any, model_path: Path) -> Any:
    return agent_class.load(str(model_path))


def load_understanding(model_path: Optional[Path] = None) -> Understanding:
    from wegwijs.training import current_model

    return Understanding(model_path or current_model())
