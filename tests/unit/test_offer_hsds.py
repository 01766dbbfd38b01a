"""The shipped demo directory and the HSDS checks of imports (no database needed)."""

from __future__ import annotations

import copy
import filecmp
import json
import re
from pathlib import Path

import pytest

from bot.language import CHAT_LANGUAGES
from bot.offer import DEMO_FILE, OfferImportError
from bot.offer.hsds import (
    LIFE_DOMAIN_TAXONOMY,
    SCHEMA_DIR,
    TRANSLATION_TAXONOMY,
    gbo_role,
    life_domains,
    local_text,
    parse,
    term_id,
    validator,
)

SHARED_COMPILED = Path(__file__).resolve().parents[3] / "shared" / "hsds-3.0" / "schema" / "compiled"
ORG_ID = "11111111-1111-4111-8111-111111111111"
SERVICE_ID = "22222222-2222-4222-8222-222222222222"
LOCATION_ID = "33333333-3333-4333-8333-333333333333"


def demo() -> list[dict]:
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"))


def domain_attribute(code: str, ident: str = "44444444-4444-4444-8444-444444444444") -> dict:
    return {"id": ident, "taxonomy_term": {"id": term_id(LIFE_DOMAIN_TAXONOMY, code), "code": code, "name": code,
                                           "description": code, "taxonomy": LIFE_DOMAIN_TAXONOMY}}


def small_service(**changes) -> dict:
    service = {
        "id": SERVICE_ID, "name": "Schuldhulp", "status": "active",
        "organization": {"id": ORG_ID, "name": "Testorganisatie", "description": "Test."},
        "service_areas": [{"id": "55555555-5555-4555-8555-555555555555", "extent": "2800", "extent_type": "postcodes"}],
        "attributes": [domain_attribute("debt")],
    }
    service.update(changes)
    return service


def problems_of(data) -> list:
    with pytest.raises(OfferImportError) as caught:
        parse(data)
    return caught.value.problems


def test_the_schema_copy_is_the_official_compiled_schema():
    for name in ("service.json", "organization.json"):
        copied = SCHEMA_DIR / name
        assert json.loads(copied.read_text(encoding="utf-8"))["properties"]["id"]["format"] == "uuid"
        if SHARED_COMPILED.exists():  # the project's checkout sits beside ../shared
            assert filecmp.cmp(copied, SHARED_COMPILED / name, shallow=False), f"{name} differs from the official schema"
    assert (SCHEMA_DIR / "LICENSE").read_text(encoding="utf-8").startswith("The Human Services Data Specification")


def test_every_demo_record_validates_against_the_official_organization_schema():
    check = validator("organization")
    for organization in demo():
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in check.iter_errors(organization)]
        assert errors == [], organization["name"]


def test_the_demo_passes_wegwijs_checks_and_covers_two_municipalities():
    parsed = parse(demo())
    assert len(parsed.services) >= 40
    cities = {a["city"] for loc in parsed.locations.values() for a in loc["addresses"]}
    assert cities == {"Mechelen", "Leuven"}
    roles = [gbo_role(s) for s in parsed.services.values() if gbo_role(s)]
    assert roles.count("ocmw") == 2 and roles.count("caw") == 1 and roles.count("health_fund") >= 5


def test_the_demo_is_plainly_demo_data():
    parsed = parse(demo())
    for organization in parsed.organizations.values():
        assert organization["name"].endswith("(demo)")
        assert "DEMO" in organization["description"] and "wegwijs offer import" in organization["description"]
        for code in ("fr", "en"):
            note = local_text(organization, "description").get(code)
            assert ("DEMO" in note or "DÉMO" in note) and "wegwijs offer import" in note
    text = DEMO_FILE.read_text(encoding="utf-8")
    numbers = re.findall(r'"number": "([^"]*)"', text)
    assert numbers and all(re.fullmatch(r"01[56] 00 00 \d\d", number) for number in numbers)
    hosts = re.findall(r"@([\w.-]+)|https?://([\w.-]+)", text)
    assert all((mail or web).endswith("example.org") for mail, web in hosts)
    assert not any(contact.get("name") for s in parsed.services.values() for contact in s.get("contacts") or ())


def test_every_demo_service_reads_in_dutch_french_and_english():
    for service in parse(demo()).services.values():
        for field in ("name", "description", "fees_description"):
            text = local_text(service, field)
            assert text and len({text.nl, text.fr, text.en}) == 3, (service["name"], field)
        for document in service.get("required_documents") or ():
            text = local_text(document, "document")
            assert len({text.nl, text.fr, text.en}) == 3


def test_translations_are_attributes_and_missing_ones_fall_back_to_dutch():
    record = {"description": "Gratis hulp.", "attributes": [{
        "id": "66666666-6666-4666-8666-666666666666", "link_type": "description", "value": "Aide gratuite.",
        "taxonomy_term_id": term_id(TRANSLATION_TAXONOMY, "fr"),
    }]}
    text = local_text(record, "description")
    assert (text.nl, text.fr, text.en) == ("Gratis hulp.", "Aide gratuite.", "Gratis hulp.")
    assert [text.get(code) for code in CHAT_LANGUAGES] == ["Gratis hulp.", "Aide gratuite.", "Gratis hulp."]
    assert local_text(record, "name") is None


def test_a_service_list_with_embedded_organization_and_location_is_split_into_records():
    location = {"id": LOCATION_ID, "location_type": "physical", "addresses": [{
        "id": "77777777-7777-4777-8777-777777777777", "address_1": "Voorbeeldstraat 1", "city": "Mechelen",
        "state_province": "Vlaanderen", "postal_code": "2800", "country": "BE", "address_type": "physical"}]}
    service = small_service(service_at_locations=[{"id": "88888888-8888-4888-8888-888888888888", "location": location}])
    parsed = parse([service])
    assert set(parsed.organizations) == {ORG_ID} and set(parsed.locations) == {LOCATION_ID}
    stored = parsed.services[SERVICE_ID]
    assert stored["organization_id"] == ORG_ID and "organization" not in stored
    assert stored["service_at_locations"][0]["location_id"] == LOCATION_ID
    assert "location" not in stored["service_at_locations"][0]
    assert life_domains(stored) == ("debt",)


@pytest.mark.parametrize(
    "change, record, field",
    [
        ({"id": "not-a-uuid"}, 'service "Schuldhulp" (id not-a-uuid)', "id"),
        ({"status": "open"}, 'service "Schuldhulp"', "status"),
        ({"phones": [{"id": "99999999-9999-4999-8999-999999999999"}]}, 'service "Schuldhulp"', "phones[0].number"),
        ({"email": "no mail address"}, 'service "Schuldhulp"', "email"),
        ({"attributes": []}, 'service "Schuldhulp"', "attributes"),
        ({"attributes": [domain_attribute("money")]}, 'service "Schuldhulp"', "attributes[0].taxonomy_term.code"),
        ({"service_areas": [{"id": "55555555-5555-4555-8555-555555555555", "extent": "2800,28000", "extent_type": "postcodes"}]},
         'service "Schuldhulp"', "service_areas[0].extent"),
        ({"schedules": [{"id": "99999999-9999-4999-8999-999999999999", "freq": "WEEKLY", "byday": "MO", "opens_at": "9 uur"}]},
         'service "Schuldhulp"', "schedules[0].opens_at"),
    ],
)
def test_an_invalid_service_is_refused_naming_the_record_and_the_field(change, record, field):
    bad = small_service(**change)
    problems = problems_of([small_service(id="aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", name="Goed"), bad])
    assert any(record in p.record and p.record.startswith("record 2") and p.field == field for p in problems), problems
    assert f"field {field}" in str(OfferImportError(problems))


def test_a_nested_record_is_named_with_its_organization():
    organization = {"id": ORG_ID, "name": "Testorganisatie", "description": "Test.",
                    "locations": [{"id": LOCATION_ID, "location_type": "physical", "addresses": [{
                        "id": "77777777-7777-4777-8777-777777777777", "address_1": "Voorbeeldstraat 1", "city": "Mechelen",
                        "state_province": "Vlaanderen", "postal_code": "B-2800", "country": "BE", "address_type": "physical"}]}],
                    "services": [{"id": SERVICE_ID, "name": "Schuldhulp", "status": "active"}]}
    schema_problems = problems_of([organization])  # the service misses nothing the schema needs, but its domain
    assert [(p.record, p.field) for p in schema_problems] == [
        ('record 1, organization "Testorganisatie" (id 11111111-1111-4111-8111-111111111111), service "Schuldhulp" '
         '(id 22222222-2222-4222-8222-222222222222)', "attributes"),
        ('record 1, organization "Testorganisatie" (id 11111111-1111-4111-8111-111111111111), location '
         '(id 33333333-3333-4333-8333-333333333333)', "addresses[0].postal_code"),
    ]
    del organization["services"][0]["status"]
    (problem,) = problems_of([organization])
    assert problem.record.endswith('service "Schuldhulp" (id 22222222-2222-4222-8222-222222222222)')
    assert problem.field == "status"


def test_the_file_must_be_a_list_of_objects_and_ids_may_not_clash():
    assert problems_of({"id": ORG_ID})[0].record == "file"
    assert problems_of([small_service(), "text"])[0].record == "record 2"
    other = small_service(name="Iets anders")
    assert any(p.field == "id" and "twice" in p.message for p in problems_of([small_service(), other]))
    assert parse([small_service(), copy.deepcopy(small_service())]).services  # the same record twice is fine
