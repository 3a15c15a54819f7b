"""Named figures taken from the ``analyse all`` document, for rules and for the brief.

A figure is one number with what is needed to trust it: its interval where there is one, the
number of cases it rests on, the ids of the rows behind it, and where in the analyses it comes
from. Rule conditions refer to figures by name (``rr.institutional``) and to their parts with a
suffix (``rr.institutional.low``, ``.high``, ``.n``).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from lowpolitics.analysis.intervals import wilson


@dataclass(frozen=True)
class Figure:
    name: str
    value: float | None
    kind: str  # rate | ratio | share | points (a difference of shares) | days | count
    low: float | None = None
    high: float | None = None
    n: int | None = None
    ids: tuple[str, ...] = field(default=())
    source: str = ""  # where in `analyse all` it comes from

    def part(self, suffix: str) -> float | None:
        return {"value": self.value, "low": self.low, "high": self.high, "n": self.n}.get(suffix)

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "value": self.value,
            "kind": self.kind,
            "ci": (
                [self.low, self.high] if self.low is not None and self.high is not None else None
            ),
            "n": self.n,
            "ids": list(self.ids),
            "source": self.source,
        }


def _ci(pair) -> tuple[float | None, float | None]:
    return (pair[0], pair[1]) if pair else (None, None)


def _resilience(doc: dict, out: dict[str, Figure]) -> None:
    res = doc.get("resilience") or {}
    blocks = dict(res.get("by_mechanism") or {})
    if res.get("all_mechanisms"):
        blocks["all"] = res["all_mechanisms"]
    for mechanism, block in blocks.items():
        where = (
            f"resilience.by_mechanism.{mechanism}"
            if mechanism != "all"
            else "resilience.all_mechanisms"
        )
        for side, name in (
            ("in_tension", "disruption_in_tension"),
            ("outside", "disruption_outside"),
        ):
            b = block[side]
            low, high = _ci(b.get("ci"))
            out[f"{name}.{mechanism}"] = Figure(
                f"{name}.{mechanism}",
                b.get("rate"),
                "rate",
                low,
                high,
                b.get("n"),
                tuple(b.get("disrupted_ids") or ()),
                f"{where}.{side}",
            )
        low, high = _ci(block.get("risk_ratio_ci"))
        out[f"rr.{mechanism}"] = Figure(
            f"rr.{mechanism}",
            block.get("risk_ratio"),
            "ratio",
            low,
            high,
            block["in_tension"].get("n"),
            tuple(block["in_tension"].get("disrupted_ids") or ()),
            where,
        )


def _reach(doc: dict, out: dict[str, Figure]) -> None:
    overall = (doc.get("reach") or {}).get("overall")
    if not overall:
        return
    ids = tuple(overall["participants"].get("ids") or ())
    for key in ("women", "youth"):
        block = overall[key]
        low, high = _ci(block.get("ci"))
        out[f"{key}_share"] = Figure(
            f"{key}_share",
            block.get("share"),
            "share",
            low,
            high,
            block.get("activities"),
            ids,
            f"reach.overall.{key}",
        )
    for key, block in (overall.get("components") or {}).items():
        low, high = _ci(block.get("ci"))
        out[f"{key}_component_share"] = Figure(
            f"{key}_component_share",
            block.get("share"),
            "share",
            low,
            high,
            block.get("n"),
            tuple(block.get("ids") or ()),
            f"reach.overall.components.{key}",
        )
    border = overall["border_regions"]
    low, high = _ci(border.get("ci"))
    out["border_share"] = Figure(
        "border_share",
        border.get("share"),
        "share",
        low,
        high,
        border.get("n"),
        tuple(border.get("ids") or ()),
        "reach.overall.border_regions",
    )
    recip = overall["reciprocity"]
    out["reciprocity_balance"] = Figure(
        "reciprocity_balance",
        recip.get("balance"),
        "ratio",
        n=overall.get("activities"),
        ids=tuple(i for country in ("KG", "TJ") for i in (recip.get("ids") or {}).get(country, [])),
        source="reach.overall.reciprocity",
    )


def _recovery_and_survival(doc: dict, out: dict[str, Figure]) -> None:
    resumption = (doc.get("recovery") or {}).get("resumption")
    if resumption:
        low, high = _ci(resumption.get("ci"))
        out["resumption_share"] = Figure(
            "resumption_share",
            resumption.get("share"),
            "share",
            low,
            high,
            resumption.get("n"),
            tuple(resumption.get("activity_ids") or ()),
            "recovery.resumption",
        )
    cox = (doc.get("survival") or {}).get("cox")
    if cox:
        low, high = _ci(cox.get("ci"))
        out["tension_hazard_ratio"] = Figure(
            "tension_hazard_ratio",
            cox.get("hazard_ratio"),
            "ratio",
            low,
            high,
            cox.get("events"),
            tuple(cox.get("initiative_ids") or ()),
            "survival.cox",
        )


def _continuity(doc: dict, out: dict[str, Figure]) -> None:
    cont = doc.get("continuity")
    if not cont:
        return
    # only an agreed rhythm can be "missed"; an inferred one describes the record, not a plan
    bodies = [b for b in cont.get("bodies") or [] if b.get("rhythm_source") == "declared"]
    if bodies:
        over = sum(b.get("gaps_over_rhythm") or 0 for b in bodies)
        sessions = tuple(i for b in bodies for i in b.get("session_ids") or ())
        out["commission_gaps_over_rhythm"] = Figure(
            "commission_gaps_over_rhythm",
            over,
            "count",
            n=len(sessions),
            ids=sessions,
            source="continuity.bodies",
        )
        longest = max(((b.get("longest_gap") or {}).get("days") or 0) for b in bodies)
        out["commission_longest_gap_days"] = Figure(
            "commission_longest_gap_days",
            longest,
            "days",
            n=len(sessions),
            ids=sessions,
            source="continuity.bodies",
        )
    headline = (cont.get("headline") or {}).get("longest_body_gap")
    if headline and headline.get("days") is not None:
        # the longest recorded gap of any body, whatever its rhythm: the rule sets it against
        # the rhythm the parties agreed, not against one inferred from the gaps themselves
        out["longest_body_gap_days"] = Figure(
            "longest_body_gap_days",
            headline["days"],
            "days",
            ids=tuple(i for i in (headline.get("from_id"), headline.get("to_id")) if i),
            source="continuity.headline.longest_body_gap",
        )
    totals = (cont.get("recurring") or {}).get("totals")
    if totals:
        initiatives = (cont.get("recurring") or {}).get("initiatives") or []
        n = len(initiatives)
        # a silent year has no row by definition: the rows behind it are those of the
        # initiatives whose rhythm makes the year due
        silent_ids = tuple(
            i
            for entry in initiatives
            if entry.get("silent_disruptions")
            for year in entry.get("per_year") or []
            for i in year.get("ids") or []
        )
        out["silent_disruptions"] = Figure(
            "silent_disruptions",
            totals.get("silent_inferred"),
            "count",
            n=n,
            ids=silent_ids,
            source="continuity.recurring.totals",
        )
        out["silent_in_tension"] = Figure(
            "silent_in_tension",
            totals.get("silent_overlapping_tension"),
            "count",
            n=n,
            ids=silent_ids,
            source="continuity.recurring.totals",
        )
    # a commitment whose due date is still ahead is not idle yet: only those overdue, or with
    # nothing done and no date promised, count; ids name the instrument with the commitment
    commitments = [
        (i.get("key") or i.get("title"), c)
        for i in cont.get("instruments") or []
        for c in i.get("commitments") or []
    ]
    judged = [(k, c) for k, c in commitments if c.get("held") or not _still_due(c)]
    if judged:
        idle = [(k, c) for k, c in judged if not c.get("held")]
        low, high = wilson(len(idle), len(judged)) or (None, None)
        out["commitments_idle_share"] = Figure(
            "commitments_idle_share",
            len(idle) / len(judged),
            "share",
            low,
            high,
            n=len(judged),
            ids=tuple(f"{key}/{c['code']}" for key, c in idle),
            source="continuity.instruments",
        )


def _still_due(commitment: dict) -> bool:
    """A promise with a date that the record has not reached yet (``open`` with a ``due``)."""
    return commitment.get("due_state") == "open" and bool(commitment.get("due"))


def _restart_and_held(doc: dict, out: dict[str, Figure]) -> None:
    """Restart lags from the confidence-building step nearest each period's end, per mechanism
    (median over periods); and the units that kept going inside tension, by name."""
    lags: dict[str, list[tuple[int, str]]] = {}
    for period in (doc.get("restart") or {}).get("periods") or []:
        for mechanism, row in (period.get("by_mechanism") or {}).items():
            if row.get("days_after_step") is not None:
                lags.setdefault(mechanism, []).append(
                    (row["days_after_step"], row["first_held_id"])
                )
    medians = {m: statistics.median(d for d, _ in rows) for m, rows in lags.items()}
    for mechanism, rows in lags.items():
        out[f"restart_lag_days.{mechanism}"] = Figure(
            f"restart_lag_days.{mechanism}",
            medians[mechanism],
            "days",
            n=len(rows),
            ids=tuple(i for _, i in rows),
            source=f"restart.periods.by_mechanism.{mechanism}",
        )
    if medians:
        slowest = max(medians, key=lambda m: (medians[m], m))
        figure = out[f"restart_lag_days.{slowest}"]
        out["restart_lag_days.slowest"] = Figure(
            "restart_lag_days.slowest",
            figure.value,
            "days",
            n=figure.n,
            ids=figure.ids,
            source=figure.source,
        )
    held, broken = [], []
    for period in (doc.get("held_broken") or {}).get("periods") or []:
        for block in (period.get("by_mechanism") or {}).values():
            held += [u["id"] for u in block.get("held") or []]
            broken += [u["id"] for u in block.get("disrupted") or []]
    if held or broken:
        low, high = wilson(len(held), len(held) + len(broken)) or (None, None)
        out["held_in_tension_share"] = Figure(
            "held_in_tension_share",
            len(held) / (len(held) + len(broken)),
            "share",
            low,
            high,
            n=len(held) + len(broken),
            ids=tuple(held + broken),
            source="held_broken.periods",
        )


def _at_risk(doc: dict, out: dict[str, Figure]) -> None:
    risk = doc.get("at_risk")
    if not risk:
        return
    activities = risk.get("activities") or []
    out["at_risk_count"] = Figure(
        "at_risk_count",
        len(activities),
        "count",
        n=len(activities),
        ids=tuple(a["id"] for a in activities),
        source="at_risk.activities",
    )
    if not activities:  # nothing planned ahead: no risk to report, not missing data
        out["at_risk_max_chance"] = Figure(
            "at_risk_max_chance", 0.0, "rate", source="at_risk.activities"
        )
    else:
        top = max(activities, key=lambda a: a.get("chance") or 0)
        low, high = _ci(top.get("ci"))
        out["at_risk_max_chance"] = Figure(
            "at_risk_max_chance",
            top.get("chance"),
            "rate",
            low,
            high,
            top.get("based_on_n"),
            (top["id"],),
            "at_risk.activities",
        )


def _network(doc: dict, out: dict[str, Figure]) -> None:
    overall = (doc.get("network") or {}).get("overall")
    if not overall:
        return
    across = overall.get("reach_across") or {}
    low, high = _ci(across.get("ci"))
    out["cross_border_actor_share"] = Figure(
        "cross_border_actor_share",
        across.get("share"),
        "share",
        low,
        high,
        across.get("actors"),
        tuple(across.get("ids_with_tie") or ()),
        "network.overall.reach_across",
    )
    reliance = overall.get("donor_reliance") or {}
    if reliance.get("cross_border_activities"):
        low, high = _ci(reliance.get("ci"))
        out["donor_reliance_share"] = Figure(
            "donor_reliance_share",
            reliance.get("share"),
            "share",
            low,
            high,
            reliance.get("cross_border_activities"),
            tuple(reliance.get("ids") or ()),
            "network.overall.donor_reliance",
        )


def _discourse(doc: dict, out: dict[str, Figure]) -> None:
    section = doc.get("discourse") or {}
    for key, kind in (("securitizing_share_change", "points"), ("frame_divergence", "points")):
        headline = section.get(key)
        if not headline or headline["value"]["value"] is None:
            continue
        low, high = headline["value"].get("low"), headline["value"].get("high")
        out[key] = Figure(
            key,
            headline["value"]["value"],
            kind,
            low,
            high,
            headline["n"],
            tuple(headline["ids"]),
            f"discourse.{key}",
        )


def figures_from(document: dict) -> dict[str, Figure]:
    """Every named figure the document supports; absent analyses give absent figures."""
    out: dict[str, Figure] = {}
    extracts = (
        _resilience,
        _reach,
        _recovery_and_survival,
        _continuity,
        _restart_and_held,
        _at_risk,
        _network,
        _discourse,
    )
    for extract in extracts:
        extract(document, out)
    return out


def lookup_in(figures: dict[str, Figure]):
    """A lookup for conditions: ``name`` → value, ``name.low|high|n|value`` → that part."""

    def lookup(name: str) -> float | None:
        if name in figures:
            return figures[name].value
        base, _, suffix = name.rpartition(".")
        if base in figures:
            return figures[base].part(suffix)
        return None

    return lookup
