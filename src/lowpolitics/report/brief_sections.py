"""The brief's tables after page 1: continuity of joint bodies and commitments, restart lags.

Each row names the records behind it (ids, cited so the brief lists them with their sources);
dates are written as the brief's readers write them.
"""

from __future__ import annotations

from collections.abc import Callable

from lowpolitics.framework.codebook import Codebook
from lowpolitics.report.findings import num
from lowpolitics.report.held_broken_page import day
from lowpolitics.report.records import Citations

Translate = Callable[[str], str]


def continuity_section(document: dict, lang: str, _: Translate, citations: Citations) -> dict:
    """Per standing body: sessions, rhythm, the longest gap (between which sessions, how long,
    whether it exceeds the rhythm, which tension periods it spans); then the commitments of the
    framework instruments with no held activity since signature."""
    section = document.get("continuity") or {}
    bodies = []
    for body in section.get("bodies") or []:
        gap = body.get("longest_gap") or {}
        ids = citations.cite([i for i in (gap.get("from_id"), gap.get("to_id")) if i])
        citations.cite(body.get("session_ids") or [])
        rhythm = body.get("rhythm_months")
        bodies.append(
            {
                "name": body.get("name") or body.get("key"),
                "sessions": body.get("sessions", 0),
                "session_ids": body.get("session_ids") or [],
                "rhythm": (
                    _("every {n} months (declared)").format(n=rhythm)
                    if rhythm and body.get("rhythm_source") == "declared"
                    else _("every {n} months (inferred from the sessions)").format(n=rhythm)
                    if rhythm
                    else _("no rhythm declared or inferable")
                ),
                "gap_days": num(gap.get("days"), lang) if gap else "—",
                "gap_years": num(round((gap.get("days") or 0) / 365.25, 1), lang) if gap else "—",
                "gap_from": day(gap.get("from_date"), lang) if gap else "—",
                "gap_to": (_("still open") if gap.get("open") else day(gap.get("to_date"), lang))
                if gap
                else "—",
                "gap_ids": ids,
                "exceeds": bool(gap.get("exceeds_rhythm")),
            }
        )
    idle = []
    for instrument in section.get("instruments") or []:
        for commitment in instrument.get("commitments") or []:
            if commitment.get("held"):
                continue
            idle.append(
                {
                    "instrument": instrument.get("title") or instrument.get("key"),
                    "signed": day(instrument.get("signed_on"), lang),
                    "commitment": commitment.get("title") or commitment.get("code"),
                    "due": day(commitment.get("due"), lang) if commitment.get("due") else "—",
                    "state": _due_state(commitment.get("due_state"), _),
                    "before": citations.cite(commitment.get("held_before_signature") or []),
                }
            )
    return {
        "bodies": bodies,
        "idle": idle,
        "judged_to": day(section.get("commitments_judged_to"), lang),
        "n_commitments": sum(
            len(i.get("commitments") or []) for i in section.get("instruments") or []
        ),
    }


def _due_state(state: str | None, _: Translate) -> str:
    return {
        "met": _("met"),
        "late": _("met late"),
        "overdue": _("overdue"),
        "open": _("not yet due"),
    }.get(state or "", _("no date promised"))


def restart_section(
    document: dict, codebook: Codebook, lang: str, _: Translate, citations: Citations
) -> dict:
    """Per tension period and mechanism: the first held activity after the period, how many days
    after its end, and the confidence-building step nearest before it."""
    section = document.get("restart") or {}
    periods = []
    for period in section.get("periods") or []:
        rows = []
        for code in codebook.mechanism_codes:
            cell = (period.get("by_mechanism") or {}).get(code) or {}
            first = cell.get("first_held_id")
            step = cell.get("nearest_step") or {}
            citations.cite([i for i in (first, step.get("id")) if i])
            rows.append(
                {
                    "mechanism": codebook.label("mechanisms", code, lang).split(" (")[0],
                    "first_id": first,
                    "first_date": day(cell.get("first_held_date"), lang) if first else "—",
                    "lag": num(cell.get("days_after_period"), lang) if first else "—",
                    "step_id": step.get("id"),
                    "step_date": day(step.get("date"), lang) if step else "—",
                    "after_step": num(cell.get("days_after_step"), lang) if step else "—",
                }
            )
        periods.append(
            {
                "start": day(period.get("start"), lang),
                "end": day(period.get("end"), lang),
                "rows": rows,
            }
        )
    return {"periods": periods}
