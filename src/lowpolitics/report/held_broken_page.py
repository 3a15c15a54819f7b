"""Page 1 of the brief: what held and what broke in tension, by mechanism, with names.

A minister's office reads the first page only. It gets the activities that went ahead inside a
tension period and those that were postponed, cancelled, suspended or downgraded — named, dated
and linked to their rows — and, for each mechanism, the verdict under every definition of
tension the sensitivity analysis tried, so no conclusion rests on one way of drawing a period.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from babel.dates import format_date

from lowpolitics.analysis.sensitivity import (
    ALL_UNITS,
    BILATERAL,
    CANNOT_TELL,
    DEPENDS,
    DIRECT,
    HIGHER,
    HOLDS,
    LOWER,
    NOT_CO_PRESENCE,
)
from lowpolitics.framework.codebook import Codebook
from lowpolitics.report.records import Citations

Translate = Callable[[str], str]
SHOWN_PER_CELL = 6  # named entries per table cell; the rest are counted and listed at the end


def day(iso: str | None, lang: str, precision: str = "day") -> str:
    """A date as readers of the language write it: 5 Dec 2026 / 05.12.2026; a month or a year
    alone when that is all the record knows."""
    if not iso:
        return "—"
    value = date.fromisoformat(iso[:10]) if len(iso) >= 10 else None
    if value is None:
        if len(iso) == 7:
            value, precision = date.fromisoformat(iso + "-01"), "month"
        else:
            return iso[:4]
    if precision == "year":
        return str(value.year)
    if precision == "month":
        pattern = "MMM y" if lang == "en" else "MM.y"
        return format_date(value, format=pattern, locale=lang)
    pattern = "d MMM y" if lang == "en" else "dd.MM.y"
    return format_date(value, format=pattern, locale=lang)


def verdict_label(verdict: str, _: Translate) -> str:
    return {
        HOLDS: _("holds under every definition"),
        DEPENDS: _("depends on the definition"),
        CANNOT_TELL: _("the data cannot tell"),
    }.get(verdict, verdict)


def definition_label(name: str, _: Translate) -> str:
    """Readable names of the sensitivity analysis' definitions of tension."""
    fixed = {
        "declared": _("declared periods"),
        "derived": _("derived from security events"),
        "to_ceasefire": _("declared, ending at the ceasefire"),
        "to_officials_talks": _("declared, ending at officials' talks"),
        "to_restored_contact": _("declared, ending when contact was restored"),
    }
    if name in fixed:
        return fixed[name]
    if name.startswith("set:"):
        return _("alternative set: {name}").format(name=name[4:])
    if name.startswith("end") and name[3:4] in "+-" and name[4:].isdigit():
        shift = int(name[4:])
        if name[3] == "+":
            return _("declared, each end {n} days later").format(n=shift)
        return _("declared, each end {n} days earlier").format(n=shift)
    return name


def cooperation_label(name: str, _: Translate) -> str:
    """Readable names of the sensitivity analysis' definitions of what counts as cooperation."""
    return {
        ALL_UNITS: _("every cooperative activity"),
        NOT_CO_PRESENCE: _("without co-presence at wider events"),
        DIRECT: _("direct contact only (bilateral or joint)"),
        BILATERAL: _("bilateral only"),
    }.get(name, name)


def _entry(named: dict, period: dict, lang: str, codebook: Codebook, records) -> dict:
    ref = records.get(named["id"])
    precision = ref.precision if ref else "day"
    return {
        "id": named["id"],
        "title": ref.title(lang) if ref else named["title"],
        "date": day(named["date"], lang, precision),
        "status": codebook.label("statuses", named["status"], lang),
        "period": period["start"],
    }


def held_broken_page(
    document: dict, codebook: Codebook, lang: str, _: Translate, citations: Citations
) -> dict:
    """Per mechanism: named held and broken units across all tension periods, the count of
    unknown outcomes and of coarsely dated units, and the verdict over all definitions."""
    section = document.get("held_broken") or {}
    sensitivity = document.get("sensitivity") or {}
    periods = section.get("periods") or []
    records = citations.records
    rows = []
    totals = {"held": 0, "broke": 0, "unknown": 0, "coarse": 0}
    for code in codebook.mechanism_codes:
        held, broke, unknown, coarse = [], [], [], []
        for period in periods:
            cell = (period.get("by_mechanism") or {}).get(code) or {}
            held += [_entry(n, period, lang, codebook, records) for n in cell.get("held", [])]
            broke += [_entry(n, period, lang, codebook, records) for n in cell.get("disrupted", [])]
            unknown += [n["id"] for n in cell.get("unknown", [])]
            coarse += [n["id"] for n in cell.get("coarsely_dated", [])]
        for entries in (held, broke):
            citations.cite([e["id"] for e in entries[:SHOWN_PER_CELL]])
        # a unit dated to a year overlaps every period of that year: name it once
        unknown, coarse = list(dict.fromkeys(unknown)), list(dict.fromkeys(coarse))
        citations.cite(unknown[:SHOWN_PER_CELL] + coarse[:SHOWN_PER_CELL])
        block = (sensitivity.get("by_mechanism") or {}).get(code) or {}
        rows.append(
            {
                "mechanism": codebook.label("mechanisms", code, lang),
                "held": held[:SHOWN_PER_CELL],
                "held_more": max(0, len(held) - SHOWN_PER_CELL),
                "held_n": len(held),
                "broke": broke[:SHOWN_PER_CELL],
                "broke_more": max(0, len(broke) - SHOWN_PER_CELL),
                "broke_n": len(broke),
                "unknown": unknown,
                "coarse": coarse,
                "verdict": verdict_label(block.get("verdict", CANNOT_TELL), _),
            }
        )
        totals["held"] += len(held)
        totals["broke"] += len(broke)
        totals["unknown"] += len(unknown)
        totals["coarse"] += len(coarse)
    return {
        "periods": len(periods),
        "days": sum(p.get("days", 0) for p in periods),
        "rows": rows,
        "totals": totals,
        "overall_verdict": verdict_label(
            (sensitivity.get("all_mechanisms") or {}).get("verdict", CANNOT_TELL), _
        ),
        "definitions": definitions_table(sensitivity, codebook, lang, _),
        "cooperation": cooperation_table(sensitivity, codebook, lang, _),
    }


def definitions_table(sensitivity: dict, codebook: Codebook, lang: str, _: Translate) -> dict:
    """Definition × mechanism: disrupted of counted in tension, with the direction of the
    comparison with calm periods (↑ higher in tension, ↓ lower, blank when unclear)."""
    columns = [
        (code, codebook.label("mechanisms", code, lang).split(" (")[0])
        for code in codebook.mechanism_codes
    ]
    blocks = dict(sensitivity.get("by_mechanism") or {})
    blocks["*"] = sensitivity.get("all_mechanisms") or {}
    names = [d["name"] for d in sensitivity.get("definitions") or []]
    arrows = {HIGHER: "↑", LOWER: "↓"}
    rows = []
    for name in names:
        cells = []
        for code in [c for c, _label in columns] + ["*"]:
            row = next(
                (r for r in (blocks.get(code) or {}).get("rows", []) if r["definition"] == name),
                None,
            )
            if row is None or not row.get("n_in"):
                cells.append("—")
                continue
            cells.append(f"{row['disrupted_in']}/{row['n_in']}{arrows.get(row['direction'], '')}")
        rows.append({"definition": definition_label(name, _), "cells": cells})
    return {"columns": [label for _code, label in columns] + [_("all")], "rows": rows}


def cooperation_table(sensitivity: dict, codebook: Codebook, lang: str, _: Translate) -> dict:
    """What counts as cooperation × mechanism, under the first definition of tension (the
    declared periods): disrupted of counted in tension with the direction's arrow, and the
    verdict of all mechanisms together across every definition of tension."""
    columns = [
        (code, codebook.label("mechanisms", code, lang).split(" (")[0])
        for code in codebook.mechanism_codes
    ]
    blocks = dict(sensitivity.get("by_mechanism") or {})
    blocks["*"] = sensitivity.get("all_mechanisms") or {}
    arrows = {HIGHER: "↑", LOWER: "↓"}
    names = [c["name"] for c in sensitivity.get("cooperation") or []]
    units = {c["name"]: c.get("units", 0) for c in sensitivity.get("cooperation") or []}
    if len(names) < 2:
        return {"columns": [], "rows": [], "tension": None}
    tension = None
    rows = []
    for name in names:
        cells = []
        for code in [c for c, _label in columns] + ["*"]:
            per = next(
                (
                    c
                    for c in (blocks.get(code) or {}).get("by_cooperation", [])
                    if c["cooperation"] == name
                ),
                None,
            )
            row = (per or {}).get("rows", [None])[0] if per and per.get("rows") else None
            if row is None or not row.get("n_in"):
                cells.append("—")
                continue
            tension = tension or row["definition"]
            cells.append(f"{row['disrupted_in']}/{row['n_in']}{arrows.get(row['direction'], '')}")
        overall = next(
            (c for c in blocks["*"].get("by_cooperation", []) if c["cooperation"] == name), {}
        )
        rows.append(
            {
                "cooperation": cooperation_label(name, _),
                "units": units.get(name, 0),
                "cells": cells,
                "verdict": verdict_label(overall.get("verdict", CANNOT_TELL), _),
            }
        )
    return {
        "columns": [label for _code, label in columns] + [_("all")],
        "rows": rows,
        "tension": definition_label(tension, _) if tension else None,
    }
