"""Build the FastAPI app for one database: pages, API, static files, error handlers."""

from __future__ import annotations

import tempfile
from contextlib import asynccontextmanager
from datetime import date
from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from lowpolitics import __version__
from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.gazetteer import Gazetteer
from lowpolitics.store.corpus import framework_codes
from lowpolitics.store.db import require_schema, session_scope
from lowpolitics.web.context import WebContext
from lowpolitics.web.errors import install_error_handlers
from lowpolitics.web.headers import SecurityHeaders
from lowpolitics.web.merge_patch import MERGE_PATCH
from lowpolitics.web.routes import ROUTERS

ERROR_RESPONSES = {
    "400": "an option or parameter makes no sense here (the message says why)",
    "401": "not logged in, or the bearer token is not valid",
    "403": "the role does not allow this, or the CSRF token is missing",
    "404": "no such record",
    "409": "the record changed since it was read (stale version), or the key is taken",
    "422": "the request does not validate; every bad field is listed",
    "429": "too many failed logins",
}
# only on the operations that must name the version they change (DELETE, PATCH)
VERSIONED_RESPONSES = {
    "409": "the record changed since it was read: error.current_version (and ETag) is the "
    "version now stored; or the key is taken",
    "428": "no version named: give ?version=N (DELETE), 'version' in the body (PATCH), or "
    'If-Match: "N" with the ETag that GET returned',
}


def document_errors_and_auth(app: FastAPI) -> dict:
    """The OpenAPI document with what every operation may answer besides success — all in
    the one error shape — and the bearer-token scheme scripts use."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})["ErrorResponse"] = ERROR_SCHEMA
    components["securitySchemes"] = {
        "bearer": {"type": "http", "scheme": "bearer", "description": "lowpolitics users token"}
    }
    schema["security"] = [{"bearer": []}]
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status, text in ERROR_RESPONSES.items():
                responses[status] = {"description": text, "content": reference}
            if method in ("delete", "patch"):
                for status, text in VERSIONED_RESPONSES.items():
                    responses[status] = {"description": text, "content": reference}
            if method == "patch":
                responses["415"] = {
                    "description": "the body is not a JSON merge patch",
                    "content": reference,
                }
                content = operation.get("requestBody", {}).get("content", {})
                if "application/json" in content:  # RFC 7396's own type, and plain JSON
                    body = content.pop("application/json")
                    content.update({MERGE_PATCH: body, "application/json": body})
    for unused in ("HTTPValidationError", "ValidationError"):
        components["schemas"].pop(unused, None)
    app.openapi_schema = schema
    return schema


ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "type", "message", "fields"],
            "properties": {
                "status": {"type": "integer"},
                "type": {"type": "string"},
                "message": {"type": "string"},
                "current_version": {
                    "type": "integer",
                    "description": "on a stale edit (409): the version now stored",
                },
                "fields": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "field": {"type": ["string", "null"]},
                            "value": {},
                            "expected": {"type": "string"},
                        },
                    },
                },
            },
        }
    },
}


def create_app(
    engine: Engine,
    codebook: Codebook,
    gazetteer: Gazetteer,
    *,
    work_dir: Path | None = None,
    secure_cookies: bool = False,
    as_of: date | None = None,
    run_jobs: bool = False,
) -> FastAPI:
    """The web app over ``engine``; the schema must be current (``lowpolitics init``).
    ``as_of``: the day taken as today by the checks that compare with it (tests).
    ``run_jobs``: a worker thread does queued jobs while the app runs (``serve`` turns it on;
    without it ``lowpolitics jobs run`` must work the queue)."""
    require_schema(engine)
    holder: dict = {}

    @asynccontextmanager
    async def lifespan(_app):
        if run_jobs:
            from lowpolitics.web.job_worker import JobWorker

            ctx = _app.state.ctx
            holder["worker"] = JobWorker(
                ctx.engine, ctx.codebook, ctx.work_dir, ctx.jobs, ctx.gazetteer, ctx.as_of
            )
            holder["worker"].start()
        try:
            yield
        finally:
            if "worker" in holder:
                holder.pop("worker").stop()

    app = FastAPI(
        title="lowpolitics",
        version=__version__,
        description="Cultural diplomacy observatory: registry, corpus, analyses and brief. "
        "Authenticate with `Authorization: Bearer TOKEN` (`lowpolitics users token NAME`).",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    with session_scope(engine) as session:
        # the codebook's codes exist before the first request, so that two coders opening
        # their first coding screen at once do not both try to create them
        framework_codes(session, codebook)
    folder = work_dir or Path(tempfile.mkdtemp(prefix="lowpolitics-web-"))
    folder.mkdir(parents=True, exist_ok=True)
    app.state.ctx = WebContext(engine, codebook, gazetteer, folder, secure_cookies, as_of=as_of)
    static = resources.files("lowpolitics.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    for router in ROUTERS:
        app.include_router(router)
    install_error_handlers(app)
    app.openapi = lambda: document_errors_and_auth(app)

    app.add_middleware(SecurityHeaders)

    return app


# Read by :func:`factory`; ``lowpolitics serve --workers N`` sets them for its worker processes.
ENV_DB = "LOWPOLITICS_DB"  # the database URL, as everywhere
ENV_CODEBOOK = "LOWPOLITICS_CODEBOOK"  # a YAML file that extends the bundled codebook
ENV_WORK_DIR = "LOWPOLITICS_WEB_WORK_DIR"  # uploads awaiting confirmation, built briefs
ENV_SECURE_COOKIES = "LOWPOLITICS_WEB_SECURE_COOKIES"  # "1": cookies marked Secure
ENV_RUN_JOBS = "LOWPOLITICS_WEB_RUN_JOBS"  # "0": no job worker in the server processes


def factory() -> FastAPI:
    """The app as uvicorn's worker processes build it: ``uvicorn --factory
    lowpolitics.web.app:factory --workers N``. Each process calls it once, so everything comes
    from the environment (names above), not from arguments.

    The work folder must be one folder for all of them — an upload previewed by one process
    is imported by whichever process takes the next request — so without
    ``LOWPOLITICS_WEB_WORK_DIR`` each process gets a private one and a warning says that only
    one process can then be run."""
    import logging
    import os

    from lowpolitics.framework.codebook import load_codebook
    from lowpolitics.framework.gazetteer import load_gazetteer
    from lowpolitics.store.db import make_engine

    folder = os.environ.get(ENV_WORK_DIR)
    if not folder:
        logging.getLogger("uvicorn.error").warning(
            "%s is not set: this process keeps uploads and briefs in a folder of its own, so "
            "run one process only (or set it to a folder all of them share)",
            ENV_WORK_DIR,
        )
    return create_app(
        make_engine(os.environ.get(ENV_DB)),
        load_codebook(os.environ.get(ENV_CODEBOOK) or None),
        load_gazetteer(),
        work_dir=Path(folder) if folder else None,
        secure_cookies=os.environ.get(ENV_SECURE_COOKIES, "") in ("1", "true", "yes"),
        run_jobs=os.environ.get(ENV_RUN_JOBS, "1") in ("1", "true", "yes"),
    )
