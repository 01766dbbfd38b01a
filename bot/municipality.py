"""The municipality's own settings: Sociaal Huis, CAW, night shelter, privacy."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import yaml

OWN_PRIVACY_PATH = "/privacy"
PRIVACY_DEFAULT_LANGUAGE = "nl"  # the statement at /privacy without a language


@dataclass(frozen=True)
class Municipality:
    name: str
    sociaal_huis_name: str
    sociaal_huis_phone: str
    sociaal_huis_address: str
    sociaal_huis_hours: Mapping[str, str]
    caw_name: str
    caw_phone: str
    night_shelter: Mapping[str, str]
    privacy_url: str
    retention_days: int
    # Wegwijs' own statement (/privacy) has a page per language; a municipality's own URL is kept as it is.
    own_privacy_page: bool = True

    @classmethod
    def load(cls, path: Path) -> "Municipality":
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ValueError(f"municipality settings not found: {path}") from None
        try:
            privacy_url = str(data.get("privacy_url", OWN_PRIVACY_PATH))
            return cls(
                name=str(data["name"]),
                sociaal_huis_name=str(data["sociaal_huis"]["name"]),
                sociaal_huis_phone=str(data["sociaal_huis"]["phone"]),
                sociaal_huis_address=str(data["sociaal_huis"]["address"]),
                sociaal_huis_hours=dict(data["sociaal_huis"]["hours"]),
                caw_name=str(data["caw"]["name"]),
                caw_phone=str(data["caw"]["phone"]),
                night_shelter=dict(data["night_shelter"]),
                privacy_url=privacy_url,
                retention_days=int(data.get("retention_days", 30)),
                own_privacy_page=privacy_url == OWN_PRIVACY_PATH,
            )
        except (KeyError, TypeError) as error:
            raise ValueError(f"{path}: missing or malformed setting {error}") from None

    def privacy_url_in(self, language: str) -> str:
        """The privacy statement in this language: /privacy/fr, /privacy/en; Dutch at /privacy itself."""
        if not self.own_privacy_page or language == PRIVACY_DEFAULT_LANGUAGE:
            return self.privacy_url
        return f"{self.privacy_url.rstrip('/')}/{language}"

    def placeholders(self, language: str) -> dict[str, str]:
        """Values for the {placeholders} of the texts, in the given language."""

        def pick(values: Mapping[str, str]) -> str:
            return values.get(language) or values.get("nl") or next(iter(values.values()), "")

        return {
            "municipality": self.name,
            "sociaal_huis": self.sociaal_huis_name,
            "phone": self.sociaal_huis_phone,
            "address": self.sociaal_huis_address,
            "hours": pick(self.sociaal_huis_hours),
            "caw": self.caw_name,
            "caw_phone": self.caw_phone,
            "night_shelter": pick(self.night_shelter),
            "privacy_url": self.privacy_url_in(language),
            "retention_days": str(self.retention_days),
        }
