"""What every HTTP response carries, and what every request is told before it runs.

A plain ASGI middleware rather than ``@app.middleware("http")``: Starlette's
``BaseHTTPMiddleware`` runs the app in a task group of its own with memory streams between
the two, which cost about as much CPU as the whole ``/healthz`` route (issue 17, API latency).
This one only wraps ``send`` to add the security headers and sets the request's ``WRITING``
flag, which is all the decorated function did.
"""

from __future__ import annotations

import os

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lowpolitics.web.context import WRITING
from lowpolitics.web.errors import error_body

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    # scripts only from this server; inline styles are used by charts (SVG) and colour chips
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'",
}
_RAW_HEADERS = [
    (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in SECURITY_HEADERS.items()
]
_READING = frozenset({"GET", "HEAD", "OPTIONS"})


def max_request_bytes() -> int:
    """The largest request body accepted on any path (``LOWPOLITICS_MAX_REQUEST_MB``, default
    25 — above the 20 MB upload limit, which answers with its own message)."""
    try:
        return int(float(os.environ.get("LOWPOLITICS_MAX_REQUEST_MB", "25")) * 2**20)
    except ValueError:
        return 25 * 2**20


def _declared_length(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return value.decode("latin-1")
    return ""


class SecurityHeaders:
    """Security headers on every response (unless the route set its own), the ``WRITING``
    flag for the request's sessions, and 413 before reading a body declared too large."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in _RAW_HEADERS if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        declared = _declared_length(scope)
        if declared.isdigit() and int(declared) > max_request_bytes():
            limit = max_request_bytes() // 2**20
            body = error_body(413, "http_error", f"the request is larger than {limit} MB")
            await JSONResponse(body, status_code=413)(scope, receive, send_with_headers)
            return
        token = WRITING.set(scope["method"] not in _READING)
        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            WRITING.reset(token)
