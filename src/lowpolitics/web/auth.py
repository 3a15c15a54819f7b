"""Who is asking, and may they? Sessions (browser), API tokens (scripts), roles and CSRF.

A browser request carries the ``lp_session`` cookie (HttpOnly, SameSite=Lax); a script sends
``Authorization: Bearer TOKEN``. Every route states the least role it needs with
:func:`requires`; the route-walking test reads that declaration off the app and checks that
each role gets exactly what it should. A request that changes something and comes with a
cookie must echo the session's CSRF token (form field ``csrf_token`` or header
``X-CSRF-Token``); token-authenticated scripts need none, as no browser sends their token on
its own.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import Depends, Request

from lowpolitics.framework.errors import AuthRequiredError, ForbiddenError
from lowpolitics.store.accounts import allows, session_for_cookie, user_for_token
from lowpolitics.web.context import web_context

SESSION_COOKIE = "lp_session"
PRELOGIN_COOKIE = "lp_prelogin"  # double-submit CSRF token for the login form itself
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Principal:
    name: str
    role: str
    csrf: str | None  # None when the request came with an API token
    via: str  # "session" or "token"

    def can(self, role: str) -> bool:
        return allows(self.role, role)


class CsrfError(ForbiddenError):
    """A state-changing browser request without the page's CSRF token."""


def principal(request: Request) -> Principal | None:
    """The user behind the request, or None; computed once per request."""
    if hasattr(request.state, "principal"):
        return request.state.principal
    ctx = web_context(request)
    found: Principal | None = None
    header = request.headers.get("authorization", "")
    with ctx.session() as session:
        if header.lower().startswith("bearer "):
            user = user_for_token(session, header[7:].strip())
            if user is None:
                raise AuthRequiredError("the API token is not valid (revoked, or mistyped)")
            found = Principal(user.name, user.role, None, "token")
        else:
            caller = session_for_cookie(session, request.cookies.get(SESSION_COOKIE))
            if caller is not None:
                found = Principal(caller.name, caller.role, caller.csrf, "session")
    request.state.principal = found
    return found


async def check_csrf(request: Request, expected: str | None) -> None:
    if request.method in SAFE_METHODS:
        return
    given = request.headers.get(CSRF_HEADER)
    if not given:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()  # Starlette keeps it, so Form() parameters still work
            value = form.get(CSRF_FIELD)
            given = value if isinstance(value, str) else None
    if not expected or not given or not hmac.compare_digest(given, expected):
        raise CsrfError("the form's security token is missing or out of date; reload the page")


def requires(role: str):
    """A route dependency: the caller must be logged in with at least ``role``."""

    async def dependency(request: Request) -> Principal:
        who = principal(request)
        if who is None:
            raise AuthRequiredError("log in first")
        if who.via == "session":
            await check_csrf(request, who.csrf)
        if not who.can(role):
            raise ForbiddenError(f"this needs the role '{role}' or higher; you are '{who.role}'")
        return who

    dependency.min_role = role
    return Depends(dependency)


VIEWER = "viewer"
CODER = "coder"
EDITOR = "editor"
ADMIN = "admin"
