"""Catalogue search latency at growing catalogue sizes (synthetic HSDS catalogue, real SQLite).

Every offer has a service area, languages, a schedule and, for a third of them, a residence-status
restriction, so a search does the same work as on a real catalogue: nesting, eligibility, ranking
and "open now".
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.orm import Session

from lotse.catalogue.hsds import (
    RESIDENCE_STATUSES,
    Area,
    Language,
    Organization,
    Schedule,
    Service,
    ServiceArea,
    ServiceEligibility,
)
from lotse.catalogue.offers import OfferQuery, find_offers
from lotse.catalogue.places import resolve_place
from lotse.catalogue.taxonomy import sync_terms
from lotse.db import make_engine
from lotse.models import TOPICS, utcnow
from lotse.runtime import migrate

OFFERS_PER_PLACE = 30
PLACES_PER_DISTRICT = 30
LANGUAGES = ["de", "en", "ar", "uk", "ru", "tr", "fa", "fr"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def build(engine, size: int, rng: random.Random) -> list[str]:
    """A state, districts of 30 places, and `size` offers spread over places and districts."""
    n_places = max(1, size // OFFERS_PER_PLACE)
    n_districts = max(1, n_places // PLACES_PER_DISTRICT)
    areas = [{"id": 1, "name": "Land", "kind": "state", "parent_id": None, "holidays": "DE-BW"}]
    areas += [
        {"id": 2 + d, "name": f"Kreis {d:04d}", "kind": "district", "parent_id": 1, "holidays": ""}
        for d in range(n_districts)
    ]
    first_place = 2 + n_districts
    places = [f"Ort {i:05d}" for i in range(n_places)]
    areas += [
        {
            "id": first_place + i,
            "name": name,
            "kind": "municipality",
            "parent_id": 2 + i % n_districts,
            "holidays": "",
        }
        for i, name in enumerate(places)
    ]
    services, service_areas, languages, schedules, eligibility = [], [], [], [], []
    for i in range(size):
        sid = f"b-{i}"
        # nine in ten offers serve one place, the rest a whole district
        area = first_place + rng.randrange(n_places) if i % 10 else 2 + rng.randrange(n_districts)
        services.append(
            {
                "id": sid,
                "organization_id": "org",
                "name": f"Beratung {i}",
                "description": "",
                "topic": rng.choice(TOPICS),
                "status": "active",
                "target_groups": [],
                "updated_at": utcnow(),
            }
        )
        service_areas.append({"id": f"{sid}/area", "service_id": sid, "area_id": area})
        for code in rng.sample(LANGUAGES, 3):
            languages.append({"id": f"{sid}/language/{code}", "service_id": sid, "code": code})
        schedules.append(
            {
                "id": f"{sid}/schedule/1",
                "service_id": sid,
                "byday": "MO,TU,WE,TH,FR",
                "opens_at": "09:00",
                "closes_at": "12:00",
            }
        )
        if i % 3 == 0:
            for status in rng.sample(RESIDENCE_STATUSES, 3):
                eligibility.append({"service_id": sid, "residence_status": status})
    with Session(engine) as session:
        sync_terms(session)
        session.commit()
    with engine.begin() as conn:
        conn.execute(insert(Area), areas)
        conn.execute(
            insert(Organization),
            [{"id": "org", "name": "Träger", "description": "", "website": "", "email": ""}],
        )
        for table, rows in (
            (Service, services),
            (ServiceArea, service_areas),
            (Language, languages),
            (Schedule, schedules),
            (ServiceEligibility, eligibility),
        ):
            for start in range(0, len(rows), 20_000):
                conn.execute(insert(table), rows[start : start + 20_000])
    return places


def bench_search(sizes: tuple[int, ...] = (1_000, 10_000, 100_000), queries: int = 300) -> dict:
    rng = random.Random(7)
    results = {}
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
            migrate.upgrade(url)
            engine = make_engine(url)
            places = build(engine, size, rng)
            search, resolve = [], []
            with Session(engine) as session:
                resolve_place(session, "warm up the place index")
                for _ in range(queries):
                    query = OfferQuery(
                        topic=rng.choice(TOPICS),
                        place=rng.choice(places),
                        residence_status=rng.choice([None, "tolerated", "settled"]),
                        language=rng.choice(["de", "ar"]),
                    )
                    start = time.perf_counter()
                    with Session(engine) as fresh:  # as in the action server: one per request
                        find_offers(fresh, query)
                    search.append((time.perf_counter() - start) * 1000)
                for _ in range(min(queries, 100)):
                    start = time.perf_counter()
                    resolve_place(session, f"ich wohne in {rng.choice(places)}")
                    resolve.append((time.perf_counter() - start) * 1000)
            engine.dispose()
            results[size] = {
                "search_p50_ms": round(statistics.median(search), 3),
                "search_p95_ms": round(percentile(search, 0.95), 3),
                "resolve_place_p50_ms": round(statistics.median(resolve), 3),
                "resolve_place_p95_ms": round(percentile(resolve, 0.95), 3),
                "places": len(places),
            }
    return results


if __name__ == "__main__":
    import json

    print(json.dumps(bench_search(), indent=2))
