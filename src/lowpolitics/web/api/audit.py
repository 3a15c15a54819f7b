"""/api/v1/audit — the audit trail, read-only, for admins. There is no route that changes it."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from lowpolitics.framework.errors import CellError, InputError
from lowpolitics.store.audit import AuditFilter, audit_dict, list_audit
from lowpolitics.web.auth import ADMIN, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.paging import PageOut, bounded

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])
DAY = r"^\d{4}-\d{2}-\d{2}$"


class AuditOut(BaseModel):
    id: int
    at: str | None
    actor: str
    action: str
    entity: str
    key: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _day(value: str | None, name: str) -> date | None:
    """A calendar day, strictly: pydantic's lax date would read '0' as 1 January 1970."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(
            [CellError("query", None, name, value, "a real day as YYYY-MM-DD")],
            f"'{name}' is not a day",
        ) from None


@router.get("", response_model=PageOut[AuditOut])
def audit(
    request: Request,
    actor: str | None = None,
    entity: str | None = None,
    action: str | None = None,
    key: str | None = None,
    day_from: str | None = Query(None, description="YYYY-MM-DD", pattern=DAY),
    day_to: str | None = Query(None, description="YYYY-MM-DD", pattern=DAY),
    page: int = Query(1, ge=1),
    per_page: int = Query(50, ge=1, le=500),
    who: Principal = requires(ADMIN),
) -> dict:
    page, per_page = bounded(page, per_page)
    flt = AuditFilter(
        actor, entity, action, key, _day(day_from, "day_from"), _day(day_to, "day_to")
    )
    with web_context(request).session() as session:
        rows, total = list_audit(session, flt, offset=(page - 1) * per_page, limit=per_page)
        return {
            "items": [audit_dict(r) for r in rows],
            "total": total,
            "page": page,
            "per_page": per_page,
        }
