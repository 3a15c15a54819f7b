"""Empty import files to start from: the columns each importer reads, as CSV or XLSX.

A team filling a registry by hand starts from the right header rather than from the
documentation; the file has no example row, so nothing made up can be imported by mistake.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from lowpolitics.exchange.table_export import FORMATS, table_bytes
from lowpolitics.framework.errors import NotFoundError
from lowpolitics.ingest.actors import ACTOR_COLUMNS
from lowpolitics.ingest.context import CONTEXT_COLUMNS
from lowpolitics.ingest.registry import REGISTRY_COLUMNS
from lowpolitics.web.auth import EDITOR, Principal, requires

router = APIRouter(include_in_schema=False)

TEMPLATES = {"registry": REGISTRY_COLUMNS, "context": CONTEXT_COLUMNS, "actors": ACTOR_COLUMNS}


@router.get("/import/templates/{kind}.{fmt}")
def template(request: Request, kind: str, fmt: str, who: Principal = requires(EDITOR)) -> Response:
    """The header row of a ``kind`` file (registry, context, actors) as ``fmt``."""
    if kind not in TEMPLATES or fmt not in FORMATS:
        raise NotFoundError(
            f"no template '{kind}.{fmt}': use registry, context or actors, as csv or xlsx"
        )
    body = table_bytes(fmt, TEMPLATES[kind], [], sheet=kind)
    headers = {"Content-Disposition": f'attachment; filename="lowpolitics-{kind}-template.{fmt}"'}
    return Response(body, media_type=FORMATS[fmt], headers=headers)
