"""The one place errors become responses.

The API answers every error with one JSON shape::

    {"error": {"status": 422, "type": "input_error", "message": "...",
               "fields": [{"field": "date", "value": "2023-13", "expected": "..."}]}}

A stale edit (409) adds ``current_version``, the version now stored, and sends it as
``ETag`` too, so that a client can reread and retry without guessing.

Pages answer with the error page in the reader's language, and an anonymous visitor asking
for a page is sent to the login form. Anything that is not a :class:`LowpoliticsError` is a
bug: it is logged with its traceback and the user sees a plain 500, never the traceback.
"""

from __future__ import annotations

import logging
import re

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from lowpolitics.framework.errors import (
    SHOWN_CHARACTERS,
    AuthRequiredError,
    InputError,
    LowpoliticsError,
    shorten,
)

log = logging.getLogger("lowpolitics.web")


def _type(exc: Exception) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(exc).__name__).lower()


_LONG = SHOWN_CHARACTERS + 1
_QUOTED = re.compile(rf"'([^']{{{_LONG},}})'|“([^”]{{{_LONG},}})”")


def _cut_quoted(message: str) -> str:
    """Values a message quotes ('…' or “…”), each cut to a readable length."""

    def cut(match: re.Match) -> str:
        if match.group(1) is not None:
            return f"'{shorten(match.group(1))}'"
        return f"“{shorten(match.group(2))}”"

    return _QUOTED.sub(cut, message)


def error_body(status: int, kind: str, message: str, fields: list[dict] | None = None) -> dict:
    """The one error shape. Values echoed back — in the fields and quoted in the message —
    are cut to a readable length (``framework.errors.shorten``)."""
    shown = [{**f, "value": shorten(f.get("value"))} for f in fields or []]
    return {
        "error": {"status": status, "type": kind, "message": _cut_quoted(message), "fields": shown}
    }


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _respond(request: Request, status: int, body: dict, headers: dict | None = None) -> Response:
    if is_api(request):
        return JSONResponse(body, status_code=status, headers=headers)
    from lowpolitics.web.templating import render  # pages only; avoids an import cycle

    return render(
        request, "error.html.j2", {"error": body["error"]}, status_code=status, headers=headers
    )


def allowed_methods(path: str) -> list[str]:
    """Every method some route serves at ``path`` — Starlette's 405 names only the first
    route's, though FastAPI keeps one route per method."""
    from lowpolitics.web.routes import ROUTERS  # the routers import this module's users

    methods: set[str] = set()
    for router in ROUTERS:
        for route in router.routes:
            if isinstance(route, APIRoute) and route.path_regex.match(path):
                methods |= route.methods or set()
    return sorted(methods)


_BUSY = ("database is locked", "database is busy", "could not obtain lock", "deadlock detected",
         "could not serialize access")  # fmt: skip


def _busy(exc: OperationalError) -> bool:
    return any(marker in str(exc.orig).lower() for marker in _BUSY)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LowpoliticsError)
    async def lowpolitics_error(request: Request, exc: LowpoliticsError) -> Response:
        if isinstance(exc, AuthRequiredError) and not is_api(request) and request.method == "GET":
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        fields = []
        if isinstance(exc, InputError):
            fields = [
                {"field": e.column, "value": e.value, "expected": e.expected} for e in exc.errors
            ]
        headers = {}
        current = getattr(exc, "current_version", None)
        if current is not None:  # a stale edit: the version to base the next try on
            headers["ETag"] = f'"{current}"'
        retry = getattr(exc, "retry_after", None)
        if retry:
            headers["Retry-After"] = str(retry)
        if isinstance(exc, AuthRequiredError) and is_api(request):
            headers["WWW-Authenticate"] = "Bearer"
        body = error_body(exc.http_status, _type(exc), str(exc), fields)
        if current is not None:
            body["error"]["current_version"] = current
        return _respond(request, exc.http_status, body, headers or None)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        fields = []
        for err in exc.errors():
            location = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
            value = err.get("input")
            fields.append(
                {
                    "field": ".".join(location) or None,
                    "value": value if isinstance(value, str | int | float | None) else None,
                    "expected": err.get("msg", "a valid value"),
                }
            )
        body = error_body(422, "validation_error", "the request does not validate", fields)
        return _respond(request, 422, body)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        messages = {404: "not found", 405: "method not allowed"}
        message = exc.detail if isinstance(exc.detail, str) else messages.get(exc.status_code, "")
        body = error_body(exc.status_code, "http_error", message or "error")
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request.url.path))
        return _respond(request, exc.status_code, body, headers or None)

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def out_of_range(request: Request, exc: Exception) -> Response:
        """A number too large for the database (an id of 25 digits): the user's input, not
        our bug — SQLite raises OverflowError, PostgreSQL a DataError."""
        body = error_body(
            422, "input_error", "a value in the request is out of the range the database stores"
        )
        return _respond(request, 422, body)

    @app.exception_handler(OperationalError)
    async def database_busy(request: Request, exc: OperationalError) -> Response:
        """SQLite's write lock held past the busy timeout (or PostgreSQL refusing a lock): the
        request may simply be tried again — 503 with Retry-After, never a 500."""
        if not _busy(exc):
            return await server_error(request, exc)
        body = error_body(
            503, "database_error", "the database is busy with other changes; try again shortly"
        )
        return _respond(request, 503, body, {"Retry-After": "2"})

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        body = error_body(500, "server_error", "something went wrong on our side; it was logged")
        return (
            JSONResponse(body, status_code=500) if is_api(request) else _respond(request, 500, body)
        )
