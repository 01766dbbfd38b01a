"""Tables of the local offer directory.

Each HSDS organization, service and location is kept whole, as the validated
JSON record (`data`), so the export gives back what was imported. Beside it sit
the few values that search filters on: postcodes served, life domains and
languages per service (index tables rebuilt on every import of that service).
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table

from bot.storage import METADATA

ID = String(36)  # HSDS ids are UUIDs

organizations = Table(
    "offer_organizations",
    METADATA,
    Column("id", ID, primary_key=True),
    Column("name", String(500), nullable=False),
    Column("data", JSON, nullable=False),
)

locations = Table(
    "offer_locations",
    METADATA,
    Column("id", ID, primary_key=True),
    Column("organization_id", ID, nullable=True),
    Column("data", JSON, nullable=False),
)

services = Table(
    "offer_services",
    METADATA,
    Column("id", ID, primary_key=True),
    Column("organization_id", ID, ForeignKey("offer_organizations.id"), nullable=False, index=True),
    Column("name", String(500), nullable=False),
    Column("status", String(40), nullable=False),
    Column("gbo_role", String(20), nullable=True),
    Column("data", JSON, nullable=False),
)

service_postcodes = Table(
    "offer_service_postcodes",
    METADATA,
    Column("service_id", ID, ForeignKey("offer_services.id", ondelete="CASCADE"), primary_key=True),
    Column("postcode", String(4), primary_key=True),
    Index("ix_offer_service_postcodes_postcode", "postcode"),
)

service_domains = Table(
    "offer_service_domains",
    METADATA,
    Column("service_id", ID, ForeignKey("offer_services.id", ondelete="CASCADE"), primary_key=True),
    Column("domain", String(20), primary_key=True),
    Index("ix_offer_service_domains_domain", "domain"),
)

service_languages = Table(
    "offer_service_languages",
    METADATA,
    Column("service_id", ID, ForeignKey("offer_services.id", ondelete="CASCADE"), primary_key=True),
    Column("language", String(12), primary_key=True),
    Index("ix_offer_service_languages_language", "language"),
)

INDEX_TABLES = (service_postcodes, service_domains, service_languages)
