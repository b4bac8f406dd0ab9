"""The HSDS 3.0 API's answers (schema/openapi.json): paging, filters and the endpoints, without
a web framework — admin/hsds_api.py only turns them into HTTP.

Every answer is `(status, body)`. Bad parameters get 400 with `{"error": …}`, an unknown id 404.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from lotse.catalogue.hsds_api import HsdsCatalogue, Obj
from lotse.catalogue.hsds_spec import HSDS_VERSION

Answer = tuple[int, Any]
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500
PROFILE = "https://docs.openreferral.org/en/latest/hsds/"
OPENAPI = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"


class BadQuery(ValueError):
    """A query parameter the API cannot use; the message says which and why."""


def _integer(query: Mapping[str, str], name: str, default: int, top: int | None = None) -> int:
    raw = query.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadQuery(f"{name} must be a whole number, not {raw!r}") from None
    if value < 1 or (top is not None and value > top):
        limit = f"1 to {top}" if top else "1 or more"
        raise BadQuery(f"{name} must be {limit}, not {value}")
    return value


def _flag(query: Mapping[str, str], name: str) -> bool:
    raw = query.get(name, "").strip().lower()
    if raw in ("", "false", "0", "no"):
        return False
    if raw in ("true", "1", "yes"):
        return True
    raise BadQuery(f"{name} must be true or false, not {raw!r}")


def _moment(raw: str) -> datetime:
    """An RFC 3339 date-time or a date (midnight UTC)."""
    text = raw.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(text), datetime.min.time())
        except ValueError:
            raise BadQuery(f"modified_after must be a date-time (RFC 3339), not {raw!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def page(query: Mapping[str, str], items: list[Obj]) -> Answer:
    """The specification's Page: total_items, total_pages, page_number, size, first_page,
    last_page, empty and the page's contents. Stable: items keep the export's order."""
    number = _integer(query, "page", 1)
    per_page = _integer(query, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    total_pages = math.ceil(len(items) / per_page)
    contents = items[(number - 1) * per_page : number * per_page]
    return 200, {
        "total_items": len(items),
        "total_pages": total_pages,
        "page_number": number,
        "size": len(contents),
        "first_page": number == 1,
        "last_page": number >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def _check_format(query: Mapping[str, str]) -> None:
    if query.get("format", "json") not in ("", "json"):
        raise BadQuery("format: only json is offered")


def _matches(catalogue: HsdsCatalogue, query: Mapping[str, str]) -> Callable[[Obj], bool]:
    """The services filters: search (every word), taxonomy_term_id, taxonomy_id,
    organization_id, modified_after."""
    words = query.get("search", "").casefold().split()
    term = query.get("taxonomy_term_id", "")
    taxonomy = query.get("taxonomy_id", "")
    organization = query.get("organization_id", "")
    after = _moment(query["modified_after"]) if query.get("modified_after") else None

    def terms(service: Obj) -> list[Obj]:
        return [a.get("taxonomy_term", {}) for a in catalogue.attributes(service["id"])]

    def ok(service: Obj) -> bool:
        if organization and service.get("organization_id") != organization:
            return False
        if words:
            text = catalogue.search_text(service)
            if not all(w in text for w in words):
                return False
        if term and not any(t.get("id") == term for t in terms(service)):
            return False
        if taxonomy and not any(t.get("taxonomy_id") == taxonomy for t in terms(service)):
            return False
        if after is not None:
            stamp = service.get("last_modified")
            try:
                return stamp is not None and _moment(str(stamp)) >= after
            except BadQuery:
                return False
        return True

    return ok


def _answer(work: Callable[[], Answer]) -> Answer:
    try:
        return work()
    except BadQuery as exc:
        return 400, {"error": str(exc)}


def not_found(kind: str, row_id: str) -> Answer:
    return 404, {"error": f"no {kind} with id {row_id!r}"}


def api_meta() -> Answer:
    return 200, {"version": HSDS_VERSION, "profile": PROFILE, "openapi_url": OPENAPI}


def services(catalogue: HsdsCatalogue, query: Mapping[str, str]) -> Answer:
    """`/services`: one-to-one fields; `full=true` fully nested; `minimal=true` only what
    identifies a service and its last change (plus name and status, which every service has)."""

    def work() -> Answer:
        _check_format(query)
        full, minimal = _flag(query, "full"), _flag(query, "minimal")
        found = [s for s in catalogue.services() if _matches(catalogue, query)(s)]
        if full:
            items = [catalogue.full_service(s["id"]) or {} for s in found]
        elif minimal:
            keys = ("id", "name", "status", "last_modified")
            items = [{k: s[k] for k in keys if k in s} for s in found]
        else:
            items = [catalogue.service_brief(s) for s in found]
        return page(query, items)

    return _answer(work)


def service(catalogue: HsdsCatalogue, service_id: str) -> Answer:
    found = catalogue.full_service(service_id)
    return (200, found) if found is not None else not_found("service", service_id)


def organizations(catalogue: HsdsCatalogue, query: Mapping[str, str]) -> Answer:
    def work() -> Answer:
        _check_format(query)
        full, full_services = _flag(query, "full"), _flag(query, "full_service")
        words = query.get("search", "").casefold().split()
        found = [
            o for o in catalogue.all("organization")
            if all(w in f"{o.get('name', '')} {o.get('description', '')}".casefold() for w in words)
        ]  # fmt: skip
        if full or full_services:
            found = [catalogue.full_organization(o["id"], full_services) or {} for o in found]
        return page(query, [dict(o) for o in found])

    return _answer(work)


def organization(
    catalogue: HsdsCatalogue, organization_id: str, query: Mapping[str, str]
) -> Answer:
    def work() -> Answer:
        found = catalogue.full_organization(organization_id, _flag(query, "full_service"))
        return (200, found) if found is not None else not_found("organization", organization_id)

    return _answer(work)


def _named(items: list[Obj], query: Mapping[str, str]) -> list[Obj]:
    words = query.get("search", "").casefold().split()
    return [
        dict(i) for i in items
        if all(w in " ".join(str(v) for v in i.values()).casefold() for w in words)
    ]  # fmt: skip


def taxonomies(catalogue: HsdsCatalogue, query: Mapping[str, str]) -> Answer:
    def work() -> Answer:
        _check_format(query)
        return page(query, _named(catalogue.all("taxonomy"), query))

    return _answer(work)


def taxonomy(catalogue: HsdsCatalogue, taxonomy_id: str) -> Answer:
    found = catalogue.get("taxonomy", taxonomy_id)
    return (200, dict(found)) if found is not None else not_found("taxonomy", taxonomy_id)


def taxonomy_terms(catalogue: HsdsCatalogue, query: Mapping[str, str]) -> Answer:
    """Filters: search, taxonomy_id, parent_id, top_only (terms without a parent)."""

    def work() -> Answer:
        _check_format(query)
        top_only = _flag(query, "top_only")
        items = [
            t for t in _named(catalogue.all("taxonomy_term"), query)
            if (not query.get("taxonomy_id") or t.get("taxonomy_id") == query["taxonomy_id"])
            and (not query.get("parent_id") or t.get("parent_id") == query["parent_id"])
            and not (top_only and t.get("parent_id"))
        ]  # fmt: skip
        return page(query, items)

    return _answer(work)


def taxonomy_term(catalogue: HsdsCatalogue, term_id: str) -> Answer:
    found = catalogue.get("taxonomy_term", term_id)
    return (200, dict(found)) if found is not None else not_found("taxonomy term", term_id)


def service_at_locations(catalogue: HsdsCatalogue, query: Mapping[str, str]) -> Answer:
    """The services' filters apply to each link's service; `postcode` keeps the links whose
    location has an address with that postal code. `proximity` is not offered (400)."""

    def work() -> Answer:
        _check_format(query)
        if query.get("proximity"):
            raise BadQuery("proximity is not offered; use postcode")
        full = _flag(query, "full")
        ok = _matches(catalogue, query)
        postcode = query.get("postcode", "").replace(" ", "")
        items = []
        for link in catalogue.all("service_at_location"):
            owner = catalogue.active_service(str(link.get("service_id", "")))
            if owner is None or not ok(owner):
                continue
            location_id = str(link.get("location_id", ""))
            if postcode and not any(
                str(a.get("postal_code", "")).replace(" ", "") == postcode
                for a in catalogue.of("address", "location_id", location_id)
            ):
                continue
            if full:
                items.append(catalogue.service_at_location(link, with_service=True))
                continue
            item = dict(link)
            place = catalogue.get("location", location_id)
            if place is not None:
                item["location"] = dict(place)
            item["service"] = catalogue.service_brief(owner)
            items.append(item)
        return page(query, items)

    return _answer(work)


def service_at_location(catalogue: HsdsCatalogue, link_id: str) -> Answer:
    """One link, fully nested with its location and service (compiled/service_at_location.json)."""
    link = catalogue.get("service_at_location", link_id)
    if link is None or catalogue.active_service(str(link.get("service_id", ""))) is None:
        return not_found("service_at_location", link_id)
    return 200, catalogue.service_at_location(dict(link), with_service=True)
