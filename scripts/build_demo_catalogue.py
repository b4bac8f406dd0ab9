"""Build Lotse's demo offer catalogue from the kinds of institutions and the covered places.

A demo catalogue of some 250 offers is too long to keep consistent by hand: every topic must be
answerable in every municipality and borough, names follow the local authority, ids must stay
stable, contacts must stay plainly fictional, and the same texts repeat in eight languages. So the
knowledge lives in `data/catalogue/demo_kinds.yml` (which kind of institution exists at which level,
for whom, in which languages, with its description) and this script expands it over
`data/catalogue/places.csv` into `data/catalogue/demo_catalogue.csv`, the "matrix" format a regional
workshop fills in.

The output is deterministic: variation (addresses, phone numbers, hours, dates) comes from
`random.Random(2026)`, consumed in file order. Every row is checked before anything is written.

    .venv/bin/python scripts/build_demo_catalogue.py
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from lotse.catalogue import hsds as _hsds  # noqa: E402
from lotse.catalogue import matrix as _matrix  # noqa: E402

CATALOGUE_DIR = ROOT / "data" / "catalogue"
KINDS_FILE = CATALOGUE_DIR / "demo_kinds.yml"
PLACES_FILE = CATALOGUE_DIR / "places.csv"
TAXONOMY_FILE = CATALOGUE_DIR / "taxonomy.yml"
OUTPUT_FILE = CATALOGUE_DIR / "demo_catalogue.csv"

SEED = 2026
TRANSLATED = tuple(_matrix.TRANSLATED)
HEADER = tuple(_matrix.MATRIX_COLUMNS)  # the matrix format the importer reads
RESIDENCE_STATUSES = frozenset(_hsds.RESIDENCE_STATUSES)
TARGET_GROUPS = frozenset(_hsds.TARGET_GROUPS)
PER_PLACE_LEVELS = frozenset({"municipality", "borough"})
UNIT_LEVELS = frozenset({"district", "state", "group"})
# Fields a region, a place override or a unit may set on top of the kind's.
FIELDS = frozenset(
    {
        "organization",
        "name",
        "name_i18n",
        "description",
        "german_only",
        "languages",
        "local_languages",
        "residence_status",
        "min_age",
        "max_age",
        "target_groups",
        "features",
        "hours",
        "site",
    }
)

_DAY = r"(?:Mo|Tu|We|Th|Fr|Sa|Su)"
_DAYS = rf"{_DAY}(?:-{_DAY})?(?:,{_DAY}(?:-{_DAY})?)*"
_TIME = r"(?:[01]\d|2[0-3]):[0-5]\d"
_SPANS = rf"{_TIME}-{_TIME}(?:,{_TIME}-{_TIME})*"
HOURS_RE = re.compile(rf"^{_DAYS} {_SPANS}(?:; {_DAYS} {_SPANS})*$")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANG_RE = re.compile(r"^[a-z]{2}$")
TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e"})


class CatalogueBuildError(ValueError):
    """demo_kinds.yml describes something the catalogue may not contain."""


@dataclass(frozen=True)
class Area:
    """A row of places.csv."""

    name: str
    kind: str
    parent: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Office:
    """Where an offer sits and whom it serves, before the kind's fields are applied."""

    row_id: str
    at: str
    serves: tuple[str, ...]
    fields: dict[str, Any]
    level: str
    turn: int  # position among the region's places, for list-valued fields used in turn


def slugify(text: str) -> str:
    ascii_text = text.lower().translate(TRANSLITERATION)
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def read_areas(path: Path) -> dict[str, Area]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return {
            row["name"]: Area(
                name=row["name"],
                kind=row["kind"],
                parent=row["parent"],
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
            )
            for row in csv.DictReader(handle)
        }


def read_taxonomy(path: Path) -> dict[str, str | None]:
    """Term code -> parent topic (None for a topic)."""
    terms = yaml.safe_load(path.read_text(encoding="utf-8"))["terms"]
    return {code: term.get("parent") for code, term in terms.items()}


def ancestors(areas: dict[str, Area], name: str) -> list[str]:
    chain = [name]
    while areas[chain[-1]].parent:
        chain.append(areas[chain[-1]].parent)
    return chain


def local_places(areas: dict[str, Area], root: str) -> list[str]:
    """The municipalities or boroughs below `root`, in places.csv order."""
    return [
        a.name
        for a in areas.values()
        if a.kind in PER_PLACE_LEVELS and root in ancestors(areas, a.name)[1:]
    ]


def offices(kind_key: str, spec: dict[str, Any], prefix: str, places: list[str]) -> list[Office]:
    """Expand one region's entry of a kind into the offices that become rows."""
    level = spec.get("level")
    shared = {k: v for k, v in spec.items() if k in FIELDS}
    found: list[Office] = []
    if level in PER_PLACE_LEVELS:
        only = spec.get("only", places)
        unknown = sorted(set(only) - set(places))
        if unknown:
            raise CatalogueBuildError(f"{kind_key}: only: not in this region: {unknown}")
        overrides = spec.get("places", {})
        for turn, place in enumerate(p for p in places if p in only):
            fields = {**shared, **overrides.get(place, {})}
            row_id = f"{prefix}-{{slug}}-{spec.get('id', slugify(kind_key))}"
            found.append(Office(row_id, place, (place,), fields, level, turn))
    elif level not in UNIT_LEVELS:
        raise CatalogueBuildError(f"{kind_key}: level {level!r} is not one of the known levels")
    if level in UNIT_LEVELS and not spec.get("units"):
        raise CatalogueBuildError(f"{kind_key}: a {level}-level kind needs units")
    for turn, unit in enumerate(spec.get("units", [])):
        fields = {**shared, **{k: v for k, v in unit.items() if k in FIELDS}}
        serves = tuple(unit.get("serves", [spec["root"]]))
        found.append(Office(unit["id"], unit["at"], serves, fields, level, turn))
    return found


class Builder:
    """Expands the kinds into rows; owns the seeded random source and the contacts handed out."""

    def __init__(self, config: dict[str, Any], areas: dict[str, Area]):
        self.config = config
        self.areas = areas
        self.rng = random.Random(SEED)
        self.addresses: dict[tuple[str, str, str], tuple[str, str, float, float]] = {}
        self.used_addresses: set[tuple[str, str]] = set()
        self.used_phones: set[str] = set()

    # -- contacts ------------------------------------------------------------------------------

    def address(
        self, organization: str, place: str, site: str, jitter: list[float]
    ) -> tuple[str, str, float, float]:
        key = (organization, place, site)
        if key not in self.addresses:
            info = self.config["places"][place]
            area = self.areas[place]
            lat, lon = info.get("anchor", [area.latitude, area.longitude])
            while True:
                street = f"{self.rng.choice(self.config['streets'])} {self.rng.randint(1, 120)}"
                if (street, place) not in self.used_addresses:
                    break
            self.used_addresses.add((street, place))
            self.addresses[key] = (
                street,
                self.rng.choice(info["postal_codes"]),
                round(lat + self.rng.uniform(-jitter[0], jitter[0]), 4),
                round(lon + self.rng.uniform(-jitter[1], jitter[1]), 4),
            )
        return self.addresses[key]

    def phone(self, area_code: str) -> str:
        digits = 5 if len(area_code) == 2 else 4
        while True:
            number = f"+49 {area_code} 555 {self.rng.randrange(10**digits):0{digits}d}"
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number

    # -- rows ----------------------------------------------------------------------------------

    def rows(self) -> list[dict[str, str]]:
        rows: list[dict[str, str]] = []
        for region_key, region in self.config["regions"].items():
            places = local_places(self.areas, region["root"])
            for kind_key, kind in self.config["kinds"].items():
                spec = kind.get("in", {}).get(region_key)
                if spec is None:
                    continue
                base = {k: v for k, v in kind.items() if k in FIELDS}
                spec = {**spec, "root": region["root"]}
                for office in offices(kind_key, spec, region_key, places):
                    fields = {**base, **office.fields}
                    rows.append(self.row(kind_key, kind, office, fields, region))
        self.assign_dates(rows)
        return rows

    def pick(self, value: Any, turn: int) -> Any:
        """A list of alternatives for a string field: used in turn, one per place."""
        return value[turn % len(value)] if isinstance(value, list) else value

    def row(
        self,
        kind_key: str,
        kind: dict[str, Any],
        office: Office,
        fields: dict[str, Any],
        region: dict[str, Any],
    ) -> dict[str, str]:
        info = self.config["places"][office.at]
        variables = {
            "place": office.at,
            "authority": info["authority"],
            "of_authority": info["of_authority"],
        }
        row_id = office.row_id.format(slug=info["slug"])
        organization = self.pick(fields["organization"], office.turn).format(**variables)
        name = self.pick(fields["name"], office.turn).format(**variables)
        street, postal_code, lat, lon = self.address(
            organization, office.at, fields.get("site", kind_key), region["jitter"]
        )
        languages = list(dict.fromkeys(fields.get("languages", ["de"])))
        wanted = fields.get("local_languages", 0)
        if wanted:
            # The largest community's language whenever two or more are spoken, the rest drawn
            # from the next few, so that offices in one place differ but stay plausible.
            candidates = [code for code in info["languages"] if code not in languages]
            sure = candidates[:1] if wanted >= 2 else []
            pool = candidates[len(sure) : wanted + 2]
            picked = set(sure) | set(self.rng.sample(pool, min(wanted - len(sure), len(pool))))
            languages += [code for code in candidates if code in picked]
        description = fields.get("description", {})
        name_i18n = fields.get("name_i18n", {})
        row = {
            "id": row_id,
            "organization": organization,
            "name": name,
            "topic": kind["topic"],
            "subtopic": kind.get("subtopic", ""),
            "description": description.get("de", ""),
            "service_area": "|".join(office.serves),
            "address": street,
            "postal_code": postal_code,
            "city": "Berlin" if info["area_code"] == "30" else office.at,
            "latitude": f"{lat:.4f}",
            "longitude": f"{lon:.4f}",
            "phone": self.phone(info["area_code"]),
            "email": f"{row_id}@example.org",
            "website": f"https://example.org/{slugify(organization)}/{slugify(kind_key)}",
            "hours": self.rng.choice(fields.get("hours", [""])),
            "languages": ",".join(languages),
            "residence_status": ",".join(fields.get("residence_status", [])),
            "min_age": str(fields.get("min_age", "")),
            "max_age": str(fields.get("max_age", "")),
            "target_groups": ",".join(fields.get("target_groups", [])),
            "features": ",".join(fields.get("features", [])),
            "assured_date": "",
            "source": self.config["source"],
        }
        for lang in TRANSLATED:
            row[f"name_{lang}"] = name_i18n[lang].format(**variables) if lang in name_i18n else ""
            row[f"description_{lang}"] = description.get(lang, "")
        if not fields.get("german_only"):
            missing = [lang for lang in ("de", *TRANSLATED) if not description.get(lang)]
            if missing:
                raise CatalogueBuildError(f"{row_id}: description lacks {', '.join(missing)}")
        return row

    def assign_dates(self, rows: list[dict[str, str]]) -> None:
        """Most offers were assured recently; a few are stale and due to be checked again."""
        settings = self.config["assured_date"]
        keep_fresh = set(settings["keep_fresh_in"])
        candidates = [
            r["id"]
            for r in rows
            if not keep_fresh & set(r["service_area"].split("|"))
            and r["id"] not in settings.get("keep_fresh_ids", [])
        ]
        stale = set(self.rng.sample(candidates, settings["stale_count"]))
        for row in rows:
            first, last = settings["stale" if row["id"] in stale else "fresh"]
            start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
            days = self.rng.randint(0, (end - start).days)
            row["assured_date"] = (start + dt.timedelta(days=days)).isoformat()


# -- checks ------------------------------------------------------------------------------------


def check(
    rows: list[dict[str, str]],
    areas: dict[str, Area],
    taxonomy: dict[str, str | None],
    roots: list[str],
) -> None:
    """Every rule of the matrix format, and that each topic is answerable in each place."""
    problems: list[str] = []
    topics = [code for code, parent in taxonomy.items() if parent is None]
    ids = Counter(row["id"] for row in rows)
    problems += [f"{row_id}: duplicate id" for row_id, n in ids.items() if n > 1]
    for row in rows:
        rid = row["id"]
        if list(row) != list(HEADER):
            problems.append(f"{rid}: columns differ from the header")
        if not ID_RE.match(rid):
            problems.append(f"{rid}: id is not a lowercase ascii slug")
        if row["topic"] not in topics:
            problems.append(f"{rid}: unknown topic {row['topic']!r}")
        if row["subtopic"] and taxonomy.get(row["subtopic"]) != row["topic"]:
            problems.append(f"{rid}: subtopic {row['subtopic']!r} is not under {row['topic']!r}")
        for area in row["service_area"].split("|"):
            if area not in areas:
                problems.append(f"{rid}: service_area {area!r} is not in places.csv")
        if row["hours"] and not HOURS_RE.match(row["hours"]):
            problems.append(f"{rid}: hours {row['hours']!r} do not follow the format")
        languages = row["languages"].split(",")
        if "de" not in languages or not all(LANG_RE.match(code) for code in languages):
            problems.append(f"{rid}: languages {row['languages']!r}")
        if len(set(languages)) != len(languages):
            problems.append(f"{rid}: repeated language in {row['languages']!r}")
        statuses = set(filter(None, row["residence_status"].split(",")))
        if statuses - RESIDENCE_STATUSES:
            problems.append(f"{rid}: unknown residence status {sorted(statuses)}")
        groups = set(filter(None, row["target_groups"].split(",")))
        if groups - TARGET_GROUPS:
            problems.append(f"{rid}: unknown target group {sorted(groups - TARGET_GROUPS)}")
        ages = [int(row[k]) for k in ("min_age", "max_age") if row[k]]
        if len(ages) == 2 and ages[0] > ages[1]:
            problems.append(f"{rid}: min_age above max_age")
        if not re.fullmatch(r"\+49 \d{2,4} 555 \d{4,5}", row["phone"]):
            problems.append(f"{rid}: phone {row['phone']!r} is not a demo number")
        if not row["email"].endswith("@example.org") or not row["website"].startswith(
            "https://example.org/"
        ):
            problems.append(f"{rid}: contact outside example.org")
    for root in roots:
        for place in local_places(areas, root):
            reachable = set(ancestors(areas, place))
            for topic in topics:
                if not any(
                    row["topic"] == topic and reachable & set(row["service_area"].split("|"))
                    for row in rows
                ):
                    problems.append(f"{place}: no offer for topic {topic!r}")
    if problems:
        raise CatalogueBuildError("\n".join(problems))


def write_csv(rows: list[dict[str, str]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", type=Path, default=KINDS_FILE)
    parser.add_argument("--places", type=Path, default=PLACES_FILE)
    parser.add_argument("--taxonomy", type=Path, default=TAXONOMY_FILE)
    parser.add_argument("--out", type=Path, default=OUTPUT_FILE)
    args = parser.parse_args(argv)

    config = yaml.safe_load(args.kinds.read_text(encoding="utf-8"))
    if tuple(config["translations"]) != TRANSLATED:
        raise CatalogueBuildError(f"translations must be {list(TRANSLATED)}")
    areas = read_areas(args.places)
    taxonomy = read_taxonomy(args.taxonomy)
    try:
        rows = Builder(config, areas).rows()
        check(rows, areas, taxonomy, [r["root"] for r in config["regions"].values()])
    except CatalogueBuildError as error:
        print(f"{args.kinds}: {error}", file=sys.stderr)
        return 1
    write_csv(rows, args.out)
    per_topic = Counter(row["topic"] for row in rows)
    summary = ", ".join(f"{topic} {n}" for topic, n in sorted(per_topic.items()))
    print(f"wrote {len(rows)} offers to {args.out} ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
