"""sqladmin model views: the catalogue, places, facilitators and desks, the audit log.

Offers are edited with the same notation and checks as the import (lotse/catalogue/records.py),
so an invalid phone number or opening hours are refused with a plain message and nothing saved.
Every view's CSV/JSON export neutralises spreadsheet formulas (admin/exports.py).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from admin.exports import NeutralisedExportView
from lotse.audit import AuditLog
from lotse.catalogue.features import FEATURES
from lotse.catalogue.hsds import (
    RESIDENCE_STATUSES,
    Area,
    AreaAlias,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceEligibility,
    ServiceTranslation,
    service_children,
)
from lotse.catalogue.records import Invalid, check_hours, check_languages, check_phone
from lotse.catalogue.schedule import format_hours, rule_from_schedule, rules_to_byday
from lotse.models import utcnow
from lotse.requests import registry
from lotse.requests.models import CallbackRequest, Desk, Facilitator

EXTRA = ("hours_text", "phones_text", "languages_text", "statuses_text")
FEATURE_LABELS = {
    "childcare": "Kinderbetreuung während des Angebots",
    "evening": "Abends oder am Wochenende (neben der Arbeit)",
    "youth_career": "Begleitung junger Menschen in Ausbildung und Beruf "
    "(AVdual, Jugendberufshilfe)",
    "online": "Auch online (per Video, digital)",
    "women_only": "Nur für Frauen",
    "free_of_charge": "Kostenlos",
}
"""The offer features (lotse/catalogue/features.py) as the admin names them."""
assert set(FEATURE_LABELS) == set(FEATURES)


def _check(parser: Any) -> Any:
    def validate(_form: Any, field: Any) -> None:
        try:
            parser(field.data or "")
        except Invalid as exc:
            raise ValidationError(str(exc)) from None

    return validate


def _check_statuses(_form: Any, field: Any) -> None:
    unknown = [s for s in _split(field.data) if s not in RESIDENCE_STATUSES]
    if unknown:
        allowed = ", ".join(RESIDENCE_STATUSES)
        raise ValidationError(f"Unbekannter Aufenthaltsstatus: {', '.join(unknown)} ({allowed})")


def _split(value: str | None, sep: str = ",") -> list[str]:
    return [v.strip() for v in (value or "").split(sep) if v.strip()]


class ServiceAdmin(NeutralisedExportView, model=Service):
    name = "Angebot"
    name_plural = "Angebote"
    icon = "fa-solid fa-hands-helping"
    column_list = [
        Service.id,
        Service.name,
        Service.topic,
        Service.subtopic,
        Service.status,
        Service.assured_date,
    ]
    column_searchable_list = [Service.id, Service.name]
    column_sortable_list = [Service.name, Service.assured_date, Service.topic]
    column_default_sort = [(Service.name, False)]
    form_columns = [
        Service.name,
        Service.description,
        Service.topic,
        Service.subtopic,
        Service.status,
        Service.url,
        Service.email,
        Service.minimum_age,
        Service.maximum_age,
        Service.assured_date,
        Service.source,
        Service.features,
    ]
    column_labels = {
        "hours_text": "Öffnungszeiten (z. B. Mo-Fr 09:00-12:00; Do 14:00-18:00)",
        "phones_text": "Telefon (mehrere mit |)",
        "languages_text": "Sprachen (ISO-Codes, z. B. de,ar,uk)",
        "statuses_text": "Nur für Aufenthaltsstatus (leer = alle)",
    }

    async def scaffold_form(self, rules: list[str] | None = None) -> Any:
        form = await super().scaffold_form(rules)

        class ServiceForm(form):  # type: ignore[misc, valid-type]
            hours_text = StringField(
                "Öffnungszeiten",
                validators=[_check(check_hours)],
                description="z. B. Mo-Fr 09:00-12:00; Th 14:00-18:00 (Tage: Mo Tu We Th Fr Sa Su)",
            )
            phones_text = StringField(
                "Telefon",
                validators=[_check(check_phone)],
                description="internationale Form, z. B. +49 7621 555 0123; mehrere mit |",
            )
            languages_text = StringField(
                "Sprachen",
                validators=[_check(check_languages)],
                description="ISO-Codes, z. B. de,ar,uk",
            )
            statuses_text = TextAreaField(
                "Nur für Aufenthaltsstatus",
                validators=[_check_statuses],
                description="leer = für alle; sonst z. B. asylum_seeker,tolerated",
            )
            features = SelectMultipleField(
                "Merkmale",
                choices=list(FEATURE_LABELS.items()),
                widget=ListWidget(prefix_label=False),
                option_widget=CheckboxInput(),
                description="wonach Menschen suchen: mit diesen Merkmalen steht das Angebot "
                "vorn, wenn jemand danach fragt (wie die Spalte features der Matrix)",
            )

        return ServiceForm

    def form_edit_query(self, request: Request) -> Any:
        return super().form_edit_query(request).options(*service_children())

    async def get_form_data_for_edit(self, obj: Any) -> dict[str, Any]:
        """The edit form starts with the offer's current hours, phones, languages, statuses."""
        data = await super().get_form_data_for_edit(obj)
        data.update({key: getattr(obj, key) for key in EXTRA})
        return data

    async def on_model_change(
        self, data: dict[str, Any], model: Any, is_created: bool, request: Request
    ) -> None:
        """Applies the text fields to the offer's schedule, phones, languages and eligibility."""
        texts = {key: data.pop(key, None) for key in EXTRA}
        sid = model.id or data.get("id") or ""
        if texts["hours_text"] is not None:
            model.schedules = [
                Schedule(
                    id=f"{sid}/schedule/{n}",
                    byday=rules_to_byday(rule),
                    opens_at=f"{rule.opens:%H:%M}",
                    closes_at=f"{rule.closes:%H:%M}",
                )
                for n, rule in enumerate(check_hours(texts["hours_text"]), 1)
            ]
        if texts["phones_text"] is not None:
            model.phones = [
                Phone(id=f"{sid}/phone/{n}", number=number)
                for n, number in enumerate(check_phone(texts["phones_text"]), 1)
            ]
        if texts["languages_text"] is not None:
            model.languages = [
                Language(id=f"{sid}/language/{c}", code=c)
                for c in check_languages(texts["languages_text"])
            ]
        if texts["statuses_text"] is not None:
            model.eligibility = [
                ServiceEligibility(residence_status=s)
                for s in sorted(set(_split(texts["statuses_text"])))
            ]
        model.updated_at = utcnow()


def _hours_text(service: Service) -> str:
    return format_hours(
        [rule_from_schedule(s.byday, s.opens_at, s.closes_at) for s in service.schedules]
    )


# The edit form reads its text fields from the offer (WTForms takes `obj` attributes).
Service.hours_text = property(_hours_text)
Service.phones_text = property(lambda s: " | ".join(p.number for p in s.phones))
Service.languages_text = property(lambda s: ",".join(s.language_codes))
Service.statuses_text = property(lambda s: ",".join(sorted(s.statuses)))


class OrganizationAdmin(NeutralisedExportView, model=Organization):
    name, name_plural, icon = "Träger", "Träger", "fa-solid fa-building"
    column_list = [Organization.id, Organization.name, Organization.website]
    column_searchable_list = [Organization.name]
    form_columns = [
        Organization.name,
        Organization.description,
        Organization.website,
        Organization.email,
    ]


class LocationAdmin(NeutralisedExportView, model=Location):
    name, name_plural, icon = "Standort", "Standorte", "fa-solid fa-location-dot"
    column_list = [
        Location.id,
        Location.name,
        Location.address_1,
        Location.postal_code,
        Location.city,
    ]
    column_searchable_list = [Location.name, Location.address_1, Location.city]
    form_columns = [
        Location.name,
        Location.address_1,
        Location.postal_code,
        Location.city,
        Location.latitude,
        Location.longitude,
    ]


class TranslationAdmin(NeutralisedExportView, model=ServiceTranslation):
    name, name_plural, icon = "Übersetzung", "Übersetzungen", "fa-solid fa-language"
    column_list = [
        ServiceTranslation.service_id,
        ServiceTranslation.language,
        ServiceTranslation.name,
    ]
    column_searchable_list = [ServiceTranslation.service_id]
    form_columns = [
        ServiceTranslation.service_id,
        ServiceTranslation.language,
        ServiceTranslation.name,
        ServiceTranslation.description,
    ]
    form_include_pk = True


class AreaAdmin(NeutralisedExportView, model=Area):
    name, name_plural, icon = "Ort / Gebiet", "Orte und Gebiete", "fa-solid fa-map"
    column_list = [Area.id, Area.name, Area.kind, Area.parent_id, Area.holidays]
    column_searchable_list = [Area.name]
    form_columns = [Area.name, Area.kind, Area.parent, Area.latitude, Area.longitude, Area.holidays]


class AliasAdmin(NeutralisedExportView, model=AreaAlias):
    name, name_plural, icon = "Schreibweise", "Schreibweisen", "fa-solid fa-spell-check"
    column_list = [AreaAlias.id, AreaAlias.area, AreaAlias.alias]
    form_columns = [AreaAlias.area, AreaAlias.alias]


class FacilitatorAdmin(NeutralisedExportView, model=Facilitator):
    name, name_plural, icon = (
        "Beraterin/Berater",
        "Beraterinnen und Berater",
        "fa-solid fa-user-tie",
    )
    column_list = [
        Facilitator.display_name,
        Facilitator.telegram_user_id,
        Facilitator.regions,
        Facilitator.languages,
        Facilitator.active,
        Facilitator.away_until,  # set by the facilitator with /away (hands back what they hold)
    ]
    form_columns = [
        Facilitator.display_name,
        Facilitator.telegram_user_id,
        Facilitator.regions,
        Facilitator.languages,
        Facilitator.topics,
        Facilitator.ui_language,
        Facilitator.active,
    ]

    async def after_model_change(
        self, data: dict[str, Any], model: Any, is_created: bool, request: Request
    ) -> None:
        """Unticking "active" ends the facilitator's live chats and gives their requests back
        to the desk, as `lotse facilitator remove` does."""
        if model.active:
            return
        with self.session_maker() as session:
            person = session.get(Facilitator, model.id)
            if person is not None:
                registry.end_duties(session, person)
                session.commit()


class DeskAdmin(NeutralisedExportView, model=Desk):
    name, name_plural, icon = "Desk", "Desks", "fa-solid fa-people-group"
    column_list = [Desk.region, Desk.telegram_chat_id, Desk.coordinator_telegram_id]
    form_columns = [
        Desk.region,
        Desk.telegram_chat_id,
        Desk.coordinator_telegram_id,
        Desk.ui_language,
    ]


class CallbackAdmin(NeutralisedExportView, model=CallbackRequest):
    """Requests without personal data: no chat, no phone, no note."""

    name, name_plural, icon = "Rückruf", "Rückrufe", "fa-solid fa-phone"
    can_create = can_edit = can_delete = False
    column_list = [
        CallbackRequest.reference,
        CallbackRequest.topic,
        CallbackRequest.region,
        CallbackRequest.language,
        CallbackRequest.status,
        CallbackRequest.outcome,
        CallbackRequest.created_at,
        CallbackRequest.claimed_at,
    ]
    column_details_list = column_list


class AuditAdmin(NeutralisedExportView, model=AuditLog):
    name, name_plural, icon = "Änderung", "Änderungsprotokoll", "fa-solid fa-clock-rotate-left"
    can_create = can_edit = can_delete = False
    column_list = [
        AuditLog.at,
        AuditLog.actor,
        AuditLog.action,
        AuditLog.table,
        AuditLog.row_id,
        AuditLog.changes,
    ]
    column_default_sort = [(AuditLog.at, True)]
    column_searchable_list = [AuditLog.actor, AuditLog.table, AuditLog.row_id]


VIEWS = [
    ServiceAdmin,
    OrganizationAdmin,
    LocationAdmin,
    TranslationAdmin,
    AreaAdmin,
    AliasAdmin,
    FacilitatorAdmin,
    DeskAdmin,
    CallbackAdmin,
    AuditAdmin,
]
