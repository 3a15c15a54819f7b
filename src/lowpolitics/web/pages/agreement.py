"""Agreement between two coders — two people, or a person and the machine (``auto:…``).

The figures are those of ``lowpolitics reliability`` (analysis.reliability): percent
agreement, Cohen's kappa and Krippendorff's alpha, overall and per code, with the number of
units behind each, the warnings the CLI prints, a small-sample warning, and the segments the
two disagree on, each linked to the coding screen at that place.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from lowpolitics.analysis.reliability import UNITS
from lowpolitics.framework.errors import ConfigError, NotFoundError
from lowpolitics.store.blind import blind_coding
from lowpolitics.store.corpus_edit import coders
from lowpolitics.store.models import Document
from lowpolitics.web.auth import EDITOR, VIEWER, Principal, requires
from lowpolitics.web.coding_views import SHOWN_DISAGREEMENTS, agreement, code_section
from lowpolitics.web.context import web_context
from lowpolitics.web.i18n import request_language
from lowpolitics.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/agreement")
def agreement_page(
    request: Request,
    coder_a: str = "",
    coder_b: str = "",
    unit: str = "segment",
    who: Principal = requires(VIEWER),
) -> Response:
    ctx = web_context(request)
    lang = request_language(request)
    result, problem, ids, labels = None, None, {}, {}
    with ctx.session() as session:
        names = coders(session)
        blinded = blind_coding(session) and not who.can(EDITOR)  # the figures would tell
        if coder_a and coder_b and not blinded:
            try:
                result = agreement(session, coder_a, coder_b, unit)
            except (ConfigError, NotFoundError) as exc:
                problem = str(exc)
        if result and result["disagreements"]:
            keys = {d["document"] for d in result["disagreements"][:SHOWN_DISAGREEMENTS]}
            query = select(Document.key, Document.id).where(Document.key.in_(keys))
            ids = dict(session.execute(query).all())
    for name in result["codes"] if result else []:
        section = code_section(ctx.codebook, name)
        labels[name] = ctx.codebook.label(section, name, lang) if section else name
    return render(
        request,
        "agreement/index.html.j2",
        {
            "coders": names,
            "units": UNITS,
            "chosen": {"coder_a": coder_a, "coder_b": coder_b, "unit": unit},
            "result": result,
            "problem": problem,
            "document_ids": ids,
            "code_labels": labels,
            "shown": SHOWN_DISAGREEMENTS,
            "blinded": blinded,
        },
        status_code=400 if problem else 200,
    )
