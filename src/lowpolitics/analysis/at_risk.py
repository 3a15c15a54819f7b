"""Which planned activities are most likely to be disrupted soon, and on what evidence?

A forecast here is deliberately plain: the chance that a planned activity is disrupted is the
share of past activities of the same mechanism that were disrupted in the same tension state as
now — during tension if relations are tense (inside a period, or within 90 days after one
ended), outside tension otherwise. It is a base rate, not a model; every figure carries its
Wilson interval and the number of past cases it rests on. When that number is below the
small-sample threshold the rate of all mechanisms in the same state is used instead, and the
result says so.
"""

from __future__ import annotations

from datetime import date, timedelta

from lowpolitics.analysis.dataset import ActivityView, Dataset
from lowpolitics.analysis.exposure import IN, OUT
from lowpolitics.analysis.intervals import RATE_METHOD
from lowpolitics.analysis.options import AnalysisOptions, describe_periods, periods_for
from lowpolitics.analysis.periods import TensionPeriod
from lowpolitics.analysis.resilience import classify, rate_block
from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.notes import N_, note

RECENT_DAYS = 90  # tension that ended this recently still counts as tension now


def tension_now(periods: list[TensionPeriod], today: date) -> dict:
    """``in`` a period, ``recent`` (ended within RECENT_DAYS), or ``calm``; with the period."""
    current = next((p for p in periods if p.contains(today)), None)
    if current is not None:
        return {"state": "in", "period": current.as_dict(), "days_since_end": None}
    ended = [p for p in periods if p.end < today <= p.end + timedelta(days=RECENT_DAYS)]
    if ended:
        last = max(ended, key=lambda p: p.end)
        return {
            "state": "recent",
            "period": last.as_dict(),
            "days_since_end": (today - last.end).days,
        }
    return {"state": "calm", "period": None, "days_since_end": None}


def _order(activity: ActivityView) -> tuple:
    return (activity.date.start, activity.date.end, activity.key)


def _upcoming(activities: list[ActivityView], today: date, horizon_end: date) -> list:
    """Planned activities whose interval (to ``end_date`` if any) overlaps [today, horizon]."""
    return [
        a
        for a in activities
        if a.status == "planned"
        and a.date.start <= horizon_end
        and (a.end_date or a.date).end >= today
    ]


def _pct(value: float) -> str:
    return f"{round(100 * value)} %"


def _state_sentence(now: dict) -> str:
    if now["state"] == "in":
        return f"relations are tense now (period since {now['period']['start']})"
    if now["state"] == "recent":
        return (
            f"tension ended recently ({now['period']['end']}, {now['days_since_end']} days ago), "
            "so the tension rate applies"
        )
    return f"no tension now or in the last {RECENT_DAYS} days"


def _reason(label: str, block: dict, words: str, now: dict, fallback: str | None) -> str:
    state = _state_sentence(now)
    if not block["n"]:
        return f"No past activity {words} to learn from; {state}."
    low, high = block["ci"]
    figures = (
        f"disrupted in {block['disrupted']} of {block['n']} cases {words} "
        f"({_pct(block['rate'])}, 95 % CI {round(100 * low)}–{_pct(high)})"
    )
    if fallback:
        return f"{fallback}; all activities were {figures}; {state}."
    return f"{label} activities were {figures}; {state}."


def at_risk(
    dataset: Dataset,
    codebook: Codebook,
    options: AnalysisOptions | None = None,
    horizon_days: int = 180,
) -> dict:
    """Planned activities in the next ``horizon_days``, each with its chance of disruption."""
    options = options or AnalysisOptions()
    today = options.today()
    horizon_end = today + timedelta(days=horizon_days)
    periods = periods_for(dataset, options)
    now = tension_now(periods, today)
    tense = now["state"] in ("in", "recent")
    side, words = (IN, "during tension") if tense else (OUT, "outside tension")
    history = dataset.between(options.date_from, options.date_to).activities
    past = sorted((a for a in history if a.date.start <= today), key=_order)
    groups = classify(past, periods)
    disrupted = codebook.disrupted_statuses
    overall = rate_block(groups[side], disrupted)
    notes: list[str] = []
    rows = []
    for a in _upcoming(dataset.activities, today, horizon_end):
        label = codebook.label("mechanisms", a.mechanism)
        block = rate_block([h for h in groups[side] if h.mechanism == a.mechanism], disrupted)
        basis, fallback = f"{a.mechanism}, {words}", None
        if block["n"] < options.small_n:
            fallback = (
                f"Only {block['n']} past {label.lower()} "
                f"activit{'y' if block['n'] == 1 else 'ies'} {words}, so the rate of all "
                "mechanisms is used"
            )
            block, basis = overall, f"all mechanisms, {words} (fallback: {a.mechanism} n < "
            basis += f"{options.small_n})"
        rows.append(
            {
                "id": a.key,
                "date": a.date.isoformat(),
                "title": a.title,
                "mechanism": a.mechanism,
                "chance": block["rate"],
                "ci": block["ci"],
                "based_on_n": block["n"],
                "basis": basis,
                "reason": _reason(label, block, words, now, fallback),
                "evidence_ids": block["ids"],
                "evidence_disrupted_ids": block["disrupted_ids"],
            }
        )
    rows.sort(key=lambda r: (r["chance"] is None, -(r["chance"] or 0.0), r["date"], r["id"]))
    if rows and overall["n"] < options.small_n:
        if tense:
            message = N_(
                "only {n} past activities during tension in all mechanisms; every chance here "
                "is a rough guess — read the intervals"
            )
        else:
            message = N_(
                "only {n} past activities outside tension in all mechanisms; every chance here "
                "is a rough guess — read the intervals"
            )
        notes.append(note(message, n=overall["n"]))
    if not periods:
        notes.append(note(N_("no tension periods: every chance is the rate outside tension")))
    fell_back = sum(1 for r in rows if r["basis"].startswith("all mechanisms"))
    if fell_back:
        if tense:
            message = N_(
                "{fell_back} of {n} activities use the all-mechanisms rate because their own "
                "mechanism has fewer than {minimum} past cases during tension"
            )
        else:
            message = N_(
                "{fell_back} of {n} activities use the all-mechanisms rate because their own "
                "mechanism has fewer than {minimum} past cases outside tension"
            )
        notes.append(note(message, fell_back=fell_back, n=len(rows), minimum=options.small_n))
    return {
        "as_of": today.isoformat(),
        "horizon_days": horizon_days,
        "horizon_end": horizon_end.isoformat(),
        "tension_now": now,
        "activities": rows,
        "warnings": notes,
        "methods": {
            "chance": "share of past non-planned activities of the same primary mechanism that "
            f"were disrupted ({', '.join(sorted(disrupted))}) in the current tension state",
            "tension_state": f"tense if today lies in a period or one ended within {RECENT_DAYS} "
            "days; month- or year-dated history is counted only where its exposure is certain",
            "fallback": f"all mechanisms in the same state when the mechanism has fewer than "
            f"{options.small_n} past cases",
            "interval": RATE_METHOD,
            "period_method": describe_periods(options, periods),
            "upcoming": "planned activities whose date interval overlaps today … today + horizon",
        },
    }
