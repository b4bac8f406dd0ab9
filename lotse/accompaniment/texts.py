"""The words of accompaniment in the reader's language: clients read `lotse_accompaniment`
(all eight languages), companions and desks `lotse_accompaniment_desk` (German and English, as
the desk's operators do; other interface languages fall back to German)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote_plus

from lotse.accompaniment.models import Accompaniment
from lotse.catalogue.schedule import BERLIN
from lotse.i18n import language_name, section, text

CLIENT = "lotse_accompaniment"
DESK = "lotse_accompaniment_desk"
MAP_SEARCH = "https://www.openstreetmap.org/search?query="


def client_text(language: str, key: str, /, **values: object) -> str:
    return text(language, CLIENT, key).format(**values)


def desk_text(language: str, key: str, /, **values: object) -> str:
    return text(language, DESK, key).format(**values)


def local(moment: datetime) -> datetime:
    return moment.astimezone(BERLIN)


def when_phrase(moment: datetime, language: str) -> str:
    """ "Tuesday, 08.12., 09:30" in the reader's language (local time)."""
    at = local(moment)
    day = section(language, "lotse_weekdays")[at.weekday()]
    return f"{day}, {at:%d.%m.}, {at:%H:%M}"


def kind_label(kind: str, language: str) -> str:
    return client_text(language, f"kind_{kind}")


def map_link(address: str, place: str) -> str:
    """A map search for the address in its place (OpenStreetMap; no account, no tracking id)."""
    query = address if place.lower() in address.lower() else f"{address}, {place}"
    return MAP_SEARCH + quote_plus(query)


def values(request: Accompaniment, language: str) -> dict[str, str]:
    """What everyone who may take it sees: no address, no name, no Telegram account."""
    return {
        "reference": request.reference,
        "kind": kind_label(request.kind, language),
        "place": request.place,
        "language": language_name(request.language, language),
        "time": when_phrase(request.appointment_at, language),
    }


def details(request: Accompaniment, language: str) -> dict[str, str]:
    """What the companion sees once they took it: the address and a map link as well."""
    return {
        **values(request, language),
        "address": request.address,
        "map": map_link(request.address, request.place),
    }
