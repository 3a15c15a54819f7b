"""Gazetteer places named in news text, found through the inflections of four languages.

The same village turns up as "в Ворухе", "Ворухта", "Ворухро" and "Vorukh's"; the gazetteer
knows only "Ворух". Matching works on folded keys (:func:`~lowpolitics.framework.folding.fold`,
so case, diacritics and ҳ/х-style spellings do not matter):

1. The text is cut into word tokens; their folded forms are concatenated into one string and an
   Aho–Corasick automaton (pyahocorasick) over every name key finds all candidates in one pass.
   Concatenating lets "Кара-Суу", "Кара Суу" and "Karasuu" meet the one key "карасуу". A hit
   counts only if it starts at a token start and the tokens it spans are separated by spaces,
   hyphens, dashes, apostrophes or quotes — never by a full stop or comma.
2. Russian declension changes the stem ("Исфара" → "из Исфары", "Баткенская область" →
   "Баткенской области"), so Russian names and Cyrillic variants are expanded into their case
   forms when the automaton is built (:func:`_word_forms`): adjectives in -ая/-ий/-ое, nouns in
   -а/-я/-ь and consonant stems; a hyphenated word declines its last part.
3. Kyrgyz and Tajik only add: a hit may end inside its last token when the rest of that token is
   a listed suffix (:data:`_KY_TAILS`: -да/-та, -га/-ка, -дан/-тан, -дын/-нын, -ны, -дагы, -лык
   and their vowel-harmony forms, plus -нда/-нан… after a possessive "облусу"; :data:`_TG_TAILS`:
   -ро, izofat -и, plural -ҳо; Russian derived adjectives -ский/-ской/-ского on consonant stems).
   This is the suffix stripper: the remaining stem must be a known key, or nothing matches.
4. Where hits overlap, the longest span wins ("Баткен облусунда" is the region, not the town).

Precision guards: a hit written with a lowercase initial counts only if the gazetteer spells the
name lowercase ("шаҳри Бишкек", "пик Ленина") or its key has six letters or more and is not a
common word (:data:`_COMMON_WORDS`) — otherwise "наука" would be Nau plus a dative and "sad
news" the village Saada. Upper case is free (headlines in capitals match), so a few words that
look like places even when capitalised at a sentence start ("Наука", "Sad") are listed in
:data:`_NOT_PLACES`. A Latin key that is also an English month abbreviation ("Nov") is skipped
before a number.

Ambiguity: a shared name (two villages called Dostuk; Osh the city and Osh the city-region)
yields one :class:`PlaceMention` per candidate on the same span, all flagged ``ambiguous``,
broadest kind first — so the first mention at a span is what ``Gazetteer.best`` would choose.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, compress, count, product, repeat
from operator import is_

import ahocorasick
import regex

from lowpolitics.framework.folding import fold
from lowpolitics.framework.gazetteer import Gazetteer, Place

__all__ = ["PlaceMention", "extract_places"]

_TOKEN = regex.compile(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}]*")
_JOIN = regex.compile(r"[\s\-‐‑‒–—«»\"“”„'’ʼ‘`]+")
_CYRILLIC = regex.compile(r"\p{Cyrillic}")
_MONTH_ABBR = frozenset(
    ["jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"]
)
_NUMBER_NEXT = regex.compile(r"\.?\s*\d")
# A short quotation is a name: a place inside it with other words (NGO «Молодёжь Оша», festival
# "Isfara Spring") names the organisation, not the place; «Кулунду» alone is still the place.
_QUOTED = regex.compile(r"«[^»\n]{1,60}»|\"[^\"\n]{1,60}\"|“[^”\n]{1,60}”|„[^“”\n]{1,60}[“”]")
# "Youth of Osh", "Friends of Batken": a capitalised word and "of" before the place make an
# organisation's name — unless the word is an office or an administrative unit.
_OF_NAME = regex.compile(r"\b(?P<head>\p{Lu}\p{Ll}+) of (?:the )?$")
_OF_PLACE_HEADS = frozenset(
    [
        "Governor", "Mayor", "Head", "Akim", "Region", "Province", "Oblast", "District", "City",
        "Town", "Village", "Republic", "People", "Residents", "Outskirts", "Centre", "Center",
        "South", "North", "East", "West", "Part", "Parts",
    ]
)  # fmt: skip

# Folded keys that are also everyday words; they match only with a capital initial.
_COMMON_WORDS = frozenset(
    fold(w)
    for w in (
        "Октябрь", "Восточный", "Центральное", "Майский", "Головной", "Интернационал",
        "Интернациональное", "Коргон", "Караван", "Kurgan",
        # "friendship", "culture", "settlement" in Kyrgyz/Tajik news are also village and
        # checkpoint names: lower case is the word, a capital is the place
        "Достук", "Dostuk", "Маданият", "Madaniyat", "Шаҳрак", "Shahrak",
    )
)  # fmt: skip
# Whole words that look like a name plus a suffix, or are a name's everyday homograph, and are
# never read as places even when capitalised at the start of a sentence.
_NOT_PLACES = frozenset(
    fold(w)
    for w in (
        "наука", "науки", "науке", "науку", "наукой", "наук", "Sad", "International", "Central",
    )
)  # fmt: skip


def _ky_tails() -> frozenset[str]:
    """Kyrgyz case and derivation suffixes in folded spelling (ө→о, ү→у, ң→н)."""
    wide, narrow = "аео", "ыиу"
    tails: set[str] = set()
    for v in wide:
        for c in "дт":
            tails |= {c + v, c + v + "н"}  # locative, ablative
            tails |= {c + v + "г" + n for n in narrow}  # attributive locative: Баткендеги
        tails |= {"г" + v, "к" + v}  # dative
        tails |= {"н" + v, "нд" + v, "н" + v + "н"}  # after a possessive: облусунда
        tails |= {"нд" + v + "г" + n for n in narrow}
    for n in narrow:
        for c in "дтн":
            tails |= {c + n, c + n + "н"}  # accusative, genitive
        for c in "лдт":
            tails.add(c + n + "к")  # Баткендик, Ошлук: "of/from the place"
    return frozenset(tails)


_KY_TAILS = _ky_tails()
_TG_TAILS = frozenset({"ро", "и", "ии", "хо", "хои", "ву"})
_RU_DERIV = frozenset(
    fold("ск" + e)
    for e in ("ая", "ой", "ую", "ою", "ий", "ого", "ому", "им", "ом", "ие", "их", "ими", "ое")
)
_RU_VOWELS = set("аеёиоуыэюя")

# Russian endings per stem class: (nominative ending to cut, case endings to add).
_ADJ_F = ("ая", "ой", "ую", "ою", "яя", "ей", "юю")
_ADJ_M = ("ий", "ый", "ой", "ого", "его", "ому", "ему", "им", "ым", "ом", "ем")
_ADJ_N = ("ое", "ее", "ого", "его", "ому", "ему", "ым", "им", "ом", "ем")
_NOUN_A = ("а", "ы", "и", "е", "у", "ой", "ою")
_NOUN_YA = ("я", "и", "е", "ю", "ей", "ею")
_NOUN_SOFT = ("", "и", "ю", "я", "е", "ем")
_NOUN_HARD = ("", "а", "у", "е", "ом", "ем", "ым", "ы")


@dataclass(frozen=True)
class PlaceMention:
    """A gazetteer place named in a text, with the exact span that named it."""

    place_id: str
    name_en: str
    start: int
    end: int
    text: str
    ambiguous: bool = False


@dataclass(frozen=True)
class _Entry:
    place_id: str
    russian: bool  # an expanded Russian case form (takes no further suffix)
    lower_ok: bool
    consonant: bool  # the key ends in a consonant (takes Russian -ский derivations)


def _is_adjective(word: str) -> bool:
    low = word.casefold()
    return len(low) > 4 and low.endswith(("ая", "яя", "ий", "ый", "ое", "ее"))


def _word_forms(word: str) -> set[str]:
    """Folded Russian case forms of one (possibly hyphenated) word of a name."""
    low = word.casefold().strip("«»\"'“”()")
    if not low or (word.isupper() and len(low) <= 4):  # КПП, ГБАО: abbreviations do not decline
        return {fold(low)}
    for cut, ends in (
        (("ая", "яя"), _ADJ_F),
        (("ий", "ый"), _ADJ_M),
        (("ое", "ее"), _ADJ_N),
        (("а",), _NOUN_A),
        (("я",), _NOUN_YA),
        (("ь",), _NOUN_SOFT),
    ):
        if low.endswith(cut):
            stem = low[: -len(cut[0])]
            return {fold(stem + e) for e in ends}
    if low[-1].isalpha() and low[-1] not in _RU_VOWELS and _CYRILLIC.match(low[-1]):
        return {fold(low + e) for e in _NOUN_HARD}
    return {fold(low)}


def _russian_forms(name: str) -> set[str]:
    """Case forms of a Cyrillic name: its adjectives and its head noun decline, the rest not."""
    words = name.split()
    if not words or not _CYRILLIC.search(name):
        return set()
    adjectives = [i for i, w in enumerate(words) if _is_adjective(w)]
    targets = set(adjectives) | ({adjectives[-1] + 1} if adjectives else {0})
    options = [_word_forms(w) if i in targets else {fold(w)} for i, w in enumerate(words)]
    return {"".join(parts) for parts in product(*options)}


def _lower_ok(name: str, key: str) -> bool:
    first = next((ch for ch in name if ch.isalpha()), "")
    return first.islower() or (len(key) >= 6 and key not in _COMMON_WORDS)


@lru_cache(maxsize=8)
def _automaton(gazetteer: Gazetteer) -> ahocorasick.Automaton:
    """One automaton per gazetteer: folded key -> (key, entries)."""
    entries: dict[str, set[_Entry]] = defaultdict(set)
    for place in gazetteer.places:
        russian_names = {place.names.get("ru", "")} | {
            v for v in place.variants if _CYRILLIC.search(v)
        }
        for name in place.all_names:
            key = fold(name)
            if len(key) < 2:
                continue
            lower = _lower_ok(name, key)
            consonant = key[-1] not in _RU_VOWELS and _CYRILLIC.match(key[-1]) is not None
            entries[key].add(_Entry(place.id, False, lower, consonant))
            if name in russian_names:
                for form in _russian_forms(name) - {key}:
                    entries[form].add(_Entry(place.id, True, lower, False))
    automaton = ahocorasick.Automaton()
    for key, found in entries.items():
        automaton.add_word(key, (key, tuple(sorted(found, key=lambda e: e.place_id))))
    automaton.make_automaton()
    return automaton


def _tail_ok(entry: _Entry, tail: str, lang: str | None) -> bool:
    """Whether ``tail`` (the rest of the last token) is a suffix the entry may carry."""
    if entry.russian:
        return not tail and lang in (None, "ru")
    if not tail:
        return True
    return (
        (lang in (None, "ky") and tail in _KY_TAILS)
        or (lang in (None, "tg") and tail in _TG_TAILS)
        or (lang in (None, "ru") and entry.consonant and tail in _RU_DERIV)
    )


def _ordered(gazetteer: Gazetteer, ids: list[str]) -> list[Place]:
    """Candidates broadest first, in the order ``Gazetteer.best`` would pick them."""
    remaining = [gazetteer.by_id[i] for i in dict.fromkeys(ids)]
    ordered: list[Place] = []
    while remaining:
        best = Gazetteer.best(remaining)
        assert best is not None
        ordered.append(best)
        remaining.remove(best)
    return ordered


def extract_places(
    text: str, gazetteer: Gazetteer, lang: str | None = None, folded: dict[str, str] | None = None
) -> list[PlaceMention]:
    """Places of ``gazetteer`` named in ``text``, in reading order (see the module docstring).

    ``lang`` ("ru", "ky", "tg", "en") limits which suffixes and Russian case forms are
    accepted; ``None`` accepts those of all four languages. ``folded`` (word → its key) may
    be a dictionary kept across texts, since news repeats its words; the caller bounds it.
    """
    words = _TOKEN.findall(text)
    if not words:
        return []
    keys_of = folded if folded is not None else {}
    keys = list(map(keys_of.get, words))
    if None in keys:  # the new words only, their places found in C
        for i in compress(count(), map(is_, keys, repeat(None))):
            keys[i] = keys_of[words[i]] = fold(words[i])
    found = _TOKEN.finditer(text)
    # the tokens with a key, as (start, end, key); offsets are taken only for hits
    token_spans: list[tuple[int, int]] | None = None
    if "" in keys:
        matches = list(found)
        kept = [i for i, key in enumerate(keys) if key]
        if not kept:
            return []
        token_spans = [matches[i].span() for i in kept]
        keys = [keys[i] for i in kept]
    # the folded text is the keys run together; token i ends (exclusive) at ends[i]
    folded_text = "".join(keys)
    ends = list(accumulate(map(len, keys)))

    def span(index: int) -> tuple[int, int]:
        nonlocal token_spans
        if token_spans is None:
            token_spans = [m.span() for m in found]
        return token_spans[index]

    spans: dict[tuple[int, int], list[str]] = defaultdict(list)
    for last, (key, entries) in _automaton(gazetteer).iter(folded_text):
        begin = last - len(key) + 1
        first_tok = bisect_right(ends, begin)
        if ends[first_tok] - len(keys[first_tok]) != begin:
            continue  # the match does not start where a token does
        last_tok = bisect_right(ends, last)
        tail = folded_text[last + 1 : ends[last_tok]]
        gaps_ok = all(
            _JOIN.fullmatch(text[span(k)[1] : span(k + 1)[0]]) for k in range(first_tok, last_tok)
        )
        start, end = span(first_tok)[0], span(last_tok)[1]
        if not gaps_ok or (key in _MONTH_ABBR and _NUMBER_NEXT.match(text, end)):
            continue
        # the folded span: fold drops what joins the tokens and works letter by letter, so
        # it is the tokens' keys run together (no fold of the span at each hit)
        if folded_text[begin : ends[last_tok]] in _NOT_PLACES:
            continue
        lowercase = text[start].islower()
        for entry in entries:
            if _tail_ok(entry, tail, lang) and (entry.lower_ok or not lowercase):
                spans[(start, end)].append(entry.place_id)
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text) if len(m.group().split()) <= 5]
    quoted_starts = [a for a, _ in quoted]  # matches do not overlap: one candidate each
    for start, end in list(spans):
        n = bisect_left(quoted_starts, start) - 1
        inside = quoted[n] if n >= 0 and end < quoted[n][1] else None
        if inside and _TOKEN.search(text[inside[0] : start] + " " + text[end : inside[1]]):
            del spans[(start, end)]  # a place word inside a quoted name with other words
            continue
        head = _OF_NAME.search(text, max(0, start - 40), start)
        if head and head["head"] not in _OF_PLACE_HEADS:
            del spans[(start, end)]
    # longest spans first; the spans kept never overlap, so kept in start order the one
    # starting last before a candidate's end is the only one it can overlap (linear, not
    # a scan of every kept span per candidate)
    taken: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        n = bisect_left(taken, (end, -1)) - 1
        if not (n >= 0 and start < taken[n][1]):
            insort(taken, (start, end))
    mentions: list[PlaceMention] = []
    for start, end in sorted(taken):
        places = _ordered(gazetteer, spans[(start, end)])
        for place in places:
            mentions.append(
                PlaceMention(
                    place.id, place.name, start, end, text[start:end], ambiguous=len(places) > 1
                )
            )
    return mentions
