"""The read-only HSDS 3.0 API under `/hsds`, next to the admin and outside its login: the
catalogue as other directories read it (lotse/catalogue/hsds_api_answers.py). GET only; every
other method gets 405, an unknown path or id 404, both as JSON."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from lotse.catalogue import hsds_api_answers as answers
from lotse.catalogue.hsds_api import HsdsCatalogue, load_catalogue
from lotse.db import session_scope
from lotse.settings import Settings

PREFIX = "/hsds"
FRESH_SECONDS = 60.0
"""How long one reading of the catalogue answers requests: building it takes about 0.3 s
for the demo's 270 services, and a partner pages through the whole list at once."""
Work = Callable[[HsdsCatalogue, Request], answers.Answer]


def hsds_api(settings: Settings) -> Mount:
    url = settings.database_url
    lock = threading.Lock()
    cached: list[tuple[float, HsdsCatalogue]] = []

    def current() -> HsdsCatalogue:
        with lock:
            if not cached or time.monotonic() - cached[0][0] > FRESH_SECONDS:
                with session_scope(url) as session:
                    cached[:] = [(time.monotonic(), load_catalogue(session))]
            return cached[0][1]

    def answer(request: Request, work: Work) -> answers.Answer:
        return work(current(), request)

    def endpoint(work: Work) -> Callable[[Request], Any]:
        async def respond(request: Request) -> JSONResponse:
            status, body = await asyncio.to_thread(answer, request, work)
            return JSONResponse(body, status_code=status)

        return respond

    async def meta(_request: Request) -> JSONResponse:
        return JSONResponse(answers.api_meta()[1])

    def q(request: Request) -> dict[str, str]:
        return dict(request.query_params)

    def pid(request: Request) -> str:
        return str(request.path_params["id"])

    table: list[tuple[str, Work]] = [
        ("/services", lambda c, r: answers.services(c, q(r))),
        ("/services/{id}", lambda c, r: answers.service(c, pid(r))),
        ("/organizations", lambda c, r: answers.organizations(c, q(r))),
        ("/organizations/{id}", lambda c, r: answers.organization(c, pid(r), q(r))),
        ("/taxonomies", lambda c, r: answers.taxonomies(c, q(r))),
        ("/taxonomies/{id}", lambda c, r: answers.taxonomy(c, pid(r))),
        ("/taxonomy_terms", lambda c, r: answers.taxonomy_terms(c, q(r))),
        ("/taxonomy_terms/{id}", lambda c, r: answers.taxonomy_term(c, pid(r))),
        ("/service_at_locations", lambda c, r: answers.service_at_locations(c, q(r))),
        ("/service_at_locations/{id}", lambda c, r: answers.service_at_location(c, pid(r))),
    ]
    routes = [Route("/", meta, methods=["GET"])]
    routes += [Route(path, endpoint(work), methods=["GET"]) for path, work in table]

    async def http_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        headers = {"Allow": "GET, HEAD"} if exc.status_code == 405 else None
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code, headers=headers)

    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error})
    return Mount(PREFIX, app=app)
