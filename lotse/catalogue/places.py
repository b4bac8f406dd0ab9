"""Resolve a free-text place ("ich wohne in loerrach", "в Леррахе") to catalogue areas.

Matching works on folded keys (lotse.text.fold: case, diacritics, keyboard variants, punctuation),
over the catalogue's area names and aliases in other scripts. The last word of a name may carry a
short inflection ending (Леррах-е, Берліні), as Ukrainian and Russian require; a word of six letters
or more may also be misspelt by one letter (Schopfhiem). The index is rebuilt when the catalogue
revision changes, so a place added in the admin is understood at once, without retraining the NLU.
"""

from __future__ import annotations

import math
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from lotse.catalogue.hsds import Area, AreaAlias, catalogue_revision
from lotse.text import fold

MAX_ENDING = 2  # letters an inflected last word may add (Леррах → Леррахе, Берлін → Берліні)
MIN_STEM = 6  # ... and only to words at least this long (never "Mitte" → "Mitten")
MIN_FUZZY = 6  # words this long may differ from a name by one letter
LOCAL_KINDS = ("municipality", "borough")
MAX_LOCATION_KM = 20.0


@dataclass(frozen=True)
class Match:
    area: str
    start: int
    end: int  # word span in the folded text

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass
class PlaceIndex:
    revision: int
    areas: dict[int, Area] = field(default_factory=dict)
    by_name: dict[str, Area] = field(default_factory=dict)
    by_first_word: dict[str, list[tuple[tuple[str, ...], int]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    by_deletion: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """One-letter deletions of long single-word keys → the keys (spelling tolerance)."""

    def add(self, name: str, area_id: int) -> None:
        for key in _keys(name):
            words = tuple(key.split())
            self.by_first_word[words[0]].append((words, area_id))
            if len(words) == 1 and len(key) >= MIN_FUZZY:
                for variant in _deletions(key):
                    self.by_deletion[variant].add(key)


def _keys(name: str) -> set[str]:
    """Keys under which a name is found: as written, and without a bracketed part."""
    keys = {fold(name)}
    bare = re.sub(r"\s*\(.*?\)", "", name).strip()
    if bare and bare != name:
        keys.add(fold(bare))
    return {k for k in keys if k}


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _within_one_edit(a: str, b: str) -> bool:
    """Levenshtein distance ≤ 1, or one swap of neighbouring letters."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and (a[diff[1]] == b[diff[0]])
        )
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


_cache: dict[str, PlaceIndex] = {}
_cache_lock = threading.Lock()


def database_key(session: Session) -> str:
    """The database a session reads, as a key for the process's catalogue caches."""
    bind = session.get_bind()
    return str(bind.engine.url if isinstance(bind, Connection) else bind.url)


def place_index(session: Session) -> PlaceIndex:
    """The index for this database, rebuilt when the catalogue revision has moved."""
    revision = catalogue_revision(session)
    key = database_key(session)
    cached = _cache.get(key)
    if cached is not None and cached.revision == revision:
        return cached
    index = PlaceIndex(revision)
    for area in session.scalars(select(Area)):
        index.areas[area.id] = area
        index.by_name[area.name] = area
        index.add(area.name, area.id)
    for alias in session.scalars(select(AreaAlias)):
        index.add(alias.alias, alias.area_id)
    for area in index.areas.values():  # detach-safe copies for use after the session closes
        session.expunge(area)
    with _cache_lock:
        _cache[key] = index
    return index


def _word_matches(index: PlaceIndex, word: str) -> list[tuple[tuple[str, ...], int]]:
    entries = list(index.by_first_word.get(word, ()))
    for cut in range(1, MAX_ENDING + 1):  # an inflected single-word name
        stem = word[:-cut]
        if len(stem) >= MIN_STEM:
            entries += [e for e in index.by_first_word.get(stem, ()) if len(e[0]) == 1]
    return entries


def find_places(session: Session, text: str) -> list[Match]:
    """Every area named in `text`, with its word span."""
    index = place_index(session)
    words = fold(text).split()
    found: list[Match] = []
    for i, word in enumerate(words):
        for key, area_id in _word_matches(index, word):
            n = len(key)
            if tuple(words[i : i + n - 1]) != key[:-1] or i + n > len(words):
                continue
            last, said = key[-1], words[i + n - 1]
            if said == last or (
                len(last) >= MIN_STEM and said.startswith(last) and len(said) - len(last) <= 2
            ):
                found.append(Match(index.areas[area_id].name, i, i + n))
    if not found:  # one misspelt letter in a long single-word name
        for i, word in enumerate(words):
            if len(word) < MIN_FUZZY - 1:
                continue
            keys = set().union(*(index.by_deletion.get(v, set()) for v in _deletions(word)))
            keys |= index.by_deletion.get(word, set())
            for first in keys:
                if _within_one_edit(first, word):
                    for entry_key, area_id in index.by_first_word.get(first, []):
                        if entry_key == (first,):
                            found.append(Match(index.areas[area_id].name, i, i + 1))
    return found


def resolve_place(session: Session, text: str) -> list[str]:
    """Areas named in `text`, best first; a name inside a longer one ("Lörrach" in "Landkreis
    Lörrach") is dropped. More than one result means the text is ambiguous."""
    matches = find_places(session, text)
    kept = [
        m
        for m in matches
        if not any(o.start <= m.start and m.end <= o.end and o.length > m.length for o in matches)
    ]
    best: dict[str, int] = {}
    for m in kept:
        best[m.area] = max(best.get(m.area, 0), m.length)
    return sorted(best, key=lambda name: (-best[name], name))


def get_area(session: Session, name: str) -> Area | None:
    return place_index(session).by_name.get(name)


def area_chain(session: Session, name: str) -> list[Area]:
    """The area and the areas it lies in, nearest first (Neukölln, Berlin)."""
    index = place_index(session)
    area = get_area(session, name)
    chain: list[Area] = []
    while area is not None and area not in chain:
        chain.append(area)
        area = index.areas.get(area.parent_id) if area.parent_id else None
    return chain


def holiday_calendar(session: Session, name: str) -> str:
    """The public-holiday calendar that applies in an area (its own or an enclosing one's)."""
    return next((a.holidays for a in area_chain(session, name) if a.holidays), "DE")


def sub_areas(session: Session, name: str) -> list[str]:
    """Areas directly inside `name` (Berlin → its boroughs), by name."""
    index = place_index(session)
    area = get_area(session, name)
    if area is None:
        return []
    return sorted(a.name for a in index.areas.values() if a.parent_id == area.id)


def is_local(session: Session, name: str) -> bool:
    area = get_area(session, name)
    return area is not None and area.kind in LOCAL_KINDS


def nearest_place(session: Session, latitude: float, longitude: float) -> str | None:
    """The municipality or borough whose centre is nearest a shared location, if close enough."""
    best: tuple[float, str] | None = None
    for area in place_index(session).areas.values():
        if area.kind not in LOCAL_KINDS or area.latitude is None or area.longitude is None:
            continue
        km = _distance_km(latitude, longitude, area.latitude, area.longitude)
        if km <= MAX_LOCATION_KM and (best is None or km < best[0]):
            best = (km, area.name)
    return best[1] if best else None


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def covered_regions(session: Session) -> list[str]:
    """The regions Lotse knows (for "Lotse knows offers in …"): for every municipality or
    borough, its district, else its state (Landkreis Lörrach, Berlin)."""
    index = place_index(session)
    regions: set[str] = set()
    for area in index.areas.values():
        if area.kind not in LOCAL_KINDS:
            continue
        region = area
        while region.kind != "district" and region.parent_id in index.areas:
            region = index.areas[region.parent_id]
        regions.add(region.name)
    return sorted(regions)


def region_of(session: Session, name: str | None) -> str:
    """The region a place belongs to for statistics: its district, else its state."""
    chain = area_chain(session, name) if name else []
    district = next((a.name for a in chain if a.kind == "district"), None)
    return district or (chain[-1].name if chain else "")


def known_places(session: Session) -> list[str]:
    """Municipalities and boroughs in the catalogue."""
    return sorted(a.name for a in place_index(session).areas.values() if a.kind in LOCAL_KINDS)
