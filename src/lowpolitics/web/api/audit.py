"""/api/v1/audit — the audit trail, read-only, for admins. There is no route that changes it."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from lowpolitics.store.audit import AuditFilter, audit_dict, list_audit
from lowpolitics.web.auth import ADMIN, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.paging import PageOut, bounded

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


class AuditOut(BaseModel):
    id: int
    at: str | None
    actor: str
    action: str
    entity: str
    key: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@router.get("", response_model=PageOut[AuditOut])
def audit(
    request: Request,
    actor: str | None = None,
    entity: str | None = None,
    action: str | None = None,
    key: str | None = None,
    day_from: date | None = Query(None, description="YYYY-MM-DD"),
    day_to: date | None = Query(None, description="YYYY-MM-DD"),
    page: int = Query(1, ge=1),
    per_page: int = Query(50, ge=1, le=500),
    who: Principal = requires(ADMIN),
) -> dict:
    page, per_page = bounded(page, per_page)
    flt = AuditFilter(actor, entity, action, key, day_from, day_to)
    with web_context(request).session() as session:
        rows, total = list_audit(session, flt, offset=(page - 1) * per_page, limit=per_page)
        return {
            "items": [audit_dict(r) for r in rows],
            "total": total,
            "page": page,
            "per_page": per_page,
        }
