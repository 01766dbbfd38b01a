"""The local offer directory in Wegwijs' database: import, export and search.

Import validates the whole file first (bot.offer.hsds), then writes it in one
transaction: a refused file, or one whose records point at unknown ones,
changes nothing. Records are upserted by id, so importing the same data again
changes nothing either. Search filters on the index tables and returns items
in the neutral order of bot.offer.ordering.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from bot.life_domains import check_domains
from bot.offer import tables
from bot.offer.hsds import (
    DATA_DIR,
    POSTCODE_EXTENT_TYPE,
    Parsed,
    address_postcodes,
    area_postcodes,
    gbo_role,
    is_postcode,
    language_code,
    language_codes,
    life_domains,
    local_text,
    parse,
)
from bot.offer.model import ImportReport, LocalText, OfferImportError, OfferItem, Problem
from bot.offer.ordering import neutral_order
from bot.offer.render import cost_text, opening_hours
from bot.offer.schedules import is_open, local_moment

DEMO_FILE = DATA_DIR / "demo.json"
_CHUNK = 500  # ids per IN (...) list


def check_postcode(postcode: str) -> str:
    code = str(postcode).strip()
    if not is_postcode(code):
        raise ValueError(f"{postcode!r} is not a Belgian postcode (4 digits, like 2800)")
    return code


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


class Directory:
    """The HSDS 3.0 offer directory stored in the Wegwijs database behind `engine`."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # --- import / export ---------------------------------------------------------------------

    def is_empty(self) -> bool:
        with self._engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(tables.services)).scalar_one() == 0

    def import_hsds(self, data: Any, replace: bool = False) -> ImportReport:
        """Imports a JSON list of HSDS organizations (with nested services and locations) or
        of HSDS services. Raises OfferImportError, naming each record and field, and stores
        nothing when any record is invalid. With `replace`, records not in `data` are removed,
        so the directory becomes exactly the file."""
        parsed = parse(data)
        with self._engine.begin() as connection:
            organizations = self._resolve(connection, tables.organizations, parsed.organizations, replace,
                                          {s["organization_id"] for s in parsed.services.values()})
            locations = self._resolve(connection, tables.locations, parsed.locations, replace,
                                      {link["location_id"] for s in parsed.services.values()
                                       for link in s.get("service_at_locations") or ()})
            indexes = self._check_references(parsed, organizations, locations)
            counts = [0, 0, 0]  # created, updated, unchanged
            changed_locations = self._upsert(connection, tables.locations, {
                ident: {"organization_id": record.get("organization_id"), "data": record}
                for ident, record in parsed.locations.items()
            }, counts)
            self._upsert(connection, tables.organizations, {
                ident: {"name": record["name"], "data": record} for ident, record in parsed.organizations.items()
            }, counts)
            self._upsert(connection, tables.services, {
                ident: {"organization_id": record["organization_id"], "name": record["name"],
                        "status": record["status"], "gbo_role": gbo_role(record), "data": record}
                for ident, record in parsed.services.items()
            }, counts)
            removed = self._remove_others(connection, parsed) if replace else 0
            self._write_indexes(connection, indexes)
            if changed_locations:
                self._reindex_users_of(connection, changed_locations, skip=set(parsed.services))
        return ImportReport(
            organizations=len(parsed.organizations), services=len(parsed.services), locations=len(parsed.locations),
            created=counts[0], updated=counts[1], unchanged=counts[2], removed=removed,
        )

    @staticmethod
    def _resolve(connection: Connection, table, given: dict, replace: bool, wanted: set) -> dict:
        """The records `wanted` by id: from the file, else (unless replacing) from the database."""
        found = {ident: record for ident, record in given.items()}
        missing = sorted(wanted - set(found))
        if missing and not replace:
            for chunk in _chunks(missing):
                for row in connection.execute(select(table.c.id, table.c.data).where(table.c.id.in_(chunk))):
                    found[row.id] = row.data
        return found

    @staticmethod
    def _check_references(parsed: Parsed, organizations: dict, locations: dict) -> dict[str, "_Index"]:
        problems = []
        indexes = {}
        for ident, service in parsed.services.items():
            label = parsed.labels[ident]
            if service["organization_id"] not in organizations:
                problems.append(Problem(label, "organization_id", f"no organization with id {service['organization_id']} in this file or the directory"))
            linked = []
            for index, link in enumerate(service.get("service_at_locations") or ()):
                if link["location_id"] in locations:
                    linked.append(locations[link["location_id"]])
                else:
                    problems.append(Problem(label, f"service_at_locations[{index}].location_id", f"no location with id {link['location_id']} in this file or the directory"))
            index = _Index.of(service, linked)
            if not index.postcodes:
                problems.append(Problem(label, "service_areas", "serves no postcode: add a service area with extent_type "
                                        "'postcodes' and the postcodes in extent, or a location with a Belgian address"))
            indexes[ident] = index
        if problems:
            raise OfferImportError(problems)
        return indexes

    @staticmethod
    def _upsert(connection: Connection, table, rows: dict[str, dict], counts: list[int]) -> set[str]:
        """Inserts new rows, updates changed ones; returns the ids created or changed."""
        existing: dict[str, Any] = {}
        for chunk in _chunks(sorted(rows)):
            for row in connection.execute(select(table.c.id, table.c.data).where(table.c.id.in_(chunk))):
                existing[row.id] = row.data
        new = [{"id": ident, **values} for ident, values in rows.items() if ident not in existing]
        if new:
            connection.execute(insert(table), new)
        changed = set()
        for ident, values in rows.items():
            if ident in existing and existing[ident] != values["data"]:
                connection.execute(update(table).where(table.c.id == ident).values(**values))
                changed.add(ident)
        counts[0] += len(new)
        counts[1] += len(changed)
        counts[2] += len(rows) - len(new) - len(changed)
        return changed | {row["id"] for row in new}

    @staticmethod
    def _remove_others(connection: Connection, parsed: Parsed) -> int:
        removed = 0
        for table, keep in ((tables.services, parsed.services), (tables.locations, parsed.locations),
                            (tables.organizations, parsed.organizations)):
            stale = [row.id for row in connection.execute(select(table.c.id)) if row.id not in keep]
            for chunk in _chunks(stale):
                if table is tables.services:
                    for index_table in tables.INDEX_TABLES:
                        connection.execute(delete(index_table).where(index_table.c.service_id.in_(chunk)))
                connection.execute(delete(table).where(table.c.id.in_(chunk)))
            removed += len(stale)
        return removed

    @staticmethod
    def _write_indexes(connection: Connection, indexes: dict[str, "_Index"]) -> None:
        ids = sorted(indexes)
        for chunk in _chunks(ids):
            for index_table in tables.INDEX_TABLES:
                connection.execute(delete(index_table).where(index_table.c.service_id.in_(chunk)))
        postcodes = [{"service_id": i, "postcode": code} for i in ids for code in indexes[i].postcodes]
        domains = [{"service_id": i, "domain": code} for i in ids for code in indexes[i].domains]
        languages = [{"service_id": i, "language": code} for i in ids for code in indexes[i].languages]
        for table, rows in ((tables.service_postcodes, postcodes), (tables.service_domains, domains),
                            (tables.service_languages, languages)):
            if rows:
                connection.execute(insert(table), rows)

    def _reindex_users_of(self, connection: Connection, location_ids: set[str], skip: set[str]) -> None:
        """Services already stored that use a location this import changed: their postcodes
        and languages may come from that location."""
        users = {
            row.id: row.data for row in connection.execute(select(tables.services.c.id, tables.services.c.data))
            if row.id not in skip and any(link.get("location_id") in location_ids
                                          for link in row.data.get("service_at_locations") or ())
        }
        if users:
            locations = self._load(connection, tables.locations, {
                link.get("location_id") for data in users.values() for link in data.get("service_at_locations") or ()
            })
            self._write_indexes(connection, {
                ident: _Index.of(data, [locations[link["location_id"]] for link in data.get("service_at_locations") or ()
                                        if link.get("location_id") in locations])
                for ident, data in users.items()
            })

    def export(self) -> list[dict]:
        """Every service as an HSDS 3.0 `service` object, with its organization and its
        locations embedded in service_at_locations (valid against compiled/service.json)."""
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(tables.services.c.data, tables.organizations.c.data.label("organization"))
                .join(tables.organizations, tables.services.c.organization_id == tables.organizations.c.id)
                .order_by(tables.organizations.c.name, tables.services.c.name, tables.services.c.id)
            ).all()
            locations = self._load(connection, tables.locations, {
                link.get("location_id") for row in rows for link in row.data.get("service_at_locations") or ()
            })
        services = []
        for row in rows:
            service = copy.deepcopy(row.data)
            service["organization"] = copy.deepcopy(row.organization)
            for link in service.get("service_at_locations") or ():
                if link.get("location_id") in locations:
                    link["location"] = copy.deepcopy(locations[link["location_id"]])
            services.append(service)
        return services

    @staticmethod
    def _load(connection: Connection, table, ids: Iterable[Optional[str]]) -> dict[str, dict]:
        found: dict[str, dict] = {}
        for chunk in _chunks(sorted(ident for ident in set(ids) if ident)):
            for row in connection.execute(select(table.c.id, table.c.data).where(table.c.id.in_(chunk))):
                found[row.id] = row.data
        return found

    # --- search ----------------------------------------------------------------------------

    def search(
        self,
        postcode: str,
        domains: Sequence[str],
        language: Optional[str] = None,
        open_now: bool = False,
        at: Optional[datetime] = None,
    ) -> list[OfferItem]:
        """Every active service serving `postcode` for any of `domains` (all when empty),
        optionally only those speaking `language` (ISO 639-1) or open at `at` (default now),
        in the neutral order of the day of `at`."""
        return self._find(postcode, domains, language=language, open_now=open_now, at=at, core_only=False)

    def core_actors(self, postcode: str, domains: Sequence[str], at: Optional[datetime] = None) -> list[OfferItem]:
        """The GBO core actors' reception services (OCMW / Sociaal Huis, CAW, each health fund's
        social service) serving `postcode` that take questions about any of `domains` (all
        core actors when `domains` is empty), in the same neutral order."""
        return self._find(postcode, domains, language=None, open_now=False, at=at, core_only=True)

    def get(self, service_id: str, postcode: Optional[str] = None, domains: Sequence[str] = ()) -> Optional[OfferItem]:
        """One service as an item (at its location in `postcode`, if it has one there), or None."""
        with self._engine.connect() as connection:
            items = self._items(connection, [service_id], postcode, tuple(check_domains(list(domains))))
        return items[0][0] if items else None

    def core_actor(self, organization_id: str) -> Optional[OfferItem]:
        """The GBO reception service of an organisation (for a booking found by its code), or None."""
        services = tables.services
        query = select(services.c.id).where(
            services.c.organization_id == organization_id, services.c.gbo_role.isnot(None),
            services.c.status == "active",
        ).order_by(services.c.id)
        with self._engine.connect() as connection:
            service_id = connection.execute(query).scalars().first()
        return self.get(service_id) if service_id else None

    def _find(self, postcode: str, domains: Sequence[str], language: Optional[str], open_now: bool,
              at: Optional[datetime], core_only: bool) -> list[OfferItem]:
        code = check_postcode(postcode)
        wanted = tuple(check_domains(list(domains)))
        moment = local_moment(at)
        services = tables.services
        query = select(services.c.id).where(
            services.c.status == "active",
            services.c.id.in_(select(tables.service_postcodes.c.service_id).where(tables.service_postcodes.c.postcode == code)),
        )
        if wanted:
            query = query.where(services.c.id.in_(
                select(tables.service_domains.c.service_id).where(tables.service_domains.c.domain.in_(wanted))))
        if language:
            spoken = language_code({"code": language}) or ""
            query = query.where(services.c.id.in_(
                select(tables.service_languages.c.service_id).where(tables.service_languages.c.language == spoken)))
        if core_only:
            query = query.where(services.c.gbo_role.isnot(None))
        with self._engine.connect() as connection:
            ids = [row.id for row in connection.execute(query)]
            built = self._items(connection, ids, code, wanted)
        items = [item for item, schedules in built if not open_now or is_open(schedules, moment)]
        return neutral_order(items, moment)

    def _items(self, connection: Connection, ids: Sequence[str], postcode: Optional[str],
               wanted: tuple[str, ...]) -> list[tuple[OfferItem, list[dict]]]:
        services = self._load(connection, tables.services, ids)
        organizations = self._load(connection, tables.organizations, {s["organization_id"] for s in services.values()})
        locations = self._load(connection, tables.locations, {
            link.get("location_id") for s in services.values() for link in s.get("service_at_locations") or ()
        })
        return [
            _build_item(services[ident], organizations.get(services[ident]["organization_id"], {}), locations, postcode, wanted)
            for ident in ids if ident in services
        ]


class _Index:
    """The values search filters on, for one service."""

    def __init__(self, postcodes: list[str], domains: tuple[str, ...], languages: list[str]) -> None:
        self.postcodes, self.domains, self.languages = postcodes, domains, languages

    @classmethod
    def of(cls, service: dict, locations: list[dict]) -> "_Index":
        postcodes = area_postcodes(service) or [code for location in locations for code in address_postcodes(location)]
        languages = language_codes(service.get("languages") or ()) or language_codes(
            language for location in locations for language in location.get("languages") or ())
        return cls(sorted(set(postcodes)), life_domains(service), languages)


def _build_item(service: dict, organization: dict, locations: dict[str, dict], postcode: Optional[str],
                wanted: tuple[str, ...]) -> tuple[OfferItem, list[dict]]:
    """The item for one service, at its location in `postcode` (else its first), and the
    schedules that say when it is open there."""
    links = [link for link in service.get("service_at_locations") or () if link.get("location_id") in locations]
    link = _nearest(links, locations, service, postcode)
    location = locations[link["location_id"]] if link else {}
    address = _address(location)
    schedules = (
        (link or {}).get("schedules")
        or [s for s in service.get("schedules") or () if s.get("location_id") in (None, location.get("id"))]
        or location.get("schedules")
        or []
    )
    phone = next((p for source in ((link or {}), service, location, organization) for p in source.get("phones") or ()), None)
    languages = language_codes(service.get("languages") or ()) or language_codes(location.get("languages") or ())
    accessibility = [text for text in (local_text(a, "description") for a in location.get("accessibility") or ()) if text]
    item = OfferItem(
        service_id=service["id"],
        organization_id=service["organization_id"],
        organization_name=organization.get("name", ""),
        gbo_role=gbo_role(service),
        name=local_text(service, "name") or LocalText(service["name"], service["name"], service["name"]),
        description=local_text(service, "description"),
        domains=tuple(code for code in wanted if code in life_domains(service)),
        location_id=location.get("id"),
        address=_address_line(address),
        city=(address or {}).get("city"),
        phone=_phone_line(phone),
        opening_hours=opening_hours(schedules),
        languages=tuple(languages),
        cost=cost_text(service),
        accessibility=_joined(accessibility),
        required_documents=tuple(text for text in (local_text(d, "document") for d in service.get("required_documents") or ()) if text),
        eligibility=local_text(service, "eligibility_description"),
        url=service.get("url") or organization.get("website"),
        email=service.get("email") or organization.get("email"),
    )
    return item, list(schedules)


def _nearest(links: list[dict], locations: dict[str, dict], service: dict, postcode: Optional[str]) -> Optional[dict]:
    """The service_at_location for someone in `postcode`: one with that postcode, else one in
    the same service area (the same municipality), else the first."""
    if not links:
        return None
    if postcode:
        areas = [
            {code.strip() for code in str(area.get("extent") or "").split(",")}
            for area in service.get("service_areas") or () if area.get("extent_type") == POSTCODE_EXTENT_TYPE
        ]
        nearby = set().union(*(area for area in areas if postcode in area))
        for wanted in ({postcode}, nearby):
            for link in links:
                if wanted & set(address_postcodes(locations[link["location_id"]])):
                    return link
    return links[0]


def _address(location: dict) -> Optional[dict]:
    addresses = location.get("addresses") or []
    return next((a for a in addresses if a.get("address_type") == "physical"), addresses[0] if addresses else None)


def _address_line(address: Optional[dict]) -> Optional[str]:
    if not address:
        return None
    street = ", ".join(part for part in (address.get("address_1"), address.get("address_2")) if part)
    town = " ".join(part for part in (address.get("postal_code"), address.get("city")) if part)
    return ", ".join(part for part in (street, town) if part)


def _phone_line(phone: Optional[dict]) -> Optional[str]:
    if not phone:
        return None
    extension = phone.get("extension")
    return f"{phone['number']} ({extension:g})" if extension else phone["number"]


def _joined(texts: list[LocalText]) -> Optional[LocalText]:
    if not texts:
        return None
    return LocalText(*(" ".join(text.get(code) for text in texts) for code in ("nl", "fr", "en")))


def load_demo(engine: Engine) -> None:
    """Imports the shipped demo directory when the directory is empty (development start-up).
    The schema must exist (bot.storage.create_schema)."""
    directory = Directory(engine)
    if not directory.is_empty():
        return
    try:
        directory.import_hsds(json.loads(Path(DEMO_FILE).read_text(encoding="utf-8")))
    except IntegrityError:
        if directory.is_empty():  # not another process loading it at the same moment
            raise
