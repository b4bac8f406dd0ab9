"""The admin's volunteers (who accompany clients, issue 19) and accompaniment requests without
personal data. Changes are audited like every admin change (lotse/audit.py)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from admin.exports import NeutralisedExportView
from lotse.accompaniment import requests
from lotse.accompaniment.models import Accompaniment, Volunteer
from lotse.models import utcnow


class VolunteerAdmin(NeutralisedExportView, model=Volunteer):
    name, name_plural, icon = "Ehrenamtliche/r", "Ehrenamtliche", "fa-solid fa-hands-helping"
    column_list = [
        Volunteer.display_name,
        Volunteer.telegram_user_id,
        Volunteer.regions,
        Volunteer.languages,
        Volunteer.skills,
        Volunteer.active,
    ]
    form_columns = [
        Volunteer.display_name,
        Volunteer.telegram_user_id,
        Volunteer.regions,
        Volunteer.languages,
        Volunteer.skills,
        Volunteer.ui_language,
        Volunteer.active,
    ]

    async def after_model_change(
        self, data: dict[str, Any], model: Any, is_created: bool, request: Request
    ) -> None:
        """Unticking "active" gives what they took back to the region, as `lotse volunteer
        remove` does, and starts the retention clock."""
        if model.active:
            return
        with self.session_maker() as session:
            person = session.get(Volunteer, model.id)
            if person is not None:
                person.deactivated_at = person.deactivated_at or utcnow()
                requests.give_back_all(session, person.telegram_user_id)
                session.commit()


class AccompanimentAdmin(NeutralisedExportView, model=Accompaniment):
    """Requests without personal data: no chat, no address."""

    name, name_plural, icon = "Begleitung", "Begleitungen", "fa-solid fa-person-walking"
    can_create = can_edit = can_delete = False
    column_list = [
        Accompaniment.reference,
        Accompaniment.kind,
        Accompaniment.place,
        Accompaniment.language,
        Accompaniment.appointment_at,
        Accompaniment.status,
        Accompaniment.companion_role,
        Accompaniment.took_place,
    ]
    column_details_list = column_list


VIEWS = [VolunteerAdmin, AccompanimentAdmin]
