"""The local offer for the citizen's postcode, neutral and complete; they choose an organisation."""

from __future__ import annotations

from typing import Sequence

from bot import offer
from bot.dialogue import Button, Reply, Turn
from bot.flow import parsing
from bot.flow._base import FlowBase, Inbound, actor_state
from bot.flow.steps import OFFER, POSTCODE
from bot.offer import OfferItem


class OfferSteps(FlowBase):
    def _ask_postcode(self, language: str, state: dict, *before: Reply) -> Turn:
        if state.get("postcode"):
            return self._show_offer(language, state, *before)
        return self._turn(POSTCODE, {**state, "options": []}, *before, self._reply(language, "ask_postcode"))

    def _on_postcode(self, language: str, state: dict, message: Inbound) -> Turn:
        code = parsing.postcode(message.text)
        if code is None and state.get("options") and self._picked(state, message.text) == 0:
            # "More details" on the rights found, then the same question again.
            state = {**state, "options": []}
            return self._turn(POSTCODE, state, *self._rights_details(language, state), self._reply(language, "ask_postcode"))
        if code is None:
            return self._turn(POSTCODE, state, self._reply(language, "postcode_unclear", self._stored_buttons(state)))
        state["postcode"] = code
        state["profile"] = {**state.get("profile", {}), "postcode": code}
        return self._show_offer(language, state)

    def _show_offer(self, language: str, state: dict, *before: Reply, explain_again: bool = False) -> Turn:
        postcode, domains = state["postcode"], state["domains"]
        services = self.directory.search(postcode, domains, at=self.clock())
        actors = self.directory.core_actors(postcode, domains, at=self.clock())
        if not actors:
            return self._turn(None, state, *before, self._reply(language, "offer_none", postcode=postcode))
        replies = list(before)
        # SMS (every 160 characters paid): only the choices, with who-does-what and the rest of the offer one reply away.
        compact = state.get("channel") == "sms" and not explain_again
        if explain_again:
            replies.append(self._reply(language, "offer_explain_again"))
        elif not compact and (others := [s for s in services if s.gbo_role is None]):
            # The core actors follow with their advice and as the choices; here the rest of the offer.
            lines = [offer.short_line(s, language) for s in others]
            replies.append(Reply("\n".join([self.texts.get(language, "offer_intro"), *(f"- {l}" for l in lines)])))
        if not compact:
            advice = offer.orienting_advice(domains, actors, language)
            replies.append(Reply("\n".join([self.texts.get(language, "offer_advice_intro"), *advice])))
        choices = _health_funds_as_one(actors, self.texts.get(language, "offer_health_funds")) if compact else [
            actor_state(a) for a in actors]
        buttons = [Button(c["name"], c["name"]) for c in choices]
        extra = ["offer_dont_know", "offer_no_referral"] if explain_again else ["offer_dont_know", "offer_more", "offer_no_referral"]
        buttons += self._buttons(language, *extra)
        state = {**self._remember(state, buttons), "actors": choices}
        choose = self.texts.get(language, "offer_choose_sms" if compact else "offer_choose")
        replies.append(Reply(choose, tuple(buttons)))
        return self._turn(OFFER, state, *replies)

    def _on_offer_choice(self, language: str, state: dict, message: Inbound) -> Turn:
        actors = state.get("actors") or []
        picked = self._picked(state, message.text)
        if picked is None:
            return self._unclear(OFFER, language, state, "offer_choose_again")
        if picked < len(actors):
            if actors[picked].get("members"):  # "your health fund" (SMS): which one is theirs
                members = actors[picked]["members"]
                buttons = [Button(m["name"], m["name"]) for m in members] + self._buttons(language, "offer_no_referral")
                state = {**self._remember(state, buttons), "actors": members}
                return self._turn(OFFER, state, self._reply(language, "offer_which_fund", buttons))
            state["org"] = actors[picked]
            return self._ask_slot(language, state, "appointment")
        extra = state["options"][picked][0]
        if extra == self.texts.get(language, "offer_dont_know"):
            return self._show_offer(language, state, explain_again=True)
        if extra == self.texts.get(language, "offer_more"):
            services = self.directory.search(state["postcode"], state["domains"], at=self.clock())
            details = [Reply(offer.details(s, language)) for s in services]
            if state.get("channel") == "sms":  # one line each, not a page each
                details = [Reply("\n".join([self.texts.get(language, "offer_intro"), *(f"- {offer.short_line(s, language)}" for s in services)]))]
            buttons = [b for b in self._stored_buttons(state) if b.payload != extra]
            state = self._remember(state, buttons)
            return self._turn(OFFER, state, *details, Reply(self.texts.get(language, "offer_choose"), tuple(buttons)))
        return self._turn(None, state, self._reply(language, "offer_no_referral_done"))



def _health_funds_as_one(actors: Sequence[OfferItem], title: str) -> list[dict]:
    """The choices for SMS: the health funds' social services as one, where the first of
    them stands in the neutral order (a citizen belongs to one fund; it is asked next)."""
    funds = [actor_state(a) for a in actors if a.gbo_role == "health_fund"]
    if len(funds) < 2:
        return [actor_state(a) for a in actors]
    choices: list[dict] = []
    for item in actors:
        if item.gbo_role != "health_fund":
            choices.append(actor_state(item))
        elif not any("members" in c for c in choices):
            choices.append({"name": title, "members": funds})
    return choices

