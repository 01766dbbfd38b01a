"""HSDS 3.0 records: validation against the official schemas, and Wegwijs' conventions.

Every record is validated against the compiled HSDS 3.0 schemas shipped in
`bot/data/offer/hsds-3.0/` (Draft 2020-12, format checks on). On top of the
schema, Wegwijs reads four conventions, all plain HSDS:

- Life domains: a service carries at least one attribute whose taxonomy term
  belongs to the taxonomy `wegwijs-life-domain`; the term's `code` is a life
  domain of contracts §1 (`debt`, `housing`, ...).
- Core actors: the service through which an organisation takes part in the GBO
  (its reception / social service) carries an attribute of the taxonomy
  `wegwijs-gbo-role` with code `ocmw`, `caw` or `health_fund`.
- Postcodes served: a `service_area` with `extent_type` `postcodes` lists
  Belgian postcodes, comma-separated, in `extent` (one area per municipality,
  so a regional service lists several). A service without such an area serves
  the postcodes of its locations' Belgian addresses.
- Translations: text fields are in Dutch (the directory's language). A French
  or English version is an attribute on the same object, of the taxonomy
  `wegwijs-translation`, whose term code is the language (`fr`, `en`), whose
  `link_type` names the field (`name`, `description`, `fees_description`,
  `document`, ...) and whose `value` is the translated text.

A term belongs to a Wegwijs taxonomy when its `taxonomy` field or its
`taxonomy_detail.name` is the taxonomy's name, or when the attribute points
with `taxonomy_term_id` at the fixed term id `term_id(taxonomy, code)`.
"""

from __future__ import annotations

import copy
import json
import re
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

from jsonschema import Draft202012Validator, FormatChecker

from bot.language import CHAT_LANGUAGES
from bot.life_domains import LIFE_DOMAINS
from bot.offer.model import LocalText, OfferImportError, Problem
from bot.offer.schedules import check_schedule

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "offer"
SCHEMA_DIR = DATA_DIR / "hsds-3.0"

LIFE_DOMAIN_TAXONOMY = "wegwijs-life-domain"
GBO_ROLE_TAXONOMY = "wegwijs-gbo-role"
TRANSLATION_TAXONOMY = "wegwijs-translation"
GBO_ROLES: tuple[str, ...] = ("ocmw", "caw", "health_fund")
POSTCODE_EXTENT_TYPE = "postcodes"
DIRECTORY_LANGUAGE = "nl"

_TAXONOMY_CODES = {
    LIFE_DOMAIN_TAXONOMY: LIFE_DOMAINS,
    GBO_ROLE_TAXONOMY: GBO_ROLES,
    TRANSLATION_TAXONOMY: CHAT_LANGUAGES,
}
# Fixed ids, so files that only point at a term by id are understood too.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/wegwijs/taxonomies")
_POSTCODE = re.compile(r"[1-9][0-9]{3}")
# ISO 639-3 / 639-2 codes of the languages Wegwijs knows, folded to ISO 639-1.
_LANGUAGE_ALIASES = {
    "nld": "nl", "dut": "nl", "fra": "fr", "fre": "fr", "eng": "en", "deu": "de", "ger": "de",
    "ara": "ar", "tur": "tr", "pol": "pl", "ron": "ro", "rum": "ro", "ukr": "uk", "rus": "ru",
    "spa": "es", "ita": "it", "por": "pt",
}


def taxonomy_id(taxonomy: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, taxonomy))


def term_id(taxonomy: str, code: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{taxonomy}/{code}"))


_KNOWN_TERM_IDS = {
    term_id(taxonomy, code): (taxonomy, code) for taxonomy, codes in _TAXONOMY_CODES.items() for code in codes
}


# --- the official schemas -------------------------------------------------------------------

@lru_cache(maxsize=None)
def validator(kind: str) -> Draft202012Validator:
    """The validator for `service` or `organization` records (built once)."""
    schema = json.loads((SCHEMA_DIR / f"{kind}.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=FormatChecker())


def schema_problems(kind: str, record: dict, label: str) -> list[Problem]:
    """Every way `record` breaks the official schema, each naming the field."""
    problems = []
    for error in sorted(validator(kind).iter_errors(record), key=lambda e: [str(p) for p in e.absolute_path]):
        path = list(error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            missing = [name for name in error.validator_value if name not in error.instance]
            path += missing[:1]
        problems.append(Problem(_nested_label(label, record, path), field_path(_inner_path(path)), error.message))
    return problems


def field_path(path: Iterable[Any]) -> str:
    """['phones', 0, 'number'] -> 'phones[0].number'."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _inner_path(path: list) -> list:
    """The field path inside a nested service or location of an organization."""
    if len(path) >= 2 and path[0] in ("services", "locations") and isinstance(path[1], int):
        return path[2:]
    return path


def _nested_label(label: str, record: dict, path: list) -> str:
    if len(path) >= 2 and path[0] in ("services", "locations") and isinstance(path[1], int):
        try:
            nested = record[path[0]][path[1]]
        except (KeyError, IndexError, TypeError):
            return label
        kind = "service" if path[0] == "services" else "location"
        return f"{label}, {describe(kind, nested)}"
    return label


def describe(kind: str, record: Any) -> str:
    """'service "Onthaal" (id 0b5e...)', for messages."""
    if not isinstance(record, dict):
        return kind
    name = record.get("name")
    ident = record.get("id")
    text = kind
    if isinstance(name, str) and name:
        text += f' "{name}"'
    if isinstance(ident, str) and ident:
        text += f" (id {ident})"
    return text


# --- Wegwijs' conventions ------------------------------------------------------------------

def wegwijs_terms(record: dict, taxonomy: str) -> Iterator[tuple[int, str, dict]]:
    """(index, code, attribute) for each attribute of `record` in the given Wegwijs taxonomy."""
    for index, attribute in enumerate(record.get("attributes") or ()):
        found = _term_of(attribute)
        if found and found[0] == taxonomy:
            yield index, found[1], attribute


def _term_of(attribute: Any) -> Optional[tuple[str, str]]:
    if not isinstance(attribute, dict):
        return None
    term = attribute.get("taxonomy_term")
    if isinstance(term, dict):
        detail = term.get("taxonomy_detail") if isinstance(term.get("taxonomy_detail"), dict) else {}
        for name in (term.get("taxonomy"), detail.get("name")):
            if name in _TAXONOMY_CODES:
                return name, str(term.get("code") or "")
        if term.get("taxonomy_id") in {taxonomy_id(name) for name in _TAXONOMY_CODES}:
            name = next(n for n in _TAXONOMY_CODES if taxonomy_id(n) == term.get("taxonomy_id"))
            return name, str(term.get("code") or "")
        if term.get("id") in _KNOWN_TERM_IDS:
            return _KNOWN_TERM_IDS[term["id"]]
    return _KNOWN_TERM_IDS.get(attribute.get("taxonomy_term_id"))


def life_domains(service: dict) -> tuple[str, ...]:
    """The service's life domains, in the order of contracts §1."""
    codes = {code for _, code, _ in wegwijs_terms(service, LIFE_DOMAIN_TAXONOMY)}
    return tuple(code for code in LIFE_DOMAINS if code in codes)


def gbo_role(service: dict) -> Optional[str]:
    return next((code for _, code, _ in wegwijs_terms(service, GBO_ROLE_TAXONOMY)), None)


def local_text(record: Optional[dict], field_name: str) -> Optional[LocalText]:
    """The field in nl/fr/en: the record's own text, with its translation attributes."""
    if not record:
        return None
    base = record.get(field_name)
    versions = {
        code: attribute["value"]
        for _, code, attribute in wegwijs_terms(record, TRANSLATION_TAXONOMY)
        if attribute.get("link_type") == field_name and isinstance(attribute.get("value"), str) and attribute["value"].strip()
    }
    if not isinstance(base, str) or not base.strip():
        base = versions.get(DIRECTORY_LANGUAGE)
    if not base:
        return None
    return LocalText(**{code: versions.get(code, base) for code in CHAT_LANGUAGES})


def area_postcodes(service: dict) -> list[str]:
    """Postcodes listed in the service's `postcodes` service areas."""
    codes: list[str] = []
    for area in service.get("service_areas") or ():
        if area.get("extent_type") == POSTCODE_EXTENT_TYPE:
            codes += [code.strip() for code in str(area.get("extent") or "").split(",") if code.strip()]
    return codes


def address_postcodes(location: dict) -> list[str]:
    return [
        str(address.get("postal_code", "")).strip()
        for address in location.get("addresses") or ()
        if str(address.get("country", "")).upper() == "BE"
    ]


def language_code(language: dict) -> Optional[str]:
    code = str(language.get("code") or "").strip().lower()
    return _LANGUAGE_ALIASES.get(code, code) or None


def language_codes(records: Iterable[dict]) -> list[str]:
    codes: list[str] = []
    for record in records:
        code = language_code(record)
        if code and code not in codes:
            codes.append(code)
    return codes


def is_postcode(text: str) -> bool:
    return bool(_POSTCODE.fullmatch(text))


# --- parsing a file ---------------------------------------------------------------------

@dataclass
class Parsed:
    """A file split into records: organizations and locations as given, services
    with `organization_id` set and each service_at_location's embedded location
    replaced by its `location_id`. `labels` name each record for messages."""

    organizations: dict[str, dict] = field(default_factory=dict)
    services: dict[str, dict] = field(default_factory=dict)
    locations: dict[str, dict] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)


def parse(data: Any) -> Parsed:
    """Validates a whole file; raises OfferImportError listing every problem found."""
    if not isinstance(data, list):
        raise OfferImportError([Problem("file", "", "expected a JSON list of HSDS organization or service objects")])
    parsed = Parsed()
    problems: list[Problem] = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            problems.append(Problem(f"record {number}", "", "expected a JSON object"))
            continue
        kind = "service" if _looks_like_service(item) else "organization"
        label = f"record {number}, {describe(kind, item)}"
        found = schema_problems(kind, item, label)
        if found:
            problems += found
            continue
        if kind == "organization":
            problems += _add_organization(parsed, item, label)
        else:
            problems += _add_service(parsed, item, label, parent=None)
    if not problems:
        for service_id, service in parsed.services.items():
            problems += _service_problems(service, parsed.labels[service_id])
        for location_id, location in parsed.locations.items():
            problems += _location_problems(location, parsed.labels[location_id])
    if problems:
        raise OfferImportError(problems)
    return parsed


def _looks_like_service(item: dict) -> bool:
    """A list may hold organizations or services; services have a status (required) and no
    nested services or locations."""
    if "services" in item or "locations" in item:
        return False
    return any(key in item for key in ("status", "organization", "organization_id", "service_at_locations", "service_areas"))


def _add(parsed: Parsed, bucket: dict, record: dict, label: str) -> list[Problem]:
    ident = record["id"]
    if ident in bucket and bucket[ident] != record:
        return [Problem(label, "id", f"the id {ident} is used twice in this file, with different content")]
    bucket[ident] = record
    parsed.labels.setdefault(ident, label)
    return []


def _add_organization(parsed: Parsed, item: dict, label: str) -> list[Problem]:
    item = copy.deepcopy(item)
    problems = []
    for location in item.get("locations") or ():
        location.setdefault("organization_id", item["id"])
        problems += _add(parsed, parsed.locations, location, f"{label}, {describe('location', location)}")
    for service in item.get("services") or ():
        problems += _add_service(parsed, service, f"{label}, {describe('service', service)}", parent=item["id"])
    organization = {key: value for key, value in item.items() if key not in ("services", "locations")}
    return problems + _add(parsed, parsed.organizations, organization, label)


def _add_service(parsed: Parsed, item: dict, label: str, parent: Optional[str]) -> list[Problem]:
    service = copy.deepcopy(item)
    problems: list[Problem] = []
    organization = service.pop("organization", None)
    owners = {ident for ident in (parent, service.get("organization_id"), (organization or {}).get("id")) if ident}
    if len(owners) > 1:
        return [Problem(label, "organization_id", "does not match the organization it belongs to")]
    if not owners:
        return [Problem(label, "organization_id", "every service needs its organization (organization_id or organization)")]
    service["organization_id"] = owners.pop()
    if organization:
        organization = copy.deepcopy(organization)
        for location in organization.pop("locations", None) or ():
            location.setdefault("organization_id", organization["id"])
            problems += _add(parsed, parsed.locations, location, f"{label}, organization, {describe('location', location)}")
        organization.pop("services", None)
        problems += _add(parsed, parsed.organizations, organization, f"{label}, {describe('organization', organization)}")
    for index, link in enumerate(service.get("service_at_locations") or ()):
        location = link.pop("location", None)
        if location:
            if link.get("location_id", location["id"]) != location["id"]:
                problems.append(Problem(label, f"service_at_locations[{index}].location_id", "does not match its location's id"))
                continue
            link["location_id"] = location["id"]
            problems += _add(parsed, parsed.locations, location, f"{label}, {describe('location', location)}")
        elif not link.get("location_id"):
            problems.append(Problem(label, f"service_at_locations[{index}]", "needs a location or a location_id"))
    return problems + _add(parsed, parsed.services, service, label)


def _service_problems(service: dict, label: str) -> list[Problem]:
    problems = []
    domains = list(wegwijs_terms(service, LIFE_DOMAIN_TAXONOMY))
    if not domains:
        problems.append(Problem(
            label, "attributes",
            f"needs at least one life domain: an attribute with a term of taxonomy {LIFE_DOMAIN_TAXONOMY} "
            f"whose code is one of {', '.join(LIFE_DOMAINS)}",
        ))
    for index, code, _ in domains:
        if code not in LIFE_DOMAINS:
            problems.append(Problem(label, f"attributes[{index}].taxonomy_term.code", f"{code!r} is not a life domain ({', '.join(LIFE_DOMAINS)})"))
    for index, code, _ in wegwijs_terms(service, GBO_ROLE_TAXONOMY):
        if code not in GBO_ROLES:
            problems.append(Problem(label, f"attributes[{index}].taxonomy_term.code", f"{code!r} is not a GBO role ({', '.join(GBO_ROLES)})"))
    for index, area in enumerate(service.get("service_areas") or ()):
        if area.get("extent_type") == POSTCODE_EXTENT_TYPE:
            codes = [code.strip() for code in str(area.get("extent") or "").split(",")]
            wrong = [code for code in codes if not is_postcode(code)]
            if wrong or not codes:
                problems.append(Problem(label, f"service_areas[{index}].extent", f"expected Belgian 4-digit postcodes separated by commas, not {wrong[:3]}"))
    problems += _schedule_problems(service, label, "")
    for index, link in enumerate(service.get("service_at_locations") or ()):
        problems += _schedule_problems(link, label, f"service_at_locations[{index}].")
    problems += _translation_problems(service, label, "")
    return problems


def _location_problems(location: dict, label: str) -> list[Problem]:
    problems = []
    for index, address in enumerate(location.get("addresses") or ()):
        code = str(address.get("postal_code", "")).strip()
        if str(address.get("country", "")).upper() == "BE" and not is_postcode(code):
            problems.append(Problem(label, f"addresses[{index}].postal_code", f"{code!r} is not a Belgian 4-digit postcode"))
    problems += _schedule_problems(location, label, "")
    problems += _translation_problems(location, label, "")
    return problems


def _schedule_problems(record: dict, label: str, prefix: str) -> list[Problem]:
    problems = []
    for index, schedule in enumerate(record.get("schedules") or ()):
        for name, message in check_schedule(schedule):
            problems.append(Problem(label, f"{prefix}schedules[{index}].{name}", message))
    return problems


def _translation_problems(record: Any, label: str, prefix: str) -> list[Problem]:
    """Translation attributes anywhere in the record need a chat language, a field and a text."""
    problems = []
    if isinstance(record, dict):
        for index, code, attribute in wegwijs_terms(record, TRANSLATION_TAXONOMY):
            where = f"{prefix}attributes[{index}]"
            if code not in CHAT_LANGUAGES:
                problems.append(Problem(label, f"{where}.taxonomy_term.code", f"{code!r} is not a chat language ({', '.join(CHAT_LANGUAGES)})"))
            if not attribute.get("link_type"):
                problems.append(Problem(label, f"{where}.link_type", "a translation names the field it translates"))
            if not str(attribute.get("value") or "").strip():
                problems.append(Problem(label, f"{where}.value", "a translation needs its text"))
        for key, value in record.items():
            if key != "attributes":
                problems += _translation_problems(value, label, f"{prefix}{key}.")
    elif isinstance(record, list):
        for index, value in enumerate(record):
            problems += _translation_problems(value, label, f"{prefix.rstrip('.')}[{index}].")
    return problems
