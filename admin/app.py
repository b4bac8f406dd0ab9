"""The admin as a Starlette app: sqladmin for the tables, our pages for the rest."""

from __future__ import annotations

from pathlib import Path

from sqladmin import Admin
from sqladmin.i18n import I18nConfig
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from admin.funder_report import FunderReportView
from admin.gaps import GapRadarView
from admin.health import health_routes
from admin.hsds_api import hsds_api
from admin.limits import BodyLimit
from admin.mapping_view import TaxonomyMappingAdmin
from admin.pages import FreshnessView, ImportExportView, InsightsView
from admin.partner_page import partner_routes
from admin.partners import ContactAdmin, PartnersView
from admin.schaubild import SchaubildView
from admin.security import AccountLogin
from admin.views import VIEWS
from admin.volunteer_views import VIEWS as VOLUNTEER_VIEWS
from admin.workspace import workspace_routes
from lotse.db import get_engine
from lotse.settings import Settings

TEMPLATES = Path(__file__).resolve().parent / "templates"


def create_app(settings: Settings) -> Starlette:
    async def home(_request: Request) -> Response:
        return RedirectResponse("/admin/")

    app = Starlette(routes=[Route("/", home)], middleware=[Middleware(BodyLimit)])
    app.router.routes.extend(health_routes(settings))  # GET /health, /metrics: no login
    app.router.routes.extend(partner_routes(str(TEMPLATES)))  # a partner's link: no account
    # facilitators' case work: their own login by a link from the bot, no admin account
    app.router.routes.extend(
        workspace_routes(settings.database_url, secure_cookie=settings.admin_secure_cookie)
    )
    app.router.routes.append(hsds_api(settings))  # GET /hsds/…: the HSDS 3.0 API, no login
    login = AccountLogin(settings.database_url, secure_cookie=settings.admin_secure_cookie)
    admin = Admin(
        app,
        engine=get_engine(settings.database_url),
        base_url="/admin",
        title="Lotse – Verwaltung",
        authentication_backend=login,
        templates_dir=str(TEMPLATES),
        i18n_config=I18nConfig(default_locale="de", language_switcher=["de", "en", "tr", "ru"]),
    )
    for view in (*VIEWS, ContactAdmin, *VOLUNTEER_VIEWS, TaxonomyMappingAdmin):
        admin.add_view(view)
    for page in (
        FreshnessView,
        ImportExportView,
        InsightsView,
        GapRadarView,
        SchaubildView,
        PartnersView,
        FunderReportView,
    ):
        admin.add_base_view(page)
    return app
