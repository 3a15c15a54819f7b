"""Logging in and out, and choosing the interface language."""

from __future__ import annotations

import secrets
from urllib.parse import urlparse

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from lowpolitics.framework.errors import AuthRequiredError, RateLimitedError
from lowpolitics.framework.i18n import LANGUAGES
from lowpolitics.store.accounts import authenticate, end_session, start_session
from lowpolitics.web.auth import PRELOGIN_COOKIE, SESSION_COOKIE, CsrfError, check_csrf
from lowpolitics.web.context import web_context
from lowpolitics.web.i18n import LANG_COOKIE
from lowpolitics.web.templating import render

router = APIRouter(include_in_schema=False)

# the login form's CSRF token lives a day; a session lives as long as accounts.SESSION_HOURS
PRELOGIN_SECONDS = 24 * 3600


def safe_next(target: str | None) -> str:
    """Only a local path may follow a login, never another site."""
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _login_page(request: Request, *, error: str | None = None, status: int = 200) -> Response:
    token = request.cookies.get(PRELOGIN_COOKIE) or secrets.token_urlsafe(32)
    response = render(
        request,
        "login.html.j2",
        {
            "error": error,
            "next": safe_next(request.query_params.get("next")),
            "csrf_token": token,
        },
        status_code=status,
    )
    response.set_cookie(
        PRELOGIN_COOKIE,
        token,
        max_age=PRELOGIN_SECONDS,
        httponly=True,
        samesite="strict",
        secure=web_context(request).secure_cookies,
    )
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    return _login_page(request)


@router.post("/login")
async def login(
    request: Request,
    name: str = Form(""),
    password: str = Form(""),
    next: str = Form("/"),
) -> Response:
    try:
        await check_csrf(request, request.cookies.get(PRELOGIN_COOKIE))
    except CsrfError:
        return _login_page(request, error="csrf", status=403)
    ctx = web_context(request)
    address = request.client.host if request.client else None
    try:
        with ctx.session() as session:
            try:
                user = authenticate(session, name, password, address)
            except AuthRequiredError:
                session.commit()  # keep the failed attempt on record for rate limiting
                raise
            raw, _ = start_session(session, user)
    except RateLimitedError as exc:
        response = _login_page(request, error="rate", status=429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except AuthRequiredError:
        return _login_page(request, error="wrong", status=401)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        raw,
        httponly=True,
        samesite="lax",
        secure=ctx.secure_cookies,
    )
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    from lowpolitics.web.auth import principal

    who = principal(request)
    if who is not None and who.via == "session":
        await check_csrf(request, who.csrf)
        with web_context(request).session() as session:
            end_session(session, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/lang/{code}")
def choose_language(request: Request, code: str, next: str = "/") -> Response:
    """Remember the language in a cookie and go back where the reader was."""
    response = RedirectResponse(safe_next(next), status_code=303)
    if code in LANGUAGES:
        response.set_cookie(
            LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="lax", httponly=True
        )
    return response


@router.get("/healthz")
def health() -> dict:
    return {"ok": True}
