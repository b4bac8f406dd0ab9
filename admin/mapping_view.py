"""The admin's page for the foreign-taxonomy mapping (lotse/catalogue/mapping.py): which Lotse
topic a term of a partner's taxonomy stands for. The HSDS import uses it; services whose terms
no rule maps are imported unpublished and named in the import's report."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from wtforms import StringField
from wtforms.validators import ValidationError

from admin.exports import NeutralisedExportView
from lotse.catalogue.hsds_kept import TaxonomyMapping
from lotse.catalogue.records import Invalid, check_subtopic, check_topic


def _topic(_form: Any, field: Any) -> None:
    try:
        check_topic(field.data or "")
    except Invalid as exc:
        raise ValidationError(str(exc)) from None


def _subtopic(form: Any, field: Any) -> None:
    try:
        check_subtopic(field.data or "", (form.topic.data or "").strip())
    except Invalid as exc:
        raise ValidationError(str(exc)) from None


class TaxonomyMappingAdmin(NeutralisedExportView, model=TaxonomyMapping):
    name, name_plural, icon = (
        "Zuordnung fremder Kategorie",
        "Zuordnung fremder Kategorien",
        "fa-solid fa-right-left",
    )
    column_list = [
        TaxonomyMapping.taxonomy,
        TaxonomyMapping.term,
        TaxonomyMapping.topic,
        TaxonomyMapping.subtopic,
    ]
    column_searchable_list = [TaxonomyMapping.term, TaxonomyMapping.taxonomy]
    form_columns = [
        TaxonomyMapping.taxonomy,
        TaxonomyMapping.term,
        TaxonomyMapping.topic,
        TaxonomyMapping.subtopic,
    ]
    form_include_pk = True  # sqladmin leaves foreign-key columns out otherwise
    form_overrides = {"topic": StringField, "subtopic": StringField}  # codes, checked below
    form_args = {
        "taxonomy": {"description": "Name oder id der fremden Taxonomie; leer: jede"},
        "term": {"description": "code, id oder Name des Begriffs; * = alle übrigen Angebote"},
        "topic": {"validators": [_topic], "description": "Lotse-Thema, z. B. health"},
        "subtopic": {"validators": [_subtopic], "description": "Unterthema, leer erlaubt"},
    }

    async def on_model_change(
        self, data: dict[str, Any], model: Any, is_created: bool, request: Request
    ) -> None:
        data["taxonomy"] = (data.get("taxonomy") or "").strip()
        data["term"] = (data.get("term") or "").strip()
        data["subtopic"] = (data.get("subtopic") or "").strip() or None
