"""What a row is before it is counted: the unit of the resilience analyses.

A registry row may be a cooperative activity, a statement or a restriction (codebook
``record_kinds``); only the kinds marked ``cooperative`` enter rates of disruption. Several rows
may report one event (``same_as``); they are merged into one unit that keeps every id. A
``planned`` activity whose date is past by more than the grace period has an *unknown outcome*:
it was announced and never reported held — the most direct trace of a silent disruption — so
it is counted apart and every rate shows what it would be if all such activities were held, or
all disrupted.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from lowpolitics.analysis.dataset import ActivityView, Dataset, shared
from lowpolitics.framework.codebook import Codebook

HELD, DISRUPTED, UNKNOWN, PENDING = "held", "disrupted", "unknown", "pending"
OUTCOMES = (HELD, DISRUPTED, UNKNOWN, PENDING)
PRECISION_RANK = {"day": 0, "month": 1, "year": 2}


def outcome(activity: ActivityView, disrupted: frozenset[str], as_of: date, grace_days: int) -> str:
    """``held``, ``disrupted``, ``unknown`` (planned, past the grace period) or ``pending``."""
    if activity.status in disrupted:
        return DISRUPTED
    if activity.status == "planned":
        if activity.date.end + timedelta(days=grace_days) < as_of:
            return UNKNOWN
        return PENDING
    return HELD


@dataclass
class CountingBase:
    """The cooperative units, and what was set aside, each with its ids."""

    units: list[ActivityView] = field(default_factory=list)
    outcomes: dict[str, str] = field(default_factory=dict)  # unit key → outcome
    statements: list[ActivityView] = field(default_factory=list)
    restrictions: list[ActivityView] = field(default_factory=list)
    merged: dict[str, list[str]] = field(default_factory=dict)  # unit key → every id merged
    broken_links: list[str] = field(default_factory=list)  # ids whose same_as names no row

    def with_outcome(self, *wanted: str) -> list[ActivityView]:
        return [u for u in self.units if self.outcomes[u.key] in wanted]


def _root(key: str, links: dict[str, str]) -> str:
    seen = {key}
    while key in links and links[key] not in seen:
        key = links[key]
        seen.add(key)
    return key


def _merge_group(rows: list[ActivityView], disrupted: frozenset[str], root: str) -> ActivityView:
    """One unit from several reports: the root row's record, the most precise date among them
    (a day-dated report pins the event down) with the tightest bounds the reports of that date
    state, and a disrupted status if any report has one."""
    head = next(r for r in rows if r.key == root)
    dated = min(rows, key=lambda r: (PRECISION_RANK[r.date.precision], r.date.start, r.key))
    not_before, not_after = _bounds([r for r in rows if r.date == dated.date])
    worst = next((r for r in rows if r.status in disrupted), None)
    status_from = worst or head
    sources = tuple(dict.fromkeys(s for r in rows for s in r.sources))
    roles: dict[tuple[str, str], str | None] = {}
    for r in [head, *(r for r in rows if r is not head)]:
        for i, actor in enumerate(r.actors):
            role = r.actor_roles[i] if i < len(r.actor_roles) else None
            if actor not in roles or roles[actor] is None:
                roles[actor] = role
    return replace(
        head,
        actors=tuple(roles),
        actor_roles=tuple(roles.values()),
        date=dated.date,
        not_before=not_before,
        not_after=not_after,
        status=status_from.status,
        status_reason=status_from.status_reason or head.status_reason,
        sources=sources,
        members=tuple(r.key for r in rows),
    )


def _bounds(rows: list[ActivityView]) -> tuple[date | None, date | None]:
    """The latest ``not_before`` and earliest ``not_after`` among reports of one date; none
    at all when they contradict each other (the printed date is then all that is known)."""
    lows = [r.not_before for r in rows if r.not_before is not None]
    highs = [r.not_after for r in rows if r.not_after is not None]
    low, high = max(lows, default=None), min(highs, default=None)
    if low is not None and high is not None and high < low:
        return None, None
    return low, high


def counting_base(
    activities: list[ActivityView], codebook: Codebook, as_of: date, grace_days: int
) -> CountingBase:
    """Split rows by record kind, merge linked reports, and give every unit its outcome.

    Inside ``analyse all`` (:func:`~lowpolitics.analysis.dataset.shared_work`) the base of one
    list of rows is built once and shared by the analyses, which only read it."""
    return shared(
        activities,
        ("counting_base", id(codebook), as_of, grace_days),
        lambda: _counting_base(activities, codebook, as_of, grace_days),
    )


def _counting_base(
    activities: list[ActivityView], codebook: Codebook, as_of: date, grace_days: int
) -> CountingBase:
    cooperative = codebook.cooperative_kinds or frozenset({"activity"})
    disrupted = codebook.disrupted_statuses
    base = CountingBase()
    coop = []
    for a in activities:
        if a.record_kind in cooperative:
            coop.append(a)
        elif a.record_kind == "statement":
            base.statements.append(a)
        else:
            base.restrictions.append(a)
    keys = {a.key for a in coop}
    links = {}
    for a in coop:
        if a.same_as and a.same_as in keys:
            links[a.key] = a.same_as
        elif a.same_as:
            base.broken_links.append(a.key)
    groups: dict[str, list[ActivityView]] = {}
    for a in coop:
        groups.setdefault(_root(a.key, links), []).append(a)
    for root, rows in groups.items():
        unit = rows[0] if len(rows) == 1 else _merge_group(rows, disrupted, root)
        if len(rows) > 1:
            base.merged[root] = [r.key for r in rows]
        base.units.append(unit)
        base.outcomes[unit.key] = outcome(unit, disrupted, as_of, grace_days)
    base.units.sort(key=lambda u: (u.date.start, u.key))
    return base


def unit_ids(unit: ActivityView) -> list[str]:
    """Every id behind a unit: its own, or all merged reports."""
    return list(unit.members) or [unit.key]


def with_contacts(dataset: Dataset, contacts: frozenset[str], codebook: Codebook) -> Dataset:
    """The dataset with only the cooperative rows whose ``contact`` is one of ``contacts``
    (``--contact bilateral,multilateral_joint``); statements, restrictions and events are kept.
    A row with no contact code is left out: a filter on what a row is cannot keep a row that
    does not say. The result records the codes it keeps (in the codebook's order), so that the
    figures drawn from it can name their definition; filtering twice keeps the codes in both."""
    cooperative = codebook.cooperative_kinds or frozenset({"activity"})
    if dataset.contacts is not None:
        contacts = contacts & frozenset(dataset.contacts)
    kept = [
        a for a in dataset.activities if a.record_kind not in cooperative or a.contact in contacts
    ]
    ordered = tuple(c for c in codebook.contact_codes if c in contacts)
    return Dataset(kept, list(dataset.events), dict(dataset.actor_types), ordered)
