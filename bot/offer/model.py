"""The values the offer directory hands out: one offer item, its texts, import results."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Optional

from bot.language import DEFAULT_LANGUAGE


@dataclass(frozen=True)
class LocalText:
    """One text in the three chat languages (a missing translation holds the Dutch text)."""

    nl: str
    fr: str
    en: str

    def get(self, language: str) -> str:
        return getattr(self, language) if language in ("nl", "fr", "en") else getattr(self, DEFAULT_LANGUAGE)


@dataclass(frozen=True)
class OfferItem:
    """One fitting service at one location, with everything the citizen needs to choose.

    `domains` are the question's life domains that this service takes (empty when
    the question named none). `gbo_role` is `ocmw`, `caw` or
    `health_fund` for a GBO core actor's reception service, None for other offer.
    """

    service_id: str
    organization_id: str
    organization_name: str
    gbo_role: Optional[str]
    name: LocalText
    description: Optional[LocalText]
    domains: tuple[str, ...]
    location_id: Optional[str]
    address: Optional[str]
    city: Optional[str]
    phone: Optional[str]
    opening_hours: Optional[LocalText]
    languages: tuple[str, ...]
    cost: Optional[LocalText]
    accessibility: Optional[LocalText]
    required_documents: tuple[LocalText, ...]
    eligibility: Optional[LocalText]
    url: Optional[str]
    email: Optional[str]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: texts become {"nl": ..., "fr": ..., "en": ...}."""
        return asdict(self)


@dataclass(frozen=True)
class Problem:
    """One reason an import was refused: which record, which field, what is wrong."""

    record: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.record}: field {self.field or '(record)'}: {self.message}"


class OfferImportError(ValueError):
    """The HSDS data was refused; nothing was stored. `problems` names each record and field."""

    SHOWN = 20

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = [f"- {problem}" for problem in problems[: self.SHOWN]]
        if len(problems) > self.SHOWN:
            lines.append(f"- ... and {len(problems) - self.SHOWN} more")
        super().__init__(f"invalid HSDS data, nothing was imported ({len(problems)} problem(s)):\n" + "\n".join(lines))


@dataclass(frozen=True)
class ImportReport:
    """What one import stored: records per kind in the file, how many of them were new,
    changed or the same, and (when replacing) how many records not in the file were removed."""

    organizations: int
    services: int
    locations: int
    created: int
    updated: int
    unchanged: int
    removed: int = 0
