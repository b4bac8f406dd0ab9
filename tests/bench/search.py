"""Catalogue search latency at growing catalogue sizes (synthetic offers, real SQLite)."""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.orm import Session

from lotse import migrate
from lotse.db import make_engine
from lotse.models import TOPICS, Offer, utcnow
from lotse.offers import find_offers
from lotse.places import resolve_place

OFFERS_PER_PLACE = 30


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bench_search(sizes: tuple[int, ...] = (1_000, 10_000, 100_000), queries: int = 300) -> dict:
    rng = random.Random(7)
    results = {}
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
            migrate.upgrade(url)
            engine = make_engine(url)
            places = [f"Ort {i:05d}" for i in range(max(1, size // OFFERS_PER_PLACE))]
            rows = [
                {
                    "external_id": f"b-{i}",
                    "topic": TOPICS[i % len(TOPICS)],
                    "municipality": places[i % len(places)],
                    "name": f"Beratung {i}",
                    "address": "Beispielweg 1",
                    "phone": "+49 30 0000",
                    "opening_hours": "Mo-Fr",
                    "languages": rng.sample(["de", "en", "ar", "uk", "ru", "tr", "fa", "fr"], 3),
                    "updated_at": utcnow(),
                }
                for i in range(size)
            ]
            with engine.begin() as conn:
                conn.execute(insert(Offer), rows)
            search, resolve = [], []
            with Session(engine) as session:
                for _ in range(queries):
                    place = rng.choice(places)
                    start = time.perf_counter()
                    find_offers(session, rng.choice(TOPICS), place, rng.choice(["de", "ar"]))
                    search.append((time.perf_counter() - start) * 1000)
                for _ in range(min(queries, 50)):
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
