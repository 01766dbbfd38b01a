"""The offer directory in the database (SQLite and PostgreSQL): import, export, search, neutral order."""

from __future__ import annotations

import copy
import json
from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.life_domains import LIFE_DOMAINS
from bot.offer import DEMO_FILE, Directory, OfferImportError, load_demo, neutral_order
from bot.offer import tables
from bot.offer.hsds import validator
from bot.storage import create_schema, make_engine

TUESDAY_10H = datetime(2025, 3, 4, 10, 0)      # Brussels time
SATURDAY_10H30 = datetime(2025, 3, 8, 10, 30)
MECHELEN, LEUVEN = "2800", "3000"


def demo() -> list[dict]:
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"))


def row_counts(engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (tables.organizations, tables.services, tables.locations, *tables.INDEX_TABLES)
        }


@pytest.fixture
def directory(engine) -> Directory:
    directory = Directory(engine)
    directory.import_hsds(demo())
    return directory


def names(items) -> list[str]:
    return [f"{item.organization_name} / {item.name.nl}" for item in items]


def test_the_export_is_valid_hsds_and_imports_back_to_the_same_directory(directory, sqlite_url, tmp_path):
    exported = directory.export()
    assert len(exported) == sum(len(organization["services"]) for organization in demo())
    check = validator("service")
    for service in exported:
        assert [e.message for e in check.iter_errors(service)] == [], service["name"]
        assert service["organization"]["name"] and service["service_at_locations"][0]["location"]["addresses"]
    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    create_schema(other)
    Directory(other).import_hsds(exported)  # the export's own format: a list of service objects
    assert Directory(other).export() == exported
    other.dispose()


def test_importing_the_same_data_again_changes_nothing(directory, engine):
    before, exported = row_counts(engine), directory.export()
    report = directory.import_hsds(demo())
    assert (report.created, report.updated) == (0, 0)
    assert report.unchanged == report.organizations + report.services + report.locations
    assert row_counts(engine) == before and directory.export() == exported


def test_an_update_by_id_replaces_the_record(directory):
    data = demo()
    data[0]["services"][0]["name"] = "Onthaal"
    report = directory.import_hsds(data)
    assert report.updated == 1 and report.created == 0
    assert any(service["name"] == "Onthaal" for service in directory.export())


def test_an_invalid_file_changes_nothing(directory, engine):
    before, exported = row_counts(engine), directory.export()
    data = demo()
    data[0]["services"][0]["name"] = "Gewijzigd maar niet opgeslagen"  # a valid change ...
    data[-1]["services"][0]["service_areas"][0]["extent"] = "2800,ABCD"  # ... in a file with an invalid record
    with pytest.raises(OfferImportError) as caught:
        directory.import_hsds(data)
    assert f'record {len(data)}, organization "{data[-1]["name"]}"' in str(caught.value)
    assert "service_areas[0].extent" in str(caught.value)
    assert row_counts(engine) == before and directory.export() == exported


def test_a_service_pointing_at_an_unknown_organization_is_refused_and_changes_nothing(directory, engine):
    before = row_counts(engine)
    service = copy.deepcopy(directory.export()[0])
    del service["organization"]
    service.update(id="0d7c5c5e-0000-4000-8000-000000000001", organization_id="0d7c5c5e-0000-4000-8000-000000000002")
    with pytest.raises(OfferImportError) as caught:
        directory.import_hsds([service])
    assert caught.value.problems[0].field == "organization_id"
    assert row_counts(engine) == before


def test_a_service_of_an_organization_already_stored_can_be_imported_alone(directory):
    service = copy.deepcopy(directory.export()[0])
    organization_id = service.pop("organization")["id"]
    service.update(id="0d7c5c5e-0000-4000-8000-000000000003", name="Extra zitdag")
    for link in service["service_at_locations"]:  # point at the stored locations by id only
        link["id"] = "0d7c5c5e-0000-4000-8000-0000000000" + link["id"][-2:]
        link.pop("location")
    report = Directory(directory._engine).import_hsds([service])
    assert (report.created, report.organizations) == (1, 0)
    found = directory.get(service["id"], postcode=MECHELEN)
    assert found.organization_id == organization_id and found.address


def test_replace_makes_the_directory_exactly_the_file(directory, engine):
    own = [organization for organization in demo() if "Leuven" in organization["name"]]
    report = directory.import_hsds(own, replace=True)
    assert report.removed > 0
    assert directory.search(MECHELEN, ["debt"], at=TUESDAY_10H) == []
    assert {s["organization"]["name"] for s in directory.export()} == {o["name"] for o in own}
    load_demo(engine)  # the directory is not empty: the demo stays out
    assert {s["organization"]["name"] for s in directory.export()} == {o["name"] for o in own}


def test_load_demo_fills_only_an_empty_directory(engine):
    load_demo(engine)
    counts = row_counts(engine)
    assert counts["offer_services"] == sum(len(o["services"]) for o in demo())
    load_demo(engine)
    assert row_counts(engine) == counts


def test_every_life_domain_has_offer_in_both_municipalities(directory):
    for postcode in (MECHELEN, LEUVEN):
        for domain in LIFE_DOMAINS:
            items = directory.search(postcode, [domain], at=TUESDAY_10H)
            other_offer = [item for item in items if item.gbo_role is None]
            assert other_offer, f"no other offer for {domain} in {postcode}"
            assert {item.gbo_role for item in items} >= {"ocmw", "caw"}, f"{domain} in {postcode}"
            assert all(domain in item.domains for item in items)


def test_search_finds_by_postcode_including_the_other_postcodes_of_a_municipality(directory):
    mechelen = directory.search(MECHELEN, ["food"], at=TUESDAY_10H)
    heffen = directory.search("2801", ["food"], at=TUESDAY_10H)
    leuven = directory.search(LEUVEN, ["food"], at=TUESDAY_10H)
    assert {i.service_id for i in mechelen} == {i.service_id for i in heffen}
    assert all(item.city == "Mechelen" for item in mechelen if item.gbo_role != "caw")
    assert not {i.service_id for i in mechelen if i.gbo_role is None} & {i.service_id for i in leuven}
    assert directory.search("9000", ["food"], at=TUESDAY_10H) == []


def test_a_regional_service_is_shown_at_its_location_in_the_asked_municipality(directory):
    (caw_mechelen,) = [i for i in directory.search(MECHELEN, ["housing"], at=TUESDAY_10H) if i.gbo_role == "caw"]
    (caw_leuven,) = [i for i in directory.search("3001", ["housing"], at=TUESDAY_10H) if i.gbo_role == "caw"]
    assert caw_mechelen.service_id == caw_leuven.service_id
    assert caw_mechelen.city == "Mechelen" and caw_leuven.city == "Leuven"
    assert caw_mechelen.phone != caw_leuven.phone


def test_search_by_several_domains_takes_any_of_them(directory):
    debt = {i.service_id for i in directory.search(MECHELEN, ["debt"], at=TUESDAY_10H)}
    energy = {i.service_id for i in directory.search(MECHELEN, ["energy"], at=TUESDAY_10H)}
    both = directory.search(MECHELEN, ["debt", "energy"], at=TUESDAY_10H)
    assert {i.service_id for i in both} == debt | energy
    ocmw = next(i for i in both if i.gbo_role == "ocmw")
    assert ocmw.domains == ("debt", "energy")


def test_search_by_language_spoken(directory):
    arabic = directory.search(MECHELEN, [], language="ar", at=TUESDAY_10H)
    assert arabic and all("ar" in item.languages for item in arabic)
    everything = directory.search(MECHELEN, [], at=TUESDAY_10H)
    assert len(arabic) < len(everything)
    assert {i.service_id for i in directory.search(MECHELEN, [], language="ara", at=TUESDAY_10H)} == {
        i.service_id for i in arabic}


def test_open_now_uses_the_schedules(directory):
    tuesday = {i.organization_name for i in directory.search(MECHELEN, ["food"], open_now=True, at=TUESDAY_10H)}
    saturday = {i.organization_name for i in directory.search(MECHELEN, ["food"], open_now=True, at=SATURDAY_10H30)}
    assert "OCMW Mechelen – Sociaal Huis (demo)" in tuesday and "OCMW Mechelen – Sociaal Huis (demo)" not in saturday
    assert saturday == {"Sociale Kruidenier Mechelen vzw (demo)"}
    night = directory.search(MECHELEN, [], open_now=True, at=datetime(2025, 3, 4, 23, 0))
    assert night == []


def test_core_actors_are_the_ocmw_the_caw_and_each_health_fund(directory):
    debt = directory.core_actors(MECHELEN, ["debt"], at=TUESDAY_10H)
    roles = Counter(item.gbo_role for item in debt)
    assert roles == {"ocmw": 1, "caw": 1, "health_fund": 5}
    assert {i.organization_name for i in debt if i.gbo_role == "ocmw"} == {"OCMW Mechelen – Sociaal Huis (demo)"}
    food = directory.core_actors(LEUVEN, ["food"], at=TUESDAY_10H)
    assert Counter(item.gbo_role for item in food) == {"ocmw": 1, "caw": 1}
    assert len(directory.core_actors(LEUVEN, [], at=TUESDAY_10H)) == 7
    search_core = [i for i in directory.search(MECHELEN, ["debt"], at=TUESDAY_10H) if i.gbo_role]
    assert [i.service_id for i in neutral_order(search_core, TUESDAY_10H)] == [i.service_id for i in debt]


def test_every_fitting_provider_is_listed(directory):
    exported = directory.export()
    for postcode, domain in ((MECHELEN, "debt"), (LEUVEN, "care"), ("3018", "legal")):
        expected = {
            service["id"] for service in exported
            if any(postcode in area["extent"].split(",") for area in service["service_areas"])
            and any(a.get("taxonomy_term", {}).get("code") == domain for a in service["attributes"])
        }
        assert {i.service_id for i in directory.search(postcode, [domain], at=TUESDAY_10H)} == expected


def test_the_neutral_order_gives_every_provider_each_place_equally_often(directory):
    first_day = directory.search(MECHELEN, ["debt"], at=TUESDAY_10H)
    n = len(first_day)
    assert n >= 5
    days = [directory.search(MECHELEN, ["debt"], at=TUESDAY_10H + timedelta(days=d)) for d in range(n)]
    first = Counter(day[0].service_id for day in days)
    assert set(first) == {i.service_id for i in first_day} and set(first.values()) == {1}
    for place in range(n):
        assert len({day[place].service_id for day in days}) == n  # each provider in each place once
    # the same all day long and for everyone, and the same as the rule applied to any list
    assert [i.service_id for i in directory.search(MECHELEN, ["debt"], at=TUESDAY_10H.replace(hour=23))] == [
        i.service_id for i in first_day]
    assert neutral_order(list(reversed(first_day)), TUESDAY_10H) == first_day


def test_the_neutral_order_is_alphabetical_rotated_by_the_day(directory):
    items = directory.search(LEUVEN, ["work"], at=TUESDAY_10H)
    alphabetical = sorted(items, key=lambda i: (i.organization_name.casefold(), i.name.nl.casefold()))
    start = TUESDAY_10H.date().toordinal() % len(items)
    assert items == alphabetical[start:] + alphabetical[:start]


def test_get_returns_one_item_or_none(directory):
    item = directory.search(LEUVEN, ["energy"], at=TUESDAY_10H)[0]
    assert directory.get(item.service_id, postcode=LEUVEN, domains=["energy"]) == item
    assert directory.get("0d7c5c5e-0000-4000-8000-00000000ffff") is None


def test_bad_search_input_is_refused(directory):
    with pytest.raises(ValueError, match="postcode"):
        directory.search("28OO", ["debt"])
    with pytest.raises(ValueError, match="life domain"):
        directory.search(MECHELEN, ["money"])
