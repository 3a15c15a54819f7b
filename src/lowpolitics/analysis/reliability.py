"""Agreement between coders: percent agreement, Cohen's kappa and Krippendorff's alpha.

Why these three: percent agreement is what readers understand, Cohen's kappa is what NVivo and
MAXQDA report (so numbers can be compared), and Krippendorff's alpha handles any number of coders
and missing data, which no free QDA tool offers. Any coder counts, including the machine
(``auto:<model>``), so the auto-coder can be validated against a person.

Units. ``segment``: the stored sentence segments of each document; a coder assigned a code to a
sentence when one of their codings of that code overlaps it. ``character``: every code point of
each document. Per code, the value of a unit is present/absent (binary). Overall, the value is
the sorted set of codes the coder assigned to the unit (one nominal variable; the empty set is a
value too), so "A" and "A+B" disagree.

Missing data: a coder who has no coding at all in a document did not code it, so all of its
units are missing for that coder (not "absent"). By default only documents every named coder
touched are used; naming ``documents`` uses those, with the missing coders left missing.
Codings of a child code do not count for its parent.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import krippendorff
import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from lowpolitics.framework.errors import ConfigError, NotFoundError
from lowpolitics.framework.notes import N_, Note, data, note
from lowpolitics.store.corpus import get_document
from lowpolitics.store.models import Code, Coding, Document, Segment

UNITS = ("segment", "character")
TEXT_LIMIT = 300
MISSING = -1

METHODS = {
    "units": {
        "segment": "stored sentence segments; a code is assigned to a sentence when one of the "
        "coder's codings of that code overlaps it",
        "character": "every code point of each document",
    },
    "by_code": "binary variable per code: present / absent in the unit",
    "overall": "one nominal variable per unit: the sorted set of codes a coder assigned "
    "(the empty set included)",
    "percent_agreement": "pairwise: per unit, the share of coder pairs (both coding the unit) "
    "that agree, averaged over units with at least two coders; equals simple agreement for "
    "two coders",
    "unanimous": "share of those units on which all coders present agree",
    "cohen_kappa": "Cohen (1960), two coders only, over units both coded; null otherwise",
    "krippendorff_alpha": "nominal alpha from the 'krippendorff' package, any number of "
    "coders, missing values allowed",
    "missing": "a coder with no coding at all in a document did not code it: missing, not absent",
    "n_units": "units coded by at least two coders (the pairable units)",
}


@dataclass
class _Units:
    """Stacked unit data: who assigned which code where."""

    assigned: np.ndarray  # bool (coders, units, codes)
    present: np.ndarray  # bool (coders, units): the coder coded the unit's document
    meta: list[tuple[str, int, int, str]]  # segment units: document key, start, end, text


def _select_documents(
    session: Session, coders: list[str], documents: list[str] | None, warnings: list[str]
) -> list[Document]:
    if documents:
        chosen: dict[int, Document] = {}
        for ref in documents:
            doc = get_document(session, ref)
            chosen[doc.id] = doc
        return sorted(chosen.values(), key=lambda d: d.key)
    touched: dict[str, set[int]] = {coder: set() for coder in coders}
    rows = session.execute(
        select(Coding.coder, Coding.document_id).where(Coding.coder.in_(coders)).distinct()
    )
    for coder, doc_id in rows:
        touched[coder].add(doc_id)
    for coder, ids in touched.items():
        if not ids:
            warnings.append(note(N_("coder '{coder}' has no codings at all"), coder=data(coder)))
    common = set.intersection(*touched.values())
    if not common:
        warnings.append(note(N_("no document was coded by every named coder")))
        return []
    query = select(Document).where(Document.id.in_(common)).order_by(Document.key)
    return list(session.scalars(query))


def _load_units(
    session: Session,
    docs: list[Document],
    coders: list[str],
    codes: list[str] | None,
    unit: str,
) -> tuple[_Units, list[str]]:
    ids = [d.id for d in docs]
    rows = (
        list(
            session.execute(
                select(Coding.document_id, Coding.coder, Code.name, Coding.start, Coding.end)
                .join(Code, Code.id == Coding.code_id)
                .where(Coding.coder.in_(coders), Coding.document_id.in_(ids))
            )
        )
        if ids
        else []
    )
    if codes is None:
        codes = sorted({r[2] for r in rows})
    code_index = {name: k for k, name in enumerate(codes)}
    coder_index = {name: c for c, name in enumerate(coders)}
    touched = {(r[0], r[1]) for r in rows}
    by_doc: dict[int, list] = {}
    for row in rows:
        if row[2] in code_index:
            by_doc.setdefault(row[0], []).append(row)
    sentences: dict[int, list[tuple[int, int]]] = {}
    if unit == "segment" and ids:
        seg_rows = session.execute(
            select(Segment.document_id, Segment.start, Segment.end)
            .where(Segment.kind == "sentence", Segment.document_id.in_(ids))
            .order_by(Segment.document_id, Segment.start)
        )
        for doc_id, start, end in seg_rows:
            sentences.setdefault(doc_id, []).append((start, end))

    n_coders, n_codes = len(coders), len(codes)
    assigned_parts, present_parts, meta = [], [], []
    for doc in docs:
        spans = sentences.get(doc.id, []) if unit == "segment" else None
        n = len(spans) if spans is not None else len(doc.text)
        assigned = np.zeros((n_coders, n, n_codes), dtype=bool)
        if spans is not None:
            starts = np.array([s for s, _ in spans], dtype=np.int64)
            ends = np.array([e for _, e in spans], dtype=np.int64)
            meta.extend((doc.key, s, e, doc.text[s:e][:TEXT_LIMIT]) for s, e in spans)
        for _, coder, name, start, end in by_doc.get(doc.id, []):
            c, k = coder_index[coder], code_index[name]
            if spans is None:
                assigned[c, start:end, k] = True
            else:  # sentences i with ends[i] > start and starts[i] < end
                first = np.searchsorted(ends, start, side="right")
                last = np.searchsorted(starts, end, side="left")
                assigned[c, first:last, k] = True
        present = np.array([(doc.id, coder) in touched for coder in coders], dtype=bool)
        assigned_parts.append(assigned)
        present_parts.append(np.repeat(present[:, None], n, axis=1))
    if assigned_parts:
        data = _Units(np.concatenate(assigned_parts, 1), np.concatenate(present_parts, 1), meta)
    else:
        data = _Units(np.zeros((n_coders, 0, n_codes), bool), np.zeros((n_coders, 0), bool), [])
    return data, codes


def _set_labels(units: _Units) -> np.ndarray:
    """One integer per (coder, unit): the set of codes assigned, MISSING where not coded."""
    n_coders, n, n_codes = units.assigned.shape
    if n == 0:
        return np.zeros((n_coders, 0), dtype=np.int64)
    flat = units.assigned.reshape(n_coders * n, n_codes)
    packed = np.packbits(flat, axis=1) if n_codes else np.zeros((n_coders * n, 1), np.uint8)
    _, inverse = np.unique(packed, axis=0, return_inverse=True)
    labels = inverse.reshape(n_coders, n).astype(np.int64)
    labels[~units.present] = MISSING
    return labels


def _percent(labels: np.ndarray) -> tuple[float | None, float | None, int]:
    """Pairwise percent agreement, unanimity and the number of pairable units."""
    n_coders, n = labels.shape
    agree, pairs = np.zeros(n), np.zeros(n)
    for i, j in combinations(range(n_coders), 2):
        both = (labels[i] != MISSING) & (labels[j] != MISSING)
        pairs += both
        agree += both & (labels[i] == labels[j])
    used = pairs > 0
    n_used = int(used.sum())
    if n_used == 0:
        return None, None, 0
    big = np.iinfo(np.int64).max
    low = np.where(labels == MISSING, big, labels).min(axis=0)
    high = labels.max(axis=0)
    unanimous = float((low == high)[used].mean())
    return float((agree[used] / pairs[used]).mean()), unanimous, n_used


# Why a statistic is undefined: the warning for the overall variable, and for one code's
Why = tuple[str, str]


def _cohen(a: np.ndarray, b: np.ndarray) -> tuple[float | None, Why | None]:
    both = (a != MISSING) & (b != MISSING)
    a, b = a[both], b[both]
    if len(a) == 0:
        return None, (
            N_("overall: Cohen's kappa undefined — no unit was coded by both coders"),
            N_("{code}: Cohen's kappa undefined — no unit was coded by both coders"),
        )
    observed = float((a == b).mean())
    expected = float(sum((a == v).mean() * (b == v).mean() for v in np.union1d(a, b)))
    if np.isclose(expected, 1.0):
        return None, (
            N_(
                "overall: Cohen's kappa undefined — both coders gave every unit the same value "
                "(no variation)"
            ),
            N_(
                "{code}: Cohen's kappa undefined — both coders gave every unit the same value "
                "(no variation)"
            ),
        )
    return (observed - expected) / (1.0 - expected), None


def _alpha(labels: np.ndarray) -> tuple[float | None, Why | None]:
    pairable = (labels != MISSING).sum(axis=0) >= 2
    if not pairable.any():
        return None, (
            N_("overall: Krippendorff's alpha undefined — no unit was coded by two coders"),
            N_("{code}: Krippendorff's alpha undefined — no unit was coded by two coders"),
        )
    data = labels[:, pairable]
    domain = np.unique(data[data != MISSING])
    if len(domain) < 2:
        return None, (
            N_(
                "overall: Krippendorff's alpha undefined — only one value occurs in the pairable "
                "units (no variation)"
            ),
            N_(
                "{code}: Krippendorff's alpha undefined — only one value occurs in the pairable "
                "units (no variation)"
            ),
        )
    counts = (data[..., None] == domain[None, None, :]).sum(axis=0)
    value = krippendorff.alpha(value_counts=counts, level_of_measurement="nominal")
    if not np.isfinite(value):
        return None, (
            N_("overall: Krippendorff's alpha undefined — alpha is undefined for these data"),
            N_("{code}: Krippendorff's alpha undefined — alpha is undefined for these data"),
        )
    return float(value), None


def _undefined(why: Why, code: str | None) -> Note:
    """The warning ``why`` for the overall variable (``code`` None) or for one code."""
    overall, per_code = why
    return note(overall) if code is None else note(per_code, code=code)


def _stats(labels: np.ndarray, code: str | None, warnings: list[str]) -> dict:
    """Agreement on ``labels``: the overall variable when ``code`` is None, else one code's."""
    percent, unanimous, n_units = _percent(labels)
    kappa, alpha = None, None
    if labels.shape[0] == 2:
        kappa, why = _cohen(labels[0], labels[1])
        if why and n_units:
            warnings.append(_undefined(why, code))
    alpha, why = _alpha(labels)
    if why:
        warnings.append(_undefined(why, code))
    return {
        "percent_agreement": percent,
        "unanimous": unanimous,
        "cohen_kappa": kappa,
        "krippendorff_alpha": alpha,
        "n_units": n_units,
    }


def _disagreements(units: _Units, labels: np.ndarray, coders: list[str], codes: list[str]):
    found = []
    for n, (key, start, end, text) in enumerate(units.meta):
        present = labels[:, n] != MISSING
        if present.sum() < 2 or len(set(labels[present, n].tolist())) < 2:
            continue
        assigned = {
            coder: [codes[k] for k in np.flatnonzero(units.assigned[c, n])] if present[c] else None
            for c, coder in enumerate(coders)
        }
        found.append({"document": key, "start": start, "end": end, "text": text, "codes": assigned})
    return found


def reliability(
    session: Session,
    coders: list[str],
    codes: list[str] | None = None,
    documents: list[str] | None = None,
    unit: str = "segment",
) -> dict:
    """Agreement of ``coders`` overall and per code, with the units they disagree on.

    ``codes`` defaults to every code the coders used in the chosen documents; ``documents``
    (keys, ids or file names) defaults to the documents every coder touched.
    """
    if unit not in UNITS:
        raise ConfigError(f"unit '{unit}': use one of {', '.join(UNITS)}")
    coders = list(dict.fromkeys(c.strip() for c in coders if c and c.strip()))
    if len(coders) < 2:
        raise ConfigError("agreement needs at least two different coders")
    if codes is not None:
        codes = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
        known = set(session.scalars(select(Code.name).where(Code.name.in_(codes))))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise NotFoundError(f"no code {', '.join(repr(c) for c in unknown)}")
    warnings: list[str] = []
    docs = _select_documents(session, coders, documents, warnings)
    units, codes = _load_units(session, docs, coders, codes, unit)
    if not codes and docs:
        warnings.append(note(N_("the coders used no code in these documents")))
    labels = _set_labels(units)
    overall = _stats(labels, None, warnings)
    overall["n_documents"] = len(docs)
    by_code = {}
    for k, name in enumerate(codes):
        binary = units.assigned[:, :, k].astype(np.int64)
        binary[~units.present] = MISSING
        by_code[name] = _stats(binary, name, warnings)
    methods = {**METHODS, "units": METHODS["units"][unit]}
    if unit == "character":
        methods["disagreements"] = "listed for segment units only"
    return {
        "coders": coders,
        "unit": unit,
        "codes": codes,
        "documents": [d.key for d in docs],
        "overall": overall,
        "by_code": by_code,
        "disagreements": _disagreements(units, labels, coders, codes) if unit == "segment" else [],
        "methods": methods,
        "warnings": warnings,
    }
