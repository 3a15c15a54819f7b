"""Normalisation for matching (never for display), with a map back to the original text.

Why: the same word reaches us as "ҳамкорӣ", "хамкори" (a keyboard without Tajik letters),
"Хамкори" and "хaмкори" (a Latin "a" typed or pasted into a Cyrillic word). Lexicon and
gazetteer matching must see one form, but a match has to be reported at the exact code
points of the original, so every step here tracks where each output character came from.

Steps, in order (``normalize`` = ``normalize_with_offsets(...)[0]``):

1. NFC, per base character with its combining marks. Marks that do not compose (stress
   accents on Cyrillic vowels) are dropped, as are soft hyphens and zero-width characters.
2. Look-alike Latin letters (a e o p c x y k i h, upper-case A B C E H K M O P T X Y I,
   and ö ü ñ typed for ө ү ң) become Cyrillic, but only inside a word that has a Cyrillic
   letter and whose Latin letters are all look-alikes. Latin words, including Latin
   transliterations ("hamkori", "Isfara"), are left alone: scripts are not merged.
3. Case folding; the Uzbek apostrophes ʻ ‘ ’ ʼ ` become "'".
4. ``fold_variants``: ё→е, and each Kyrgyz, Tajik, Uzbek (and Kazakh) letter to the plain
   letter a keyboard without it produces (ҳ→х ҷ→ч ӣ→и ӯ→у қ→к ғ→г ң→н ө→о ү→у ў→у …).
   With ``lang="ky"`` "нг" also becomes "н", since Kyrgyz typists write ң as "нг"; this
   merges two characters into one. Normalise both sides of a comparison with the same lang.

Offsets: ``normalize_with_offsets`` returns ``offsets`` with ``len(norm) + 1`` entries;
``offsets[i]`` is the original index where the source of ``norm[i]`` starts and the last
entry is ``len(text)``. They never decrease. Use ``original_span`` to map a match back.
"""

from __future__ import annotations

import unicodedata

Unit = tuple[str, int]  # one output character and the original index it came from

_DROPPED = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
_LOOKALIKES = {
    "a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "k": "к",
    "i": "і", "h": "һ", "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "K": "К",
    "M": "М", "O": "О", "P": "Р", "T": "Т", "X": "Х", "Y": "У", "I": "І",
    "ö": "ө", "Ö": "Ө", "ü": "ү", "Ü": "Ү", "ñ": "ң", "Ñ": "Ң", "ë": "ё", "Ë": "Ё",
}  # fmt: skip
_APOSTROPHES = str.maketrans({"ʻ": "'", "‘": "'", "’": "'", "ʼ": "'", "`": "'"})
_VARIANTS = {
    "ё": "е", "ҳ": "х", "ҷ": "ч", "ӣ": "и", "ӯ": "у", "қ": "к", "ғ": "г", "ң": "н",
    "ө": "о", "ү": "у", "ў": "у", "ұ": "у", "ә": "а", "і": "и", "һ": "х",
}  # fmt: skip
_VARIANTS |= {k.upper(): v.upper() for k, v in _VARIANTS.items()}


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u052f"


def _is_latin(ch: str) -> bool:
    return ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN")


def _is_dropped_mark(ch: str) -> bool:
    """Combining diacritics left over after NFC (stress marks) carry nothing for matching."""
    return "\u0300" <= ch <= "\u036f"


def _nfc_units(text: str) -> list[Unit]:
    """NFC cluster by cluster, so each output character knows its cluster's start."""
    units: list[Unit] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        for ch in unicodedata.normalize("NFC", text[i:j]):
            if ch not in _DROPPED and not _is_dropped_mark(ch):
                units.append((ch, i))
        i = j
    return units


def _fix_lookalikes(units: list[Unit]) -> list[Unit]:
    """Latin look-alikes to Cyrillic inside otherwise Cyrillic words (step 2)."""
    out = list(units)
    i, n = 0, len(units)
    while i < n:
        if not units[i][0].isalpha():
            i += 1
            continue
        j = i
        while j < n and units[j][0].isalpha():
            j += 1
        word = [ch for ch, _ in units[i:j]]
        latin = [ch for ch in word if _is_latin(ch)]
        if latin and any(map(_is_cyrillic, word)) and all(ch in _LOOKALIKES for ch in latin):
            for k in range(i, j):
                ch, off = units[k]
                out[k] = (_LOOKALIKES.get(ch, ch) if _is_latin(ch) else ch, off)
        i = j
    return out


def _casefold(units: list[Unit]) -> list[Unit]:
    """Case folding, which may expand one character into several (ß → ss)."""
    out: list[Unit] = []
    for ch, off in units:
        for folded in ch.casefold().translate(_APOSTROPHES):
            if not _is_dropped_mark(folded):
                out.append((folded, off))
    return out


def _fold_units(units: list[Unit], lang: str | None) -> list[Unit]:
    """Proper letters and keyboard substitutes to one canonical letter (step 4)."""
    out = [(_VARIANTS.get(ch, ch), off) for ch, off in units]
    if lang != "ky":
        return out
    merged: list[Unit] = []
    for ch, off in out:
        if ch in "гГ" and merged and merged[-1][0] in "нН":
            continue  # "нг" → "н": the г is absorbed by the preceding н
        merged.append((ch, off))
    return merged


def fold_variants(text: str, lang: str | None = None) -> str:
    """Map Kyrgyz/Tajik/Uzbek letters and their keyboard substitutes to one form.

    "ҳамкорӣ" and "хамкори" both become "хамкори"; with ``lang="ky"`` "жаңы", "жаны" and
    "жангы" all become "жаны". Case is kept; no other change is made.
    """
    return "".join(ch for ch, _ in _fold_units([(ch, i) for i, ch in enumerate(text)], lang))


def normalize_with_offsets(text: str, lang: str | None = None) -> tuple[str, list[int]]:
    """The matching form of ``text`` and, per output character, its original start index.

    ``offsets`` has one extra final entry, ``len(text)``, so that ``original_span`` can
    map a match ending at the end of the normalised text.
    """
    units = _fold_units(_casefold(_fix_lookalikes(_nfc_units(text))), lang)
    return "".join(ch for ch, _ in units), [off for _, off in units] + [len(text)]


def normalize(text: str, lang: str | None = None) -> str:
    """The matching form of ``text`` (see the module docstring for the steps)."""
    return normalize_with_offsets(text, lang)[0]


def original_span(offsets: list[int], start: int, end: int) -> tuple[int, int]:
    """Map ``norm[start:end]`` to ``(start, end)`` in the original text.

    A character that case folding expanded (ß → ss) is never cut in half: the end moves
    past every output character that shares the last one's source.
    """
    if not 0 <= start <= end < len(offsets):
        raise ValueError(f"span {start}:{end} outside normalised text of {len(offsets) - 1}")
    if start == end:
        return offsets[start], offsets[start]
    last = offsets[end - 1]
    stop = end
    while stop < len(offsets) - 1 and offsets[stop] == last:
        stop += 1
    return offsets[start], offsets[stop]
