"""Open Referral HSDS 3.0 as a tabular package: its tables, files, columns and types.

Taken from the specification's `datapackage.json` (branch 3.0, commit 279fd2e; a copy with its
licence is in tests/fixtures/hsds-3.0/). A column is `name:type` (`/format` for uuid, email, uri;
`!` when required). Exports write exactly these columns in this order, so the official
`datapackage.json` validates them; imports read columns by name, any order, any subset.
Also here: Lotse's extension files, stable UUIDs for Lotse's own ids, and ISO 639 codes.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from functools import cache

HSDS_VERSION = "3.0"
_SPEC: dict[str, tuple[str, str]] = {
    "organization": (
        "organizations.csv",
        "id:string/uuid! name:string! alternate_name:string description:string! "
        "email:string/email website:string/uri tax_status:string tax_id:string "
        "year_incorporated:number legal_status:string logo:string uri:string/uri "
        "parent_organization_id:string/uuid ",
    ),
    "program": (
        "programs.csv",
        "id:string/uuid! organization_id:string/uuid! name:string! alternate_name:string "
        "description:string! ",
    ),
    "service": (
        "services.csv",
        "id:string/uuid! organization_id:string/uuid! program_id:string/uuid "
        "name:string! alternate_name:string description:string url:string/uri "
        "email:string/email status:string! interpretation_services:string "
        "application_process:string fees_description:string wait_time:string fees:string "
        "accreditations:string eligibility_description:string minimum_age:number "
        "maximum_age:number assured_date:date assurer_email:string/email licenses:string "
        "alert:string last_modified:datetime ",
    ),
    "attribute": (
        "attributes.csv",
        "id:string/uuid! link_id:string/uuid! taxonomy_term_id:string/uuid! "
        "link_type:string link_entity:string! value:string ",
    ),
    "service_at_location": (
        "service_at_location.csv",
        "id:string/uuid! service_id:string/uuid! location_id:string/uuid! description:string ",
    ),
    "location": (
        "locations.csv",
        "id:string/uuid! location_type:string! url:string/uri "
        "organization_id:string/uuid name:string alternate_name:string "
        "description:string transportation:string latitude:number longitude:number "
        "external_identifier:string external_identifier_type:string ",
    ),
    "phone": (
        "phones.csv",
        "id:string/uuid! location_id:string/uuid service_id:string/uuid "
        "organization_id:string/uuid contact_id:string/uuid "
        "service_at_location_id:string/uuid number:string! extension:number type:string "
        "description:string ",
    ),
    "contact": (
        "contacts.csv",
        "id:string/uuid! organization_id:string/uuid service_id:string/uuid "
        "service_at_location_id:string/uuid location_id:string/uuid name:string "
        "title:string department:string email:string/email ",
    ),
    "address": (
        "addresses.csv",
        "id:string/uuid! location_id:string/uuid attention:string address_1:string! "
        "address_2:string city:string! region:string state_province:string! "
        "postal_code:string! country:string! address_type:string! ",
    ),
    "schedule": (
        "schedules.csv",
        "id:string/uuid! service_id:string/uuid location_id:string/uuid "
        "service_at_location_id:string/uuid valid_from:date valid_to:date dtstart:date "
        "timezone:number until:date count:number wkst:string freq:string interval:number "
        "byday:string byweekno:string bymonthday:string byyearday:string "
        "description:string opens_at:time closes_at:time schedule_link:string/uri "
        "attending_type:string notes:string ",
    ),
    "funding": (
        "funding.csv",
        "id:string/uuid! organization_id:string/uuid service_id:string/uuid source:string ",
    ),
    "service_area": (
        "service_areas.csv",
        "id:string/uuid! service_id:string/uuid name:string description:string "
        "extent:string extent_type:string uri:string ",
    ),
    "required_document": (
        "required_documents.csv",
        "id:string/uuid! service_id:string/uuid document:string uri:string/uri ",
    ),
    "language": (
        "languages.csv",
        "id:string/uuid! service_id:string/uuid location_id:string/uuid "
        "phone_id:string/uuid name:string code:string note:string ",
    ),
    "accessibility": (
        "accessibility.csv",
        "id:string/uuid! location_id:string/uuid description:string details:string url:string/uri ",
    ),
    "taxonomy_term": (
        "taxonomy_terms.csv",
        "id:string/uuid! code:string name:string! description:string! "
        "parent_id:string/uuid taxonomy:string language:string taxonomy_id:string/uuid "
        "term_uri:string/uri ",
    ),
    "metadata": (
        "metadata.csv",
        "id:string/uuid! resource_id:string/uuid! resource_type:string! "
        "last_action_date:date! last_action_type:string! field_name:string! "
        "previous_value:string! replacement_value:string! updated_by:string! ",
    ),
    "meta_table_description": (
        "meta_table_descriptions.csv",
        "id:string/uuid! name:string language:string character_set:string ",
    ),
    "cost_option": (
        "cost_options.csv",
        "id:string/uuid! service_id:string/uuid! valid_from:date valid_to:date "
        "option:string currency:string amount:number amount_description:string ",
    ),
    "organization_identifier": (
        "organization_identifiers.csv",
        "id:string/uuid! organization_id:string/uuid! identifier_scheme:string "
        "identifier_type:string! identifier:string! ",
    ),
    "taxonomy": (
        "taxonomies.csv",
        "id:string/uuid! name:string! description:string! uri:string/uri version:string ",
    ),
}


@dataclass(frozen=True)
class Table:
    name: str
    path: str
    columns: tuple[str, ...]
    types: dict[str, str]
    """`string`, `number`, `date`, `time`, `datetime`; `string/uuid` etc. for formats."""
    required: tuple[str, ...]


@cache
def tables() -> dict[str, Table]:
    found: dict[str, Table] = {}
    for name, (path, spec) in _SPEC.items():
        fields = [f.split(":", 1) for f in spec.split()]
        found[name] = Table(
            name=name,
            path=path,
            columns=tuple(n for n, _ in fields),
            types={n: t.rstrip("!") for n, t in fields},
            required=tuple(n for n, t in fields if t.endswith("!")),
        )
    return found


EXTENSIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "service_translation": (
        "lotse_service_translations.csv",
        ("service_id", "language", "name", "description"),
    ),
    "area": (
        "lotse_areas.csv",
        ("name", "kind", "parent", "latitude", "longitude", "holidays", "aliases"),
    ),
}
"""Lotse's own files: names and descriptions per language; the places (areas, their nesting,
holiday calendars, other spellings), so that a package is complete in an empty database."""

LEGACY_FILES = {
    "organization.csv": "organization",
    "service.csv": "service",
    "location.csv": "location",
    "address.csv": "address",
    "phone.csv": "phone",
    "schedule.csv": "schedule",
    "language.csv": "language",
    "service_area.csv": "service_area",
    "taxonomy_term.csv": "taxonomy_term",
    "attribute.csv": "attribute",
    "service_translation.csv": "service_translation",
    "area.csv": "area",
}
"""The file names Lotse wrote before it followed the specification's, still read."""

TOPIC_TAXONOMY = "lotse"
STATUS_TAXONOMY = "lotse_residence_status"
GROUP_TAXONOMY = "lotse_target_group"
IDENTIFIER_TAXONOMY = "lotse_identifier"
SOURCE_TAXONOMY = "lotse_source"
FEATURE_TAXONOMY = "lotse_feature"
LOTSE_TAXONOMIES: dict[str, str] = {
    TOPIC_TAXONOMY: "Lotse's topics and subtopics (data/catalogue/taxonomy.yml)",
    STATUS_TAXONOMY: "Eligibility by residence status in Germany: the service is only for these",
    GROUP_TAXONOMY: "The groups a service is meant for",
    IDENTIFIER_TAXONOMY: "Lotse's own stable id of the service (the attribute's value)",
    SOURCE_TAXONOMY: "Where Lotse's data about the service comes from (the attribute's value)",
    FEATURE_TAXONOMY: "What people filter by: childcare, evening or weekend, youth career help",
}
LOTSE_ID_TYPE = "lotse"
"""`organization_identifier.identifier_type` and `location.external_identifier_type` of the
Lotse id kept beside the UUID."""

NAMESPACE = uuid.UUID("5d1c7c2e-8f0a-4c1e-9a57-4c07ce5e0b1f")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def is_uuid(value: str) -> bool:
    return bool(_UUID.match(value))


def export_id(kind: str, value: str) -> str:
    """The HSDS id of a row: a UUID kept as it came, else a UUID derived from Lotse's id (the
    same in every export, so partners can update instead of adding)."""
    if is_uuid(value):
        return value
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{value}"))


ISO_639_3 = {
    "deu": "de", "ger": "de", "eng": "en", "ara": "ar", "arb": "ar", "apc": "ar", "ukr": "uk",
    "rus": "ru", "tur": "tr", "fas": "fa", "per": "fa", "pes": "fa", "prs": "fa", "fra": "fr",
    "fre": "fr", "spa": "es", "ita": "it", "por": "pt", "pol": "pl", "ron": "ro", "rum": "ro",
    "bul": "bg", "hrv": "hr", "srp": "sr", "bos": "bs", "sqi": "sq", "alb": "sq", "als": "sq",
    "ell": "el", "gre": "el", "hun": "hu", "ces": "cs", "cze": "cs", "nld": "nl", "dut": "nl",
    "vie": "vi", "zho": "zh", "chi": "zh", "cmn": "zh", "kur": "ku", "kmr": "ku", "pus": "ps",
    "pbt": "ps", "urd": "ur", "hin": "hi", "tir": "ti", "som": "so", "amh": "am", "kat": "ka",
    "geo": "ka", "hye": "hy", "arm": "hy", "aze": "az", "azj": "az",
}  # fmt: skip
"""ISO 639-3 (and 639-2) codes of the languages Lotse can name, to their ISO 639-1 code."""


def two_letter_language(code: str) -> str:
    """`ur` for `ur`, `urd`, `UR` or `ur-PK`; the code lower-cased if Lotse has no 639-1 for it."""
    code = code.strip().lower().replace("_", "-").split("-")[0]
    return ISO_639_3.get(code, code)
