"""Keyness: the words (stems) that mark one body of texts against another.

Two comparisons the discursive mechanism asks for: each side's discourse about the other
against the other side's — within one language, where both sides have at least ``min_texts``
texts in it (across languages every stem differs) — and the texts inside tension periods (all
together and each period with enough texts) against the calm baseline (texts outside every
period and its 90-day margins). For every stem: Dunning's log-likelihood G² (is the difference
more than chance?) and the log ratio (log₂ of the ratio of relative frequencies, ½ added to a
zero count: how big is it?). A stem is key when it is over-used in the target, occurs at least
``min_freq`` times there and G² ≥ ``g2_min`` (10.83 ≈ p < 0.001, strict because thousands of
stems are tested). Stop words per language (``framework/data/stopwords.yaml``, month and day
names included) and stems under three letters are left out. Each key stem names the texts it
occurs in, so a reader can go to them.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from importlib import resources

import yaml

from lowpolitics.analysis.discourse_units import DiscourseUnit
from lowpolitics.analysis.periods import TensionPeriod
from lowpolitics.text.other_side import the_pair

G2_MIN = 10.83
MIN_FREQ = 3
TOP = 20
CALM_MARGIN_DAYS = 90


@dataclass(frozen=True)
class KeyTerm:
    term: str
    lang: str
    target: int
    reference: int
    g2: float
    log_ratio: float
    texts: tuple[str, ...]


@dataclass(frozen=True)
class KeynessTable:
    target: str
    reference: str
    target_texts: int
    reference_texts: int
    target_tokens: int
    reference_tokens: int
    terms: list[KeyTerm]


@dataclass
class KeynessResult:
    g2_min: float = G2_MIN
    min_freq: int = MIN_FREQ
    tables: list[KeynessTable] = field(default_factory=list)


@lru_cache(maxsize=1)
def stop_stems() -> dict[str, frozenset[str]]:
    from lowpolitics.text.stemming import stem

    words = yaml.load(  # BaseLoader: every word a string ("no", "on" are not booleans)
        resources.files("lowpolitics.framework")
        .joinpath("data/stopwords.yaml")
        .read_text(encoding="utf-8"),
        Loader=yaml.BaseLoader,
    )
    return {lang: frozenset(stem(w, lang) for w in ws) for lang, ws in words.items()}


def _counts(units: Iterable[DiscourseUnit]) -> tuple[Counter, dict[tuple[str, str], list[str]]]:
    stops = stop_stems()
    counts: Counter = Counter()
    where: dict[tuple[str, str], list[str]] = {}
    for unit in units:
        lang = unit.language or "?"
        skip = stops.get(lang, frozenset())
        for term, n in unit.stems.items():
            if len(term) < 3 or term in skip or term[0].isdigit():
                continue
            counts[(lang, term)] += n
            where.setdefault((lang, term), []).append(unit.key)
    return counts, where


def log_likelihood(a: int, b: int, c: int, d: int) -> float:
    """Dunning's G² for a term seen ``a`` times in ``c`` tokens and ``b`` times in ``d``."""
    if c == 0 or d == 0:
        return 0.0
    e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
    g2 = 0.0
    if a:
        g2 += a * math.log(a / e1)
    if b:
        g2 += b * math.log(b / e2)
    return 2 * g2


def log_ratio(a: int, b: int, c: int, d: int) -> float:
    """log₂ of the relative-frequency ratio; ½ stands in for a zero count."""
    return math.log2(((a or 0.5) / c) / ((b or 0.5) / d))


def compare(
    target_name: str,
    target: list[DiscourseUnit],
    reference_name: str,
    reference: list[DiscourseUnit],
    *,
    g2_min: float = G2_MIN,
    min_freq: int = MIN_FREQ,
    top: int = TOP,
) -> KeynessTable:
    t_counts, where = _counts(target)
    r_counts, _ = _counts(reference)
    c, d = sum(t_counts.values()), sum(r_counts.values())
    terms = []
    for key, a in t_counts.items():
        b = r_counts.get(key, 0)
        if a < min_freq or not c or not d or a / c <= b / d:
            continue
        g2 = log_likelihood(a, b, c, d)
        if g2 >= g2_min:
            lang, term = key
            terms.append(
                KeyTerm(
                    term,
                    lang,
                    a,
                    b,
                    round(g2, 2),
                    round(log_ratio(a, b, c, d), 2),
                    tuple(where[key][:10]),
                )
            )
    terms.sort(key=lambda t: (-t.g2, t.term))
    return KeynessTable(target_name, reference_name, len(target), len(reference), c, d, terms[:top])


def _inside(unit: DiscourseUnit, period: TensionPeriod, margin: int = 0) -> bool:
    pad = timedelta(days=margin)
    return period.start - pad <= unit.day <= period.end + pad


def keyness_tables(
    units: list[DiscourseUnit],
    periods: list[TensionPeriod],
    *,
    min_texts: int = 5,
    g2_min: float = G2_MIN,
    min_freq: int = MIN_FREQ,
) -> KeynessResult:
    result = KeynessResult(g2_min, min_freq)
    first, second = the_pair()
    # side against side within one language: across languages every stem would be "key" only
    # because Kyrgyz outlets write Kyrgyz and Tajik outlets Tajik
    languages = sorted({u.language for u in units if u.language})
    for lang in languages:
        sides = {
            s: [u for u in units if u.side == s and u.language == lang] for s in (first, second)
        }
        if min(len(sides[first]), len(sides[second])) < min_texts:
            continue
        for a, b in ((first, second), (second, first)):
            result.tables.append(
                compare(
                    f"{a} ({lang})",
                    sides[a],
                    f"{b} ({lang})",
                    sides[b],
                    g2_min=g2_min,
                    min_freq=min_freq,
                )
            )
    calm = [u for u in units if not any(_inside(u, p, CALM_MARGIN_DAYS) for p in periods)]
    tense = [u for u in units if any(_inside(u, p) for p in periods)]
    if calm and len(tense) >= min_texts:
        result.tables.append(
            compare("tension", tense, "calm", calm, g2_min=g2_min, min_freq=min_freq)
        )
        for period in periods:
            inside = [u for u in units if _inside(u, period)]
            if len(inside) >= min_texts:
                name = f"tension {period.start.isoformat()}..{period.end.isoformat()}"
                result.tables.append(
                    compare(name, inside, "calm", calm, g2_min=g2_min, min_freq=min_freq)
                )
    return result


def concordance(
    text: str, lang: str, term: str, *, width: int = 60, limit: int = 5
) -> list[tuple[str, str, str, int]]:
    """Key-word-in-context lines for a stem: (left, word, right, offset), at most ``limit``."""
    from lowpolitics.text.stemming import stem, tokens

    lines = []
    for token, start, end in tokens(text):
        if stem(token, lang) == term:
            left = text[max(0, start - width) : start].replace("\n", " ")
            right = text[end : end + width].replace("\n", " ")
            lines.append((left, token, right, start))
            if len(lines) >= limit:
                break
    return lines
