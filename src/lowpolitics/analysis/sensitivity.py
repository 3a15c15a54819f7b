"""Does the conclusion survive another reasonable definition of tension?

The resilience comparison is rerun under every definition a careful reader could defend:

- ``declared`` — the periods declared by hand (the dataset's own rule);
- ``derived`` — the periods the security events alone imply under the period rule;
- ``to_ceasefire`` — each declared period ending the day before the first ceasefire inside it;
- ``to_officials_talks`` — each ending the day before the first talks of government
  delegations inside it;
- ``to_restored_contact`` — each ending the day before the first step that restored contact
  between the border regions (codebook ``context_event_types`` marked ``ends_period_as:
  restored_contact``) — the dataset's own rule, so it matches ``declared`` where the data
  follow it;
- ``end±N`` — each declared period's end moved N days later or earlier (``margins``);
- every named period set in the context data (``period_set``), and any the user adds.

A second axis asks *what counts as cooperation* (codebook ``contacts``, registry column
``contact``), because two countries taking part in the same regional event with no recorded
contact between them is not the same thing as a joint event:

- ``all`` — every cooperative unit, coded or not (the first axis' own base);
- ``not_co_presence`` — the coded units except those coded ``co_presence``;
- ``direct`` — the units in which the two sides dealt with each other (codes marked ``direct``:
  bilateral and multilateral_joint; co-presence and one-sided units left out);
- ``bilateral`` — the units coded ``bilateral`` only.

A unit with no contact code counts under ``all`` only: nothing guesses what it was. When no
unit carries a code, the second axis is left out with a warning, and the verdicts are those of
the first axis alone.

For each mechanism, definition of tension and definition of cooperation: n, disrupted, rate
and interval in tension and outside, the risk ratio with its interval, and the same under the
outcome-unknown bounds. The verdict reads the direction of each interval: *higher in tension*
(the ratio's interval lies above 1 as recorded and under both bounds), *lower in tension*, or
*unclear*. If every row gives the same clear direction the finding **holds under every
definition**; if none gives a clear one, **the data cannot tell**; otherwise it **depends on
the definition**. Each mechanism has a verdict per definition of cooperation (across the
definitions of tension), one across the definitions of tension with every unit counted
(``tension_verdict``, the first axis alone) and one across both axes (``verdict``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta

from lowpolitics.analysis.dataset import Dataset, EventView
from lowpolitics.analysis.options import AnalysisOptions
from lowpolitics.analysis.periods import (
    TensionPeriod,
    declared_periods,
    derive_periods,
    period_set_names,
)
from lowpolitics.analysis.resilience import resilience_table
from lowpolitics.analysis.units import counting_base
from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.notes import N_, ident, note
from lowpolitics.framework.plain import as_plain

HOLDS, DEPENDS, CANNOT_TELL = (
    "holds under every definition",
    "depends on the definition",
    "the data cannot tell",
)
HIGHER, LOWER, UNCLEAR = "higher in tension", "lower in tension", "unclear"
ALL_UNITS, NOT_CO_PRESENCE, DIRECT, BILATERAL = "all", "not_co_presence", "direct", "bilateral"
CO_PRESENCE_CODE, BILATERAL_CODE = "co_presence", "bilateral"


@dataclass(frozen=True)
class Definition:
    name: str
    description: str
    periods: tuple[TensionPeriod, ...]
    exceptions: tuple[str, ...] = ()  # periods the definition could not move, and why


@dataclass(frozen=True)
class Cooperation:
    """A definition of what counts as cooperation: the contact codes a unit must carry
    (``None``: every unit, coded or not)."""

    name: str
    description: str
    contacts: frozenset[str] | None = None

    def keeps(self, contact: str | None) -> bool:
        return self.contacts is None or contact in self.contacts


@dataclass
class SensitivityRow:
    definition: str
    n_in: int
    disrupted_in: int
    rate_in: float | None
    ci_in: list[float] | None
    n_out: int
    disrupted_out: int
    rate_out: float | None
    ci_out: list[float] | None
    undetermined: int
    unknown_in: int
    unknown_out: int
    risk_ratio: float | None
    risk_ratio_ci: list[float] | None
    risk_ratio_ci_if_unknown_held: list[float] | None
    risk_ratio_ci_if_unknown_disrupted: list[float] | None
    direction: str
    ids_in: list[str] = field(default_factory=list)
    disrupted_ids_in: list[str] = field(default_factory=list)
    cooperation: str = ALL_UNITS  # the definition of cooperation the row counts under


@dataclass
class CooperationSensitivity:
    """One definition of cooperation: how many units it counts and, across the definitions
    of tension, its rows and verdict."""

    cooperation: str
    units: int
    verdict: str
    rows: list[SensitivityRow]


@dataclass
class MechanismSensitivity:
    mechanism: str
    verdict: str  # across both axes: every definition of tension under every one of cooperation
    rows: list[SensitivityRow]  # the definitions of tension, every unit counted
    tension_verdict: str = CANNOT_TELL  # across the definitions of tension, every unit counted
    by_cooperation: list[CooperationSensitivity] = field(default_factory=list)


@dataclass
class SensitivityResult:
    definitions: list[dict]
    by_mechanism: dict[str, MechanismSensitivity]
    all_mechanisms: MechanismSensitivity
    methods: dict
    warnings: list[str]
    cooperation: list[dict] = field(default_factory=list)  # name, description, contacts, units

    def to_dict(self) -> dict:
        return as_plain(self)


def _day_before(day):
    return day - timedelta(days=1)


def _ended_by(
    declared: list[TensionPeriod], events: list[EventView], types: frozenset[str]
) -> tuple[tuple[TensionPeriod, ...], tuple[str, ...]]:
    """Each declared period ending the day before the first event of ``types`` inside it."""
    periods, exceptions = [], []
    # the steps sorted once, not once per period
    steps = sorted(
        (e for e in events if e.event_type in types), key=lambda e: (e.date.start, e.key)
    )
    for p in declared:
        step = next((e for e in steps if p.start < e.date.start <= p.end), None)
        if step is None:
            exceptions.append(
                note(
                    N_("{start}–{end}: no such step recorded inside the period; kept as declared"),
                    start=p.start.isoformat(),
                    end=p.end.isoformat(),
                )
            )
            periods.append(p)
        else:
            periods.append(replace(p, end=max(p.start, _day_before(step.date.start))))
    return tuple(periods), tuple(exceptions)


def _moved(declared: list[TensionPeriod], days: int) -> tuple[TensionPeriod, ...]:
    return tuple(replace(p, end=max(p.start, p.end + timedelta(days=days))) for p in declared)


def definitions(
    dataset: Dataset,
    codebook: Codebook,
    options: AnalysisOptions,
    extra_sets: dict[str, list[TensionPeriod]] | None = None,
) -> list[Definition]:
    """Every definition of tension the comparison is rerun under (see the module docstring)."""
    events = dataset.events
    declared = declared_periods(events)
    found = [
        Definition(
            "declared", "periods declared by hand (the dataset's own rule)", tuple(declared)
        ),
        Definition(
            "derived",
            "derived from security events: " + options.rule.describe(),
            tuple(derive_periods(events, options.rule)),
        ),
    ]
    if declared:
        for name, kind, words in (
            ("to_ceasefire", "ceasefire", "the first ceasefire"),
            ("to_officials_talks", "officials_talks", "the first talks of government delegations"),
            ("to_restored_contact", "restored_contact", "the first step that restored contact"),
        ):
            periods, exceptions = _ended_by(declared, events, codebook.period_ending_types(kind))
            found.append(
                Definition(
                    name, f"declared periods ending the day before {words}", periods, exceptions
                )
            )
        for days in options.margins:
            for sign, word in ((1, "later"), (-1, "earlier")):
                found.append(
                    Definition(
                        f"end{'+' if sign > 0 else '-'}{days}",
                        f"declared periods ending {days} days {word}",
                        _moved(declared, sign * days),
                    )
                )
    for name in period_set_names(events):
        found.append(
            Definition(
                f"set:{name}",
                f"the period set '{name}' declared in the context data",
                tuple(declared_periods(events, name)),
            )
        )
    for name, periods in sorted((extra_sets or {}).items()):
        found.append(Definition(f"user:{name}", f"the user's period set '{name}'", tuple(periods)))
    return found


def cooperation_definitions(codebook: Codebook) -> list[Cooperation]:
    """Every definition of cooperation the comparison is rerun under (module docstring);
    a definition whose codes the codebook lacks is left out."""
    codes = set(codebook.contact_codes)
    found = [Cooperation(ALL_UNITS, "every cooperative unit, whatever its contact")]
    if CO_PRESENCE_CODE in codes:
        found.append(
            Cooperation(
                NOT_CO_PRESENCE,
                "coded units except co-presence at a wider event",
                frozenset(codes - {CO_PRESENCE_CODE}),
            )
        )
    if codebook.direct_contacts:
        found.append(
            Cooperation(
                DIRECT,
                "units in which the two sides dealt with each other: "
                + ", ".join(c for c in codebook.contact_codes if c in codebook.direct_contacts),
                codebook.direct_contacts,
            )
        )
    if BILATERAL_CODE in codes:
        found.append(Cooperation(BILATERAL, "bilateral units only", frozenset({BILATERAL_CODE})))
    return found


def _direction(result: dict) -> str:
    cis = [result["risk_ratio_ci"]]
    bounds = result.get("risk_ratio_bounds") or {}
    cis += [b["risk_ratio_ci"] for b in bounds.values()]
    if any(ci is None for ci in cis):
        return UNCLEAR
    if all(ci[0] > 1 for ci in cis):
        return HIGHER
    if all(ci[1] < 1 for ci in cis):
        return LOWER
    return UNCLEAR


def _row(name: str, result: dict, cooperation: str = ALL_UNITS) -> SensitivityRow:
    inside, outside = result["in_tension"], result["outside"]
    bounds = result.get("risk_ratio_bounds") or {}
    return SensitivityRow(
        definition=name,
        n_in=inside["n"],
        disrupted_in=inside["disrupted"],
        rate_in=inside["rate"],
        ci_in=inside["ci"],
        n_out=outside["n"],
        disrupted_out=outside["disrupted"],
        rate_out=outside["rate"],
        ci_out=outside["ci"],
        undetermined=result["undetermined"]["n"] + result["undetermined"]["unknown"],
        unknown_in=inside["unknown"],
        unknown_out=outside["unknown"],
        risk_ratio=result["risk_ratio"],
        risk_ratio_ci=result["risk_ratio_ci"],
        risk_ratio_ci_if_unknown_held=(bounds.get("if_unknown_held") or {}).get("risk_ratio_ci"),
        risk_ratio_ci_if_unknown_disrupted=(bounds.get("if_unknown_disrupted") or {}).get(
            "risk_ratio_ci"
        ),
        direction=_direction(result),
        ids_in=inside["ids"],
        disrupted_ids_in=inside["disrupted_ids"],
        cooperation=cooperation,
    )


def verdict(rows: list[SensitivityRow]) -> str:
    directions = {r.direction for r in rows}
    if directions == {UNCLEAR} or not rows:
        return CANNOT_TELL
    if len(directions) == 1:
        return HOLDS
    return DEPENDS


def sensitivity(
    dataset: Dataset,
    codebook: Codebook,
    options: AnalysisOptions | None = None,
    extra_sets: dict[str, list[TensionPeriod]] | None = None,
) -> SensitivityResult:
    """The resilience comparison under every definition of tension and every definition of
    what counts as cooperation, with verdicts per axis and across both."""
    options = options or AnalysisOptions()
    window = dataset.between(options.date_from, options.date_to)
    base = counting_base(window.activities, codebook, options.today(), options.grace_days)
    defs = definitions(dataset, codebook, options, extra_sets)
    warnings: list[str] = []
    coops = cooperation_definitions(codebook)
    uncoded = [u.key for u in base.units if u.contact is None]
    if base.units and len(uncoded) == len(base.units):
        if len(coops) > 1:
            warnings.append(
                note(
                    N_(
                        "cooperation: no unit says how the two sides met (column contact); "
                        "only every unit is counted"
                    )
                )
            )
        coops = coops[:1]
    elif uncoded and len(coops) > 1:
        warnings.append(
            note(
                N_(
                    "cooperation: {n} units say nothing of how the two sides met and count "
                    "under '{all}' only: {ids}"
                ),
                n=len(uncoded),
                all=ALL_UNITS,
                ids=[ident(k) for k in uncoded[:20]],
            )
        )
    mechanisms = [*codebook.mechanism_codes, "*"]
    # cooperation → mechanism → one row per definition of tension
    grid: dict[str, dict[str, list[SensitivityRow]]] = {}
    counted: dict[str, int] = {}
    for coop in coops:
        units = [u for u in base.units if coop.keeps(u.contact)]
        counted[coop.name] = len(units)
        sub = replace(base, units=units)
        rows = grid[coop.name] = {m: [] for m in mechanisms}
        for d in defs:
            if not d.periods:
                continue
            by_mechanism, overall, _ = resilience_table(
                sub, list(d.periods), codebook, options.small_n
            )
            for mechanism, result in by_mechanism.items():
                rows[mechanism].append(_row(d.name, result, coop.name))
            rows["*"].append(_row(d.name, overall, coop.name))
    for d in defs:
        if not d.periods:
            warnings.append(
                note(
                    N_("definitions.{name}: no periods under this definition; left out"),
                    name=d.name,
                )
            )
            continue
        warnings += [
            note(N_("definitions.{name}: {exception}"), name=d.name, exception=e)
            for e in d.exceptions
        ]
    rows = grid[ALL_UNITS]
    small = [
        note(
            N_(
                "by_mechanism.{mechanism}: fewer than {n} activities in tension under {definitions}"
            ),
            mechanism=m,
            n=options.small_n,
            definitions=[ident(r.definition) for r in rs if r.n_in < options.small_n],
        )
        for m, rs in rows.items()
        if m != "*" and any(r.n_in < options.small_n for r in rs)
    ]

    def block(mechanism: str, name: str) -> MechanismSensitivity:
        per = [
            CooperationSensitivity(
                c.name, counted[c.name], verdict(grid[c.name][mechanism]), grid[c.name][mechanism]
            )
            for c in coops
        ]
        every = [r for c in per for r in c.rows]
        return MechanismSensitivity(
            name, verdict(every), rows[mechanism], verdict(rows[mechanism]), per
        )

    by_mechanism = {m: block(m, m) for m in mechanisms if m != "*"}
    return SensitivityResult(
        definitions=[
            {
                "name": d.name,
                "description": d.description,
                "periods": [p.as_dict() for p in d.periods],
                "exceptions": list(d.exceptions),
            }
            for d in defs
        ],
        by_mechanism=by_mechanism,
        all_mechanisms=block("*", "all"),
        methods={
            "direction": "higher (lower) in tension when the risk ratio's 95 % interval lies "
            "above (below) 1 as recorded and under both outcome-unknown bounds; else unclear",
            "verdict": f"'{HOLDS}' when every definition gives the same clear direction; "
            f"'{CANNOT_TELL}' when none does; otherwise '{DEPENDS}'",
            "margins_days": list(options.margins),
            "cooperation": "what counts as cooperation (codebook contacts): every unit; coded "
            "units except co-presence; units in which the two sides dealt with each other; "
            "bilateral units only. A unit with no contact code counts under 'all' only",
            "verdict_axes": "'tension_verdict' reads the definitions of tension with every "
            "unit counted; each definition of cooperation has its own verdict; 'verdict' reads "
            "every row of both axes",
        },
        warnings=warnings + small,
        cooperation=[
            {
                "name": c.name,
                "description": c.description,
                "contacts": sorted(c.contacts) if c.contacts is not None else None,
                "units": counted[c.name],
            }
            for c in coops
        ],
    )
