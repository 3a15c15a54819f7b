"""Continuity: does the commission keep its rhythm, which commitments are idle, what went quiet.

Three questions a joint commission's secretariat asks, each answered with the ids behind it:

- **bodies** — every ``Body`` (commission, working group), and every initiative with at least
  two activities of a meeting type (``meeting_types``: the codebook's activity types marked
  ``body_session``, by default ``commission_meeting`` and ``working_group``); its sessions are
  those activities, other rows of the initiative (an agreement signed at a session) are not.
  Sessions count when *held*: status ``held``, ``signed`` or ``resumed``.
- **instruments** — for each agreement, how many of its commitments saw at least one held
  activity (of an initiative linked to the commitment) inside the analysis window and not
  before the agreement was signed, with a Wilson interval, and which saw none. A commitment
  with a ``due`` date is *met* (done by then), *late* (done only after), *overdue* (nothing
  done and the date passed before the last day the record reports anything,
  ``commitments_judged_to``) or *open*; activities held before the signature, or dated only to
  a month or year that contains it, are listed apart (``held_before_signature``,
  ``dated_around_signature``) and do not count.
- **recurring** — for each initiative with at least two activities, the years in which it was
  expected but nothing at all was recorded: *silent disruptions*, labelled ``inferred`` and
  kept apart from the *explicit* ones (a recorded status the codebook marks as disrupted).

Rules, stated once (also returned under ``methods``):

- Rhythm: the body's ``rhythm_months``, else the linked initiative's, else *inferred* — for a
  body, the median gap between consecutive held sessions rounded to whole months (at least
  one), from three or more sessions; for a recurring initiative, the median gap in whole years
  between distinct years with a held occurrence, from three or more such years. Otherwise it is
  unknown and nothing is judged.
- Dates known only to a month or year sit at the middle of their interval for gaps, and each
  gap also carries its bounds (``min_days``, ``max_days``). A month is 365.25 / 12 days.
- The horizon is ``options.today()`` (or ``date_to`` when earlier); the gap from the last
  session to the horizon is reported too and flagged ``open``.
- Silent disruption: a calendar year with no recorded activity of the initiative (any status —
  a plan or a cancellation is not silence), strictly after its first active year and no later
  than the last calendar year completed by the horizon, that the rhythm makes due: after an
  active year *a*, the years ``a + ceil(j × rhythm / 12)`` for j = 1, 2, … (so every empty
  year of an annual or more frequent event, every second one of a biennial event).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from lowpolitics.analysis.dataset import ActivityView, Dataset
from lowpolitics.analysis.intervals import RATE_METHOD, wilson
from lowpolitics.analysis.options import AnalysisOptions, describe_periods, periods_for
from lowpolitics.analysis.periods import TensionPeriod
from lowpolitics.analysis.silent_gaps import (
    _year,
    silent_years,  # noqa: F401  (public, tested)
)
from lowpolitics.analysis.silent_gaps import recurring as recurring_gaps
from lowpolitics.analysis.units import counting_base
from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.dates import PartialDate
from lowpolitics.framework.notes import N_, data, ident, note
from lowpolitics.store.models import Body, Initiative, Instrument

HELD_STATUSES = frozenset({"held", "signed", "resumed"})
MEETING_TYPES = frozenset({"commission_meeting", "working_group"})
MONTH_DAYS = 365.25 / 12
MIN_SESSIONS_TO_INFER = 3
FEW_SESSIONS = 5  # an inferred rhythm from fewer held sessions than this gets a warning


@dataclass(frozen=True)
class BodyInput:
    key: str
    name: str
    kind: str
    rhythm_months: int | None = None
    initiative: str | None = None  # the initiative whose activities are its sessions


@dataclass(frozen=True)
class CommitmentInput:
    code: str
    title: str
    mechanism: str | None = None
    initiatives: tuple[str, ...] = ()
    due: str | None = None  # by when it was promised (YYYY, YYYY-MM or YYYY-MM-DD)


@dataclass(frozen=True)
class InstrumentInput:
    key: str
    title: str
    signed_on: date | None = None
    status: str | None = None
    commitments: tuple[CommitmentInput, ...] = ()


@dataclass(frozen=True)
class InitiativeLife:
    """When an initiative ran: ``end`` with ``ended`` true closes it (a donor project that
    finished); ``ended`` false says it still runs; ``None`` that nobody recorded either."""

    start: date | None = None
    end: date | None = None
    ended: bool | None = None


@dataclass
class ContinuityInputs:
    """What the analysis needs beyond activities: bodies, instruments, declared rhythms."""

    bodies: list[BodyInput] = field(default_factory=list)
    instruments: list[InstrumentInput] = field(default_factory=list)
    initiative_rhythms: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # loader remarks, passed on as warnings
    initiative_lives: dict[str, InitiativeLife] = field(default_factory=dict)


def load_continuity_inputs(session: Session) -> ContinuityInputs:
    """Read bodies, instruments with commitments, and initiative rhythms from the store.

    A body's sessions are the activities of the initiative whose ``body_id`` points at it; a
    commitment's activities those of the initiatives whose ``commitment_id`` points at it.
    """
    initiatives = list(session.scalars(select(Initiative).order_by(Initiative.name)))
    by_body: dict[int, list[str]] = defaultdict(list)
    by_commitment: dict[int, list[str]] = defaultdict(list)
    for initiative in initiatives:
        if initiative.body_id is not None:
            by_body[initiative.body_id].append(initiative.name)
        if initiative.commitment_id is not None:
            by_commitment[initiative.commitment_id].append(initiative.name)
    notes, bodies = [], []
    for body in session.scalars(select(Body).order_by(Body.key)):
        linked = by_body.get(body.id, [])
        if len(linked) > 1:
            notes.append(
                note(
                    N_(
                        "body {body}: several initiatives point at it ({initiatives}); "
                        "its sessions are read from '{initiative}' only"
                    ),
                    body=ident(body.key),
                    initiatives=data(linked),
                    initiative=data(linked[0]),
                )
            )
        bodies.append(
            BodyInput(body.key, body.name, body.kind, body.rhythm_months, (linked or [None])[0])
        )
    query = select(Instrument).options(selectinload(Instrument.commitments))
    instruments = []
    for i in session.scalars(query.order_by(Instrument.key)):
        commitments = tuple(
            CommitmentInput(c.code, c.title, c.mechanism, tuple(by_commitment.get(c.id, ())), c.due)
            for c in sorted(i.commitments, key=lambda c: (c.code, c.id))
        )
        instruments.append(InstrumentInput(i.key, i.title, i.signed_on, i.status, commitments))
    rhythms = {i.name: i.rhythm_months for i in initiatives if i.rhythm_months}
    lives = {
        i.name: InitiativeLife(i.life_start, i.life_end, i.ended)
        for i in initiatives
        if i.life_start or i.life_end or i.ended is not None
    }
    return ContinuityInputs(bodies, instruments, rhythms, notes, lives)


# --- dates and gaps ------------------------------------------------------------------------


def _order(a: ActivityView) -> tuple:
    return (a.date.start, a.date.end, a.key)


def midpoint(when: PartialDate) -> date:
    """The middle of a date's interval: where a month- or year-dated session is placed."""
    return when.start + timedelta(days=(when.end - when.start).days // 2)


def _gap(earlier: ActivityView, later: ActivityView | None, horizon: date) -> dict:
    if later is None:  # open: from the last session to the horizon
        days = (horizon - midpoint(earlier.date)).days
        low, high = (horizon - earlier.date.end).days, (horizon - earlier.date.start).days
        exact = earlier.date.precision == "day"
    else:
        days = (midpoint(later.date) - midpoint(earlier.date)).days
        low = max(0, (later.date.start - earlier.date.end).days)
        high = (later.date.end - earlier.date.start).days
        exact = earlier.date.precision == later.date.precision == "day"
    return {
        "days": max(0, days),
        "min_days": max(0, low),
        "max_days": max(0, high),
        "approximate": not exact,
        "from_id": earlier.key,
        "from_date": earlier.date.isoformat(),
        "to_id": later.key if later else None,
        "to_date": later.date.isoformat() if later else horizon.isoformat(),
        "open": later is None,
    }


def infer_rhythm(held: list[ActivityView]) -> tuple[int | None, float | None]:
    """Median gap between consecutive held occurrences, in whole months (at least 1), and the
    median in days; ``(None, None)`` with fewer than three occurrences."""
    if len(held) < MIN_SESSIONS_TO_INFER:
        return None, None
    ordered = sorted(held, key=_order)
    pairs = zip(ordered, ordered[1:], strict=False)
    gaps = [(midpoint(b.date) - midpoint(a.date)).days for a, b in pairs]
    median = float(statistics.median(gaps))
    return max(1, int(median / MONTH_DAYS + 0.5)), median


def infer_yearly_rhythm(held: list[ActivityView]) -> tuple[int | None, float | None]:
    """For recurring events: the median gap in whole years between distinct years with a held
    occurrence (three or more such years), as months; ``(None, None)`` otherwise.

    Gaps between single events would make a festival held twice in one spring look monthly,
    and every later year "silent"; years are the unit a recurring event is expected in.
    """
    years = sorted({a.date.year for a in held})
    if len(years) < MIN_SESSIONS_TO_INFER:
        return None, None
    median = float(statistics.median(b - a for a, b in zip(years, years[1:], strict=False)))
    return 12 * max(1, int(median + 0.5)), median * 365.25


def _rhythm(given: int | None, held: list[ActivityView], yearly: bool = False) -> dict:
    if given:
        return {"rhythm_months": given, "rhythm_source": "declared", "median_gap_days": None}
    months, median = (infer_yearly_rhythm if yearly else infer_rhythm)(held)
    source = "inferred" if months else "unknown"
    return {"rhythm_months": months, "rhythm_source": source, "median_gap_days": median}


# --- bodies --------------------------------------------------------------------------------


def _body_entry(
    label: dict, activities: list[ActivityView], given: int | None, horizon: date
) -> dict:
    sessions = sorted((a for a in activities if a.status in HELD_STATUSES), key=_order)
    rhythm = _rhythm(given, sessions)
    months = rhythm["rhythm_months"]
    per_year: dict[int, list[ActivityView]] = defaultdict(list)
    for s in sessions:
        per_year[s.date.year].append(s)
    years = (
        range(sessions[0].date.year, max(horizon.year, sessions[-1].date.year) + 1)
        if sessions
        else range(0)
    )
    gaps = [_gap(a, b, horizon) for a, b in zip(sessions, sessions[1:], strict=False)]
    if sessions and horizon > sessions[-1].date.end:
        gaps.append(_gap(sessions[-1], None, horizon))
    limit = months * MONTH_DAYS if months else None
    for g in gaps:
        g["exceeds_rhythm"] = None if limit is None else g["days"] > limit
    longest = max(gaps, key=lambda g: (g["days"], g["open"]), default=None)
    expected = round(12 / months, 3) if months else None
    return {
        **label,
        **rhythm,
        "sessions": len(sessions),
        "session_ids": [s.key for s in sessions],
        "expected_per_year": expected,
        "per_year": [_year(y, per_year[y], expected) for y in years],
        "gaps": gaps,
        "longest_gap": longest,
        "gaps_over_rhythm": sum(1 for g in gaps if g["exceeds_rhythm"]),
    }


def _rhythm_note(entry: dict, held: int) -> list[str]:
    """Say plainly when a rhythm is missing or rests on few held occurrences (of a body, or of
    an initiative checked as one); its gaps cannot be judged without a rhythm."""
    body = entry["source"] == "body"
    if entry["rhythm_source"] == "unknown":
        if body:
            message = N_(
                "body {key}: no rhythm given and only {held} held — its gaps cannot be judged; "
                "give rhythm_months"
            )
        else:
            message = N_(
                "initiative {key}: no rhythm given and only {held} held — its gaps cannot be "
                "judged; give rhythm_months"
            )
        return [note(message, key=entry["key"], held=held)]
    if entry["rhythm_source"] == "inferred" and held < FEW_SESSIONS:
        if body:
            message = N_(
                "body {key}: rhythm inferred ({months} months) from only {held} held — a guess"
            )
        else:
            message = N_(
                "initiative {key}: rhythm inferred ({months} months) from only {held} held — "
                "a guess"
            )
        return [note(message, key=entry["key"], months=entry["rhythm_months"], held=held)]
    return []


def _bodies(
    by_initiative: dict[str, list[ActivityView]],
    inputs: ContinuityInputs,
    meeting_types: frozenset[str],
    horizon: date,
) -> tuple[list[dict], list[str]]:
    entries, notes = [], []
    linked = {b.initiative for b in inputs.bodies if b.initiative}
    for b in sorted(inputs.bodies, key=lambda b: b.key):
        given = b.rhythm_months or inputs.initiative_rhythms.get(b.initiative or "")
        label = {"key": b.key, "name": b.name, "kind": b.kind, "source": "body"}
        label["initiative"] = b.initiative
        linked_acts = by_initiative.get(b.initiative or "", [])
        # sessions are the meeting-type rows; an agreement signed at a session is not one
        sessions = [a for a in linked_acts if a.activity_type in meeting_types] or linked_acts
        entries.append(_body_entry(label, sessions, given, horizon))
    for name in sorted(by_initiative):
        acts = [a for a in by_initiative[name] if a.activity_type in meeting_types]
        if name in linked or len(acts) < 2:
            continue
        kinds = sorted({a.activity_type or "" for a in acts})
        label = {"key": name, "name": name, "kind": "/".join(kinds), "source": "initiative"}
        label["initiative"] = name
        entries.append(_body_entry(label, acts, inputs.initiative_rhythms.get(name), horizon))
    for e in entries:
        if not e["sessions"]:
            if e["source"] == "body":
                message = N_("body {key}: no held session recorded — its rhythm cannot be checked")
            else:
                message = N_(
                    "initiative {key}: no held session recorded — its rhythm cannot be checked"
                )
            notes.append(note(message, key=e["key"]))
        else:
            notes += _rhythm_note(e, e["sessions"])
    return entries, notes


# --- instruments ---------------------------------------------------------------------------


def _due_state(in_time: list[str], held: list[str], due: str | None, judged_to: date) -> str:
    """met (done by the due date, or done when no date was promised), late (done only after
    it), overdue (nothing done and the date has passed before ``judged_to``, the last day the
    record reports), open (nothing yet, and time remains or no date was promised)."""
    if in_time:
        return "met"
    if held:
        return "late"
    if due and PartialDate.parse(due).end < judged_to:
        return "overdue"
    return "open"


def _commitment_row(
    c: CommitmentInput,
    signed_on: date | None,
    by_initiative: dict[str, list[ActivityView]],
    horizon: date,
    judged_to: date,
) -> dict:
    """What implements one commitment. Only held activities that can fall on or after the
    signature count: a festival held before the agreement existed does not implement it."""
    acts = [
        a
        for name in c.initiatives
        for a in by_initiative.get(name, [])
        if a.status in HELD_STATUSES and a.date.start <= horizon
    ]
    before = sorted(a.key for a in acts if signed_on and a.date.end < signed_on)
    # dated only to a month or year that contains the signature: cannot be placed after it
    around = sorted(a.key for a in acts if signed_on and a.date.start < signed_on <= a.date.end)
    after = [a for a in acts if not signed_on or a.date.start >= signed_on]
    due_end = PartialDate.parse(c.due).end if c.due else None
    in_time = sorted(a.key for a in after if due_end is None or a.date.start <= due_end)
    ids = sorted(a.key for a in after)
    return {
        "code": c.code,
        "title": c.title,
        "mechanism": c.mechanism,
        "initiatives": sorted(c.initiatives),
        "due": c.due,
        "held": len(ids),
        "ids": ids,
        "held_before_signature": before,
        "dated_around_signature": around,
        "due_state": _due_state(in_time, ids, c.due, judged_to),
    }


def _instruments(
    by_initiative: dict[str, list[ActivityView]],
    inputs: ContinuityInputs,
    horizon: date,
    judged_to: date,
) -> tuple[list[dict], list[str]]:
    entries, notes = [], []
    for inst in sorted(inputs.instruments, key=lambda i: i.key):
        rows = [
            _commitment_row(c, inst.signed_on, by_initiative, horizon, judged_to)
            for c in sorted(inst.commitments, key=lambda c: c.code)
        ]
        active = sum(1 for r in rows if r["held"])
        ci = wilson(active, len(rows))
        entries.append(
            {
                "key": inst.key,
                "title": inst.title,
                "signed_on": inst.signed_on.isoformat() if inst.signed_on else None,
                "status": inst.status,
                "commitments": rows,
                "n_commitments": len(rows),
                "with_activity": active,
                "share": round(active / len(rows), 4) if rows else None,
                "ci": [round(ci[0], 4), round(ci[1], 4)] if ci else None,
                "without_activity": [
                    {"code": r["code"], "title": r["title"]} for r in rows if not r["held"]
                ],
                "overdue": [r["code"] for r in rows if r["due_state"] == "overdue"],
                "unlinked": [r["code"] for r in rows if not r["initiatives"]],
            }
        )
        if not rows:
            notes.append(
                note(
                    N_(
                        "instrument {instrument}: no commitments recorded — add them with a "
                        "frameworks file"
                    ),
                    instrument=ident(inst.key),
                )
            )
        elif entries[-1]["unlinked"]:
            notes.append(
                note(
                    N_(
                        "instrument {instrument}: commitments {codes} have no initiative "
                        "linked, so no activity can count for them"
                    ),
                    instrument=ident(inst.key),
                    codes=[ident(c) for c in entries[-1]["unlinked"]],
                )
            )
        if not inst.signed_on and rows:
            notes.append(
                note(
                    N_(
                        "instrument {instrument}: no signature date — activities of any date "
                        "count towards its commitments"
                    ),
                    instrument=ident(inst.key),
                )
            )
    return entries, notes


# --- the analysis --------------------------------------------------------------------------


def longest_body_gap(bodies: list[dict], periods: list[TensionPeriod]) -> dict | None:
    """The longest gap between sessions of any body, with its dates and the tension periods
    that began and ended inside it: the headline figure of institutional continuity."""
    candidates = [(b, b["longest_gap"]) for b in bodies if b.get("longest_gap")]
    if not candidates:
        return None
    body, gap = max(candidates, key=lambda bg: (bg[1]["days"], not bg[1]["open"]))
    start = PartialDate.parse(gap["from_date"]).end
    end = PartialDate.parse(gap["to_date"]).start
    inside = [p.as_dict() for p in periods if start < p.start and p.end < end]
    return {
        "body": body["name"],
        "key": body["key"],
        **{k: gap[k] for k in ("from_id", "from_date", "to_id", "to_date", "days", "open")},
        "years": round(gap["days"] / 365.25, 1),
        "rhythm_months": body["rhythm_months"],
        "rhythm_source": body["rhythm_source"],
        "exceeds_rhythm": gap.get("exceeds_rhythm"),
        "tension_periods_inside": inside,
    }


def continuity(
    dataset: Dataset,
    inputs: ContinuityInputs,
    codebook: Codebook,
    options: AnalysisOptions | None = None,
    meeting_types: frozenset[str] = MEETING_TYPES,
) -> dict:
    """Bodies' rhythm, instruments' idle commitments, and recurring events that went quiet."""
    options = options or AnalysisOptions()
    periods = periods_for(dataset, options)
    horizon = min(options.today(), options.date_to or date.max)
    window = dataset.between(options.date_from, options.date_to)
    # cooperative units only: a statement is no session, and two reports are one session
    base = counting_base(window.activities, codebook, options.today(), options.grace_days)
    by_initiative: dict[str, list[ActivityView]] = defaultdict(list)
    for a in base.units:
        if a.initiative:
            by_initiative[a.initiative].append(a)
    bodies, body_notes = _bodies(by_initiative, inputs, meeting_types, horizon)
    # a deadline is judged only as far as the record reports anything at all
    judged_to = min(horizon, dataset.last_reported() or horizon)
    instruments, inst_notes = _instruments(by_initiative, inputs, horizon, judged_to)
    disrupted = codebook.disrupted_statuses
    skip = {b["initiative"] for b in bodies if b.get("initiative")}
    recurring, rec_notes = recurring_gaps(
        by_initiative,
        inputs.initiative_rhythms,
        inputs.initiative_lives,
        skip,
        horizon,
        disrupted,
        periods,
        options.permutations,
        options.seed,
    )
    warnings = list(inputs.notes)
    if not inputs.bodies:
        warnings.append(
            note(
                N_(
                    "no bodies recorded — initiatives with two or more sessions of a meeting "
                    "type are checked instead"
                )
            )
        )
    if not inputs.instruments:
        warnings.append(note(N_("no instruments recorded — add them with a frameworks file")))
    if not periods:
        warnings.append(note(N_("no tension periods: no gap can be set against tension")))
    return {
        "as_of": horizon.isoformat(),
        "commitments_judged_to": judged_to.isoformat(),
        "window": {
            "from": options.date_from.isoformat() if options.date_from else None,
            "to": options.date_to.isoformat() if options.date_to else None,
        },
        "periods": [p.as_dict() for p in periods],
        "period_method": describe_periods(options, periods),
        "methods": {
            "held_statuses": sorted(HELD_STATUSES),
            "meeting_types": sorted(meeting_types),
            "disrupted_statuses": sorted(disrupted),
            "rhythm": "declared (body, else its initiative, in the frameworks file), else "
            "inferred and labelled so: for bodies the median gap between held sessions "
            f"(≥ {MIN_SESSIONS_TO_INFER}) in whole months of 365.25/12 days; for recurring "
            "initiatives the median gap in whole years between years with a held occurrence, "
            "from at least three such years and only when two thirds of the gaps equal it",
            "dates": "month- and year-dated sessions sit mid-interval; gaps carry their bounds",
            "silent_disruption": "a completed year after the first active one and inside the "
            "initiative's life, with no activity of any status, due by the rhythm: active year "
            "a + ceil(j × rhythm / 12); inferred; consecutive years form one gap; bodies and "
            "their sessions are left to the bodies section",
            "baseline": "silent years overlapping tension years vs the same number of years "
            "drawn at random from each initiative's span (permutation, fixed seed)",
            "share_interval": RATE_METHOD,
        },
        "headline": {"longest_body_gap": longest_body_gap(bodies, periods)},
        "bodies": bodies,
        "instruments": instruments,
        "recurring": recurring,
        "warnings": warnings + body_notes + inst_notes + rec_notes,
    }
