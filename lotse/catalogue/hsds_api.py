"""The catalogue as HSDS 3.0 API objects: the export's rows (hsds_rows.catalogue_rows), typed
and nested as schema/compiled/*.json lay them out, so the API says exactly what the export says.

Public data only: active services; never `contact` rows (a partner's contact persons, and
HSDS contacts a package brought), phones that belong to a contact, or `metadata` (who changed
what). Lotse's own contact persons (contacts.py) are not in the rows at all.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lotse.catalogue.hsds import Service
from lotse.catalogue.hsds_rows import Rows, catalogue_rows
from lotse.catalogue.hsds_spec import EXTENSIONS, export_id, tables

Obj = dict[str, Any]
PRIVATE_TABLES = ("contact", "metadata")
"""Never in an API answer."""


def typed(table: str, row: dict[str, str]) -> Obj:
    """A CSV row as a JSON object: numbers as numbers, empty cells left out."""
    types = tables()[table].types
    out: Obj = {}
    for column in tables()[table].columns:
        value = row.get(column, "")
        if value == "":
            continue
        if types[column] == "number":
            try:
                number = float(value)
            except ValueError:
                continue
            out[column] = int(number) if number.is_integer() else number
        else:
            out[column] = value
    return out


def _stamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class HsdsCatalogue:
    """The catalogue's HSDS rows, indexed for the API's answers (built once per request)."""

    def __init__(self, rows: Rows, modified: dict[str, str]) -> None:
        self.rows: Rows = {t: r for t, r in rows.items() if t not in PRIVATE_TABLES}
        self.by_id: dict[str, dict[str, Obj]] = {}
        self.children: dict[tuple[str, str, str], list[Obj]] = defaultdict(list)
        for table, found in self.rows.items():
            if table in EXTENSIONS:
                continue
            index: dict[str, Obj] = {}
            for row in found:
                obj = typed(table, row)
                if table == "phone" and obj.get("contact_id"):
                    continue
                if table == "service" and not obj.get("last_modified") and obj["id"] in modified:
                    obj["last_modified"] = modified[obj["id"]]
                index.setdefault(str(obj.get("id", "")), obj)
                for column, value in obj.items():
                    if column.endswith("_id") and column != "id":
                        self.children[(table, column, str(value))].append(obj)
            self.by_id[table] = index
        self.translations: dict[str, list[dict[str, str]]] = defaultdict(list)
        for t in self.rows.get("service_translation", []):
            self.translations[t["service_id"]].append(t)

    def get(self, table: str, row_id: str) -> Obj | None:
        return self.by_id.get(table, {}).get(row_id)

    def all(self, table: str) -> list[Obj]:
        return list(self.by_id.get(table, {}).values())

    def of(self, table: str, column: str, value: str) -> list[Obj]:
        return [dict(o) for o in self.children.get((table, column, value), [])]

    def services(self) -> list[Obj]:
        """Active services only, in the export's order."""
        return [s for s in self.all("service") if s.get("status") == "active"]

    def active_service(self, service_id: str) -> Obj | None:
        found = self.get("service", service_id)
        return found if found and found.get("status") == "active" else None

    # The nested objects -------------------------------------------------------------------

    def attributes(self, link_id: str) -> list[Obj]:
        out = []
        for attribute in self.of("attribute", "link_id", link_id):
            term = self.get("taxonomy_term", str(attribute.get("taxonomy_term_id", "")))
            if term is not None:
                attribute["taxonomy_term"] = dict(term)
            out.append(attribute)
        return out

    def phones(self, column: str, value: str) -> list[Obj]:
        return [
            {**p, "languages": self.of("language", "phone_id", p["id"])}
            for p in self.of("phone", column, value)
        ]

    def location(self, location_id: str) -> Obj | None:
        found = self.get("location", location_id)
        if found is None:
            return None
        return {
            **found,
            "languages": self.of("language", "location_id", location_id),
            "addresses": self.of("address", "location_id", location_id),
            "accessibility": self.of("accessibility", "location_id", location_id),
            "phones": self.phones("location_id", location_id),
            "schedules": self.of("schedule", "location_id", location_id),
            "attributes": self.attributes(location_id),
        }

    def service_at_location(self, link: Obj, with_service: bool = False) -> Obj:
        out = {
            **link,
            "phones": self.phones("service_at_location_id", link["id"]),
            "schedules": self.of("schedule", "service_at_location_id", link["id"]),
            "attributes": self.attributes(link["id"]),
        }
        place = self.location(str(link.get("location_id", "")))
        if place is not None:
            out["location"] = place
        if with_service:
            service = self.full_service(str(link.get("service_id", "")))
            if service is not None:
                out["service"] = service
        return out

    def organization_brief(self, organization_id: str) -> Obj | None:
        found = self.get("organization", organization_id)
        return dict(found) if found else None

    def program(self, program_id: str) -> Obj | None:
        found = self.get("program", program_id)
        return dict(found) if found else None

    def service_brief(self, service: Obj) -> Obj:
        """A service with its one-to-one fields (compiled/service_list.json)."""
        out = dict(service)
        organization = self.organization_brief(str(service.get("organization_id", "")))
        if organization is not None:
            out["organization"] = organization
        program = self.program(str(service.get("program_id", "")))
        if program is not None:
            out["program"] = program
        return out

    def full_service(self, service_id: str) -> Obj | None:
        """An active service with everything HSDS nests in it (compiled/service.json)."""
        service = self.active_service(service_id)
        if service is None:
            return None
        out = self.service_brief(service)
        out.update(
            phones=self.phones("service_id", service_id),
            schedules=self.of("schedule", "service_id", service_id),
            service_areas=self.of("service_area", "service_id", service_id),
            service_at_locations=[
                self.service_at_location(link)
                for link in self.of("service_at_location", "service_id", service_id)
            ],
            languages=self.of("language", "service_id", service_id),
            funding=self.of("funding", "service_id", service_id),
            cost_options=self.of("cost_option", "service_id", service_id),
            required_documents=self.of("required_document", "service_id", service_id),
            attributes=self.attributes(service_id),
        )
        return out

    def full_organization(self, organization_id: str, full_services: bool = False) -> Obj | None:
        """An organization with its locations, phones, programs, … and its active services
        (one-to-one fields, or fully nested with `full_services`)."""
        found = self.organization_brief(organization_id)
        if found is None:
            return None
        mine = [
            s for s in self.of("service", "organization_id", organization_id)
            if s.get("status") == "active"
        ]  # fmt: skip
        found.update(
            funding=self.of("funding", "organization_id", organization_id),
            phones=self.phones("organization_id", organization_id),
            locations=[
                place
                for loc in self.of("location", "organization_id", organization_id)
                if (place := self.location(loc["id"])) is not None
            ],
            programs=self.of("program", "organization_id", organization_id),
            organization_identifiers=self.of(
                "organization_identifier", "organization_id", organization_id
            ),
            attributes=self.attributes(organization_id),
            services=[
                (self.full_service(s["id"]) or {}) if full_services else dict(s) for s in mine
            ],
        )
        return found

    def search_text(self, service: Obj) -> str:
        """What `search` looks in: names and descriptions (all languages), the organization."""
        parts = [str(service.get(k, "")) for k in ("name", "alternate_name", "description")]
        organization = self.get("organization", str(service.get("organization_id", "")))
        if organization:
            parts.append(str(organization.get("name", "")))
        for t in self.translations.get(str(service["id"]), []):
            parts += [t["name"], t["description"]]
        return " ".join(parts).casefold()


def load_catalogue(session: Session) -> HsdsCatalogue:
    """The catalogue as the export writes it, with each service's last change (updated_at)
    where the rows name none."""
    modified = {
        export_id("service", sid): _stamp(moment)
        for sid, moment in session.execute(select(Service.id, Service.updated_at))
        if moment is not None
    }
    return HsdsCatalogue(catalogue_rows(session), modified)
