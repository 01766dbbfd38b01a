"""The privacy statement, in the citizen's language (/privacy, /privacy/fr, /privacy/en)."""

from __future__ import annotations

import html
from pathlib import Path

import yaml

from bot.municipality import Municipality
from webapp.chat_page import DEFAULT_LANGUAGE, LANGUAGES, TEMPLATES_DIR


class PrivacyPage:
    """privacy.html filled from privacy_texts.yml, one page per language, rendered once."""

    def __init__(self, municipality: Municipality, templates: Path = TEMPLATES_DIR) -> None:
        template = (templates / "privacy.html").read_text(encoding="utf-8")
        texts = yaml.safe_load((templates / "privacy_texts.yml").read_text(encoding="utf-8"))
        self.pages = {language: _render(template, texts[language], municipality, language) for language in LANGUAGES}

    def render(self, language: str) -> str:
        return self.pages.get(language) or self.pages[DEFAULT_LANGUAGE]


def _render(template: str, texts: dict, municipality: Municipality, language: str) -> str:
    values = municipality.placeholders(language)

    def text(raw: str) -> str:
        return html.escape(" ".join(str(raw).split()).format_map(values))

    parts = [f"<h1>{text(texts['title'])}</h1>", f"<p>{text(texts['intro'])}</p>"]
    for section in texts["sections"]:
        parts.append(f"<h2>{text(section['heading'])}</h2>")
        parts.extend(f"<p>{text(paragraph)}</p>" for paragraph in section["text"])
    filled = {"lang": language, "title": text(texts["title"]), "body": "\n".join(parts)}
    for key, value in filled.items():
        template = template.replace("{{" + key + "}}", value)
    return template
