"""The flow's first part: may the citizen have rights? A few questions, then "may be"."""

from __future__ import annotations

from typing import Sequence

from bot import rights
from bot.dialogue import Button, Reply, Turn
from bot.flow._base import FlowBase, Inbound
from bot.flow.steps import POSTCODE, RIGHTS_OFFER, RIGHTS_QUESTION, RIGHTS_RESULT


class RightsSteps(FlowBase):
    def _on_rights_offer(self, language: str, state: dict, message: Inbound) -> Turn:
        yes = self._yes(state, message)
        if yes is None:
            return self._unclear(RIGHTS_OFFER, language, state, "offer_choose_again")
        if not yes:
            return self._ask_postcode(language, state)
        return self._next_right_question(language, state)

    def _next_right_question(self, language: str, state: dict, *before: Reply) -> Turn:
        question = rights.next_question(state["profile"], state["domains"], state["skipped"], self.catalogue, self._today())
        if question is None:
            return self._rights_result(language, state, *before)
        labels = [c.label for c in question.choices(language)] + [question.skip_label(language)]
        buttons = [Button(label, label) for label in labels]
        state = {**self._remember(state, buttons), "question": question.field}
        return self._turn(RIGHTS_QUESTION, state, *before, Reply(question.prompt(language), tuple(buttons)))

    def _on_rights_answer(self, language: str, state: dict, message: Inbound) -> Turn:
        field = state.get("question") or ""
        skip_button = len(state.get("options") or []) - 1
        if self._picked(state, message.text) == skip_button:
            answer = rights.SKIP
        else:
            answer = rights.parse_answer(field, message.text, language)
        if answer is rights.SKIP:
            state["skipped"] = [*state["skipped"], field]
        elif answer.is_value:
            state["profile"] = {**state["profile"], field: answer.value}
            if field == "postcode":
                state["postcode"] = answer.value
        else:
            return self._unclear(RIGHTS_QUESTION, language, state, "rights_unclear")
        return self._next_right_question(language, state)

    def _exploration(self, state: dict) -> rights.Exploration:
        return rights.explore(state["profile"], self.catalogue, self._today())

    def _rights_result(self, language: str, state: dict, *before: Reply) -> Turn:
        exploration = self._exploration(state)
        lines = rights.summary_lines(exploration, self.catalogue, language, state["domains"])
        state = {**state, "rights_found": [f.code for f in exploration.may_be_entitled], "question": None}
        if not lines:
            return self._ask_postcode(language, state, *before, self._reply(language, "rights_none"))
        result = Reply("\n".join([*(f"- {line}" for line in lines), self.texts.get(language, "rights_result_check")]))
        if state.get("channel") == "sms":  # the names, a line per kind; who decides is one reply away ("more")
            result = Reply(self._rights_in_short(language, exploration, state["domains"]))
        details = self._buttons(language, "rights_details")
        if not state.get("postcode"):
            # The next question comes at once; the details stay one button away.
            state = self._remember(state, details)
            return self._turn(POSTCODE, state, *before, result, self._reply(language, "ask_postcode", details))
        buttons = details + self._buttons(language, "rights_continue")
        return self._turn(RIGHTS_RESULT, self._remember(state, buttons), *before, Reply(result.text, tuple(buttons)))

    def _rights_in_short(self, language: str, exploration: rights.Exploration, domains: Sequence[str]) -> str:
        wanted = set(domains)
        may = [self.catalogue[f.code].name(language) for f in exploration.may_be_entitled]
        check = [self.catalogue[t.code].name(language) for t in exploration.to_check
                 if not wanted or wanted & set(self.catalogue[t.code].domains)]
        lines = [self._text(language, key, names=", ".join(names))
                 for key, names in (("rights_may_sms", may), ("rights_check_sms", check)) if names]
        return "\n".join([*lines, self.texts.get(language, "rights_result_check")])

    def _on_rights_result(self, language: str, state: dict, message: Inbound) -> Turn:
        if self._picked(state, message.text) != 0:
            return self._ask_postcode(language, state)
        return self._ask_postcode(language, {**state, "options": []}, *self._rights_details(language, state))

    def _rights_details(self, language: str, state: dict) -> list[Reply]:
        exploration = self._exploration(state)
        wanted = set(state["domains"])
        codes = [f.code for f in exploration.may_be_entitled] + [
            t.code for t in exploration.to_check if wanted & set(self.catalogue[t.code].domains)]
        return [Reply(rights.details(code, exploration, self.catalogue, language)) for code in codes]
