"""Mentions of the other side in a text: its country, people, leaders, institutions and places,
each with the frame of the sentence that holds it.

What the discourse analysis counts is not only whether a text is framed one way or another but
how the other side appears in it — a Kyrgyz outlet writing "the Tajik side" in a sentence that
assigns blame, or "our Tajik neighbours" in one about a shared festival. Countries and places come
from the gazetteer (so every spelling and case form it knows is found); people, leaders and
institutions from ``framework/data/other_side.yaml``, matched on stems. The frame of a mention is
read from the lexicon's frame evidence inside its sentence: integrative or securitizing when one
outweighs the other there, neutral otherwise.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from lowpolitics.framework.gazetteer import Gazetteer, load_gazetteer
from lowpolitics.text.lexicon import NEUTRAL, CodingResult, LexiconCoder
from lowpolitics.text.segment import sentences
from lowpolitics.text.stemming import stem, tokens

INTEGRATIVE = "integrative"
SECURITIZING = "securitizing"


@dataclass(frozen=True)
class Mention:
    """One naming of the other side: ``text[start:end]``, what it names and its sentence's frame."""

    side: str  # the country named (KG or TJ)
    kind: str  # country | people | leader | place | institution
    name: str  # canonical English name
    start: int
    end: int
    frame: str


@lru_cache(maxsize=1)
def other_side_vocabulary() -> dict[str, Any]:
    """The bundled vocabulary: ``{"pair": [..], "sides": {country: {kind: [entries]}}}``."""
    text = (
        resources.files("lowpolitics.framework")
        .joinpath("data/other_side.yaml")
        .read_text(encoding="utf-8")
    )
    return yaml.safe_load(text)


def the_pair() -> tuple[str, str]:
    first, second = other_side_vocabulary()["pair"]
    return first, second


def other_of(country: str | None) -> str | None:
    """The other country of the pair, or None for a third country."""
    first, second = the_pair()
    return {first: second, second: first}.get((country or "").upper())


@lru_cache(maxsize=16)
def _patterns(lang: str) -> dict[str, list[tuple[tuple[str, ...], str, str, str]]]:
    """First stem → [(stems, side, kind, name)], longest first, for one language."""
    index: dict[str, list[tuple[tuple[str, ...], str, str, str]]] = {}
    for side, kinds in other_side_vocabulary()["sides"].items():
        for kind, entries in kinds.items():
            for entry in entries:
                for term in entry["terms"].get(lang, []):
                    stems = tuple(stem(tok, lang) for tok, _, _ in tokens(term))
                    if stems:
                        index.setdefault(stems[0], []).append((stems, side, kind, entry["name"]))
    for options in index.values():
        options.sort(key=lambda option: -len(option[0]))
    return index


def _parts(text: str) -> list[tuple[str, int, int]]:
    """Tokens with hyphenated compounds split: «кыргыз-тажик», "Kyrgyz-Tajik" name both sides."""
    out = []
    for token, start, end in tokens(text):
        if "-" not in token:
            out.append((token, start, end))
            continue
        offset = start
        for piece in token.split("-"):
            if piece:
                out.append((piece, offset, offset + len(piece)))
            offset += len(piece) + 1
    return out


def _vocabulary_mentions(text: str, lang: str) -> list[tuple[int, int, str, str, str]]:
    toks = _parts(text)
    stems = [stem(tok, lang) for tok, _, _ in toks]
    index = _patterns(lang)
    found, i = [], 0
    while i < len(toks):
        for pattern, side, kind, name in index.get(stems[i], ()):
            if tuple(stems[i : i + len(pattern)]) == pattern:
                end = toks[i + len(pattern) - 1][2]
                found.append((toks[i][1], end, side, kind, name))
                i += len(pattern)
                break
        else:
            i += 1
    return found


def _sentence_frames(
    text: str, lang: str, coder: LexiconCoder, coding: CodingResult | None = None
) -> list[tuple[int, int, str]]:
    """Each sentence's span and frame, from the lexicon's frame evidence inside it."""
    coding = coding or coder.code(text, lang)
    evidence = [e for e in coding.evidence if e.code in (INTEGRATIVE, SECURITIZING)]
    found = sentences(text, lang)
    # evidence counted per sentence in one pass (a sentence scan per sentence was quadratic)
    starts = [span.start for span in found]
    counts = [[0, 0] for _ in found]
    for e in evidence:
        n = bisect_right(starts, e.start) - 1
        if n >= 0 and e.start < found[n].end:
            counts[n][e.code == SECURITIZING] += 1
    spans = []
    for span, (integrative, securitizing) in zip(found, counts, strict=True):
        if integrative > securitizing:
            frame = INTEGRATIVE
        elif securitizing > integrative:
            frame = SECURITIZING
        else:
            frame = NEUTRAL
        spans.append((span.start, span.end, frame))
    return spans


def find_mentions(
    text: str,
    lang: str,
    speaker: str | None,
    coder: LexiconCoder,
    gazetteer: Gazetteer | None = None,
    coding: CodingResult | None = None,
) -> list[Mention]:
    """Every mention in ``text`` of the country other than ``speaker`` (the outlet's country).

    A third-country outlet (``speaker`` outside the pair) speaks about both: mentions of either
    country are returned, each tagged with the country it names. ``coding``: the coder's
    result for ``text`` when the caller has it already (coding a long text is not cheap).
    """
    from lowpolitics.text.places import extract_places

    other = other_of(speaker)
    wanted = {other} if other else set(the_pair())
    places = gazetteer or load_gazetteer()
    raw: list[tuple[int, int, str, str, str]] = []
    seen: set[tuple[int, int]] = set()
    for hit in extract_places(text, places, lang):
        place = places.by_id.get(hit.place_id)
        if place is None or place.country not in wanted:
            continue
        kind = "country" if place.kind == "country" else "place"
        if (hit.start, hit.end) in seen:
            continue  # one span naming a city and its region is one mention
        seen.add((hit.start, hit.end))
        raw.append((hit.start, hit.end, place.country, kind, hit.name_en))
    # the place spans do not overlap one another, so sorted by start their ends are sorted
    # too, and the one starting last before a candidate's end is the only one to check
    taken = sorted(seen)
    taken_starts = [s for s, _ in taken]
    for start, end, side, kind, name in _vocabulary_mentions(text, lang):
        n = bisect_left(taken_starts, end) - 1
        if side in wanted and not (n >= 0 and start < taken[n][1]):
            raw.append((start, end, side, kind, name))
    if not raw:
        return []
    frames = _sentence_frames(text, lang, coder, coding)
    frame_starts = [s for s, _, _ in frames]
    mentions = []
    for start, end, side, kind, name in sorted(raw):
        n = bisect_right(frame_starts, start) - 1
        frame = frames[n][2] if n >= 0 and start < frames[n][1] else NEUTRAL
        mentions.append(Mention(side, kind, name, start, end, frame))
    return mentions
