"""Admin pages: users (add, role, deactivate, password, tokens, remove) and the audit log."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from lowpolitics.framework.errors import ConfigError, ConflictError
from lowpolitics.store.accounts import (
    ROLES,
    add_user,
    delete_user,
    issue_token,
    list_users,
    update_user,
)
from lowpolitics.store.audit import AuditFilter, audit_dict, list_audit
from lowpolitics.web.auth import ADMIN, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.forms import form_values, form_version
from lowpolitics.web.paging import Page, bounded
from lowpolitics.web.templating import render

router = APIRouter(include_in_schema=False)


def _users_page(
    request: Request,
    *,
    error: str | None = None,
    token: tuple | None = None,
    values: dict | None = None,
    status_code: int = 200,
) -> Response:
    with web_context(request).session() as session:
        users = [
            {"name": u.name, "role": u.role, "active": u.active, "version": u.version}
            for u in list_users(session)
        ]
    return render(
        request,
        "admin/users.html.j2",
        {"users": users, "roles": ROLES, "error": error, "token": token, "values": values or {}},
        status_code=status_code,
    )


@router.get("/admin/users")
def users(request: Request, who: Principal = requires(ADMIN)) -> Response:
    return _users_page(request)


@router.post("/admin/users")
async def create_user(request: Request, who: Principal = requires(ADMIN)) -> Response:
    values = await form_values(request, ("name", "role", "password"))
    try:
        with web_context(request).session() as session:
            add_user(session, values["name"], values["role"], values["password"], who=who.name)
    except (ConfigError, ConflictError) as exc:
        values.pop("password", None)
        return _users_page(request, error=str(exc), values=values, status_code=422)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{name}")
async def change_user(request: Request, name: str, who: Principal = requires(ADMIN)) -> Response:
    """One form per user row: ``action`` is role, deactivate, activate, password or remove."""
    values = await form_values(request, ("action", "role", "password", "version"))
    action = values.get("action")
    version = form_version(values.get("version"))
    try:
        with web_context(request).session() as session:
            if action == "role":
                update_user(session, name, who=who.name, role=values["role"], version=version)
            elif action in ("deactivate", "activate"):
                update_user(
                    session, name, who=who.name, active=action == "activate", version=version
                )
            elif action == "password":
                update_user(
                    session, name, who=who.name, password=values["password"], version=version
                )
            elif action == "remove":
                delete_user(session, name, who=who.name)
            elif action == "token":
                raw = issue_token(session, name, who=who.name)
            else:
                raise ConfigError(f"unknown action '{action}'")
    except (ConfigError, ConflictError) as exc:
        return _users_page(
            request, error=str(exc), status_code=409 if isinstance(exc, ConflictError) else 422
        )
    if action == "token":  # shown once, after the transaction that stored its hash
        return _users_page(request, token=(name, raw))
    return RedirectResponse("/admin/users", status_code=303)


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/admin/audit")
def audit(
    request: Request,
    actor: str = "",
    entity: str = "",
    action: str = "",
    key: str = "",
    day_from: str = "",
    day_to: str = "",
    page: int = 1,
    who: Principal = requires(ADMIN),
) -> Response:
    number, per_page = bounded(page, 50)
    flt = AuditFilter(
        actor or None, entity or None, action or None, key or None, _day(day_from), _day(day_to)
    )
    with web_context(request).session() as session:
        rows, total = list_audit(session, flt, offset=(number - 1) * per_page, limit=per_page)
        entries = [audit_dict(r) for r in rows]
    for entry in entries:
        before, after = entry["before"] or {}, entry["after"] or {}
        entry["changed"] = sorted(
            k for k in set(before) | set(after) if before.get(k) != after.get(k)
        )
    return render(
        request,
        "admin/audit.html.j2",
        {
            "entries": entries,
            "page": Page(entries, total, number, per_page),
            "filters": {
                "actor": actor,
                "entity": entity,
                "action": action,
                "key": key,
                "day_from": day_from,
                "day_to": day_to,
            },
        },
    )
