"""Scoring the classifier against labelled texts, honestly: the classifier identifies the
language itself (the gold language is never passed in, so a text labelled Tajik that is Russian
counts as a miss), every table is grouped by the *gold* language, and dates and places are
scored beside the labels.

Dates: a predicted event date is right when it agrees with the gold date at the gold's own
precision (gold "2022-09" accepts any day of September 2022). Precision is over texts with a
predicted date, recall over texts with a gold date. Places: micro-averaged over the texts whose
gold lists places (an empty list is a label: "no place"), as sets of gazetteer names below the
country — the event's region, district, town, village or crossing. Country names are left out on
both sides: every text here is about Kyrgyzstan and Tajikistan, annotators differ on whether a
country named as an actor is a place, and counting them would hide how well the extraction
finds where something happened.

Places are also scored at **region level** (``places_region``, a second figure beside the strict
one, never instead of it): every name on both sides becomes the region it lies in (Batken,
Batken District and Kara-Bak all become Batken Region), so a town given where the gold names its
region, or a district where it names a village in it, counts as right. It tells a wrong region
from a labelling convention about the level of detail.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from lowpolitics.text.gold import GoldText
from lowpolitics.text.metrics import classification_report

TASKS = ("mechanism", "frame", "status")
UNKNOWN_LANG = "unknown"


@dataclass(frozen=True)
class Extraction:
    """Precision and recall of one extraction (dates or places), with the counts behind them."""

    predicted: int
    gold: int
    correct_predicted: int
    correct_gold: int

    @property
    def precision(self) -> float | None:
        return round(self.correct_predicted / self.predicted, 4) if self.predicted else None

    @property
    def recall(self) -> float | None:
        return round(self.correct_gold / self.gold, 4) if self.gold else None

    def as_dict(self) -> dict:
        return {**asdict(self), "precision": self.precision, "recall": self.recall}


@dataclass
class Evaluation:
    """Reports per task and gold language (``"all"`` for every text), language identification,
    dates and places — each report from :func:`classification_report`."""

    n: int
    tasks: dict[str, dict[str, dict]] = field(default_factory=dict)
    language: dict | None = None
    dates: dict[str, Extraction] = field(default_factory=dict)
    places: dict[str, Extraction] = field(default_factory=dict)
    places_region: dict[str, Extraction] = field(default_factory=dict)

    def macro_f1(self, task: str, lang: str = "all") -> float | None:
        return (self.tasks.get(task, {}).get(lang) or {}).get("macro_f1")

    def as_dict(self) -> dict:
        return {
            "n": self.n,
            "tasks": self.tasks,
            "language": self.language,
            "dates": {k: v.as_dict() for k, v in self.dates.items()},
            "places": {k: v.as_dict() for k, v in self.places.items()},
            "places_region": {k: v.as_dict() for k, v in self.places_region.items()},
        }


def _date_right(gold: str, predicted: str | None) -> bool:
    return bool(predicted) and predicted[: len(gold)] == gold


def _dates(pairs: list[tuple[GoldText, dict]]) -> Extraction:
    predicted = [r.get("event_date") for _, r in pairs]
    right = [
        bool(t.date) and _date_right(t.date, p) for (t, _), p in zip(pairs, predicted, strict=True)
    ]
    return Extraction(
        predicted=sum(1 for p in predicted if p),
        gold=sum(1 for t, _ in pairs if t.date),
        correct_predicted=sum(right),
        correct_gold=sum(right),
    )


def _places(
    pairs: list[tuple[GoldText, dict]],
    countries: frozenset[str],
    level: dict[str, frozenset[str]] | None = None,
) -> Extraction:
    def names(values: list[str]) -> set[str]:
        kept = set(values) - countries
        if level is None:
            return kept
        return {r for name in kept for r in level.get(name, frozenset({name}))}

    labelled = [
        (names(t.places), names(r.get("places") or [])) for t, r in pairs if t.places is not None
    ]
    hits = sum(len(g & p) for g, p in labelled)
    return Extraction(
        predicted=sum(len(p) for _, p in labelled),
        gold=sum(len(g) for g, _ in labelled),
        correct_predicted=hits,
        correct_gold=hits,
    )


def _regions() -> dict[str, frozenset[str]]:
    """Each gazetteer name -> the regions the places of that name lie in (a region: itself)."""
    from lowpolitics.framework.gazetteer import load_gazetteer

    gazetteer = load_gazetteer()
    out: dict[str, set[str]] = {}
    for place in gazetteer.places:
        node = place
        while node is not None and node.kind not in ("region", "country"):
            node = gazetteer.by_id.get(node.parent or "")
        if node is not None and node.kind == "region":
            out.setdefault(place.name, set()).add(node.name)
    return {name: frozenset(regions) for name, regions in out.items()}


def evaluate(
    texts: list[GoldText], results: list[dict], countries: frozenset[str] | None = None
) -> Evaluation:
    """Score ``results`` (from the classifier, in the same order) against ``texts``.
    ``countries``: place names not scored (default: the gazetteer's countries)."""
    if countries is None:
        from lowpolitics.framework.gazetteer import load_gazetteer

        countries = frozenset(p.name for p in load_gazetteer().places if p.kind == "country")
    regions = _regions()
    pairs = list(zip(texts, results, strict=True))
    by_lang: dict[str, list[tuple[GoldText, dict]]] = {"all": pairs}
    for t, r in pairs:
        by_lang.setdefault(t.lang or UNKNOWN_LANG, []).append((t, r))
    report = Evaluation(n=len(pairs))
    for task in TASKS:
        for lang, group in by_lang.items():
            gold = [(getattr(t, task), r[task]) for t, r in group if getattr(t, task) is not None]
            if gold:
                report.tasks.setdefault(task, {})[lang] = classification_report(
                    [g for g, _ in gold], [p for _, p in gold]
                )
    labelled = [(t.lang, r["lang"]) for t, r in pairs if t.lang]
    if labelled:
        report.language = classification_report([g for g, _ in labelled], [p for _, p in labelled])
    for lang, group in by_lang.items():
        report.dates[lang] = _dates(group)
        report.places[lang] = _places(group, countries)
        report.places_region[lang] = _places(group, countries, regions)
    return report
