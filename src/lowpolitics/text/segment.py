"""Paragraph and sentence splitting with offsets into the original text.

Why rule-based: razdel and similar splitters are tuned for Russian and are not installed
everywhere; Kyrgyz and Tajik news punctuate like Russian news, so a handful of rules serve
all five languages, and coding needs offsets that point back into the original exactly
(``text[span.start:span.end] == span.text``, code points, end exclusive).

Paragraphs are separated by blank lines (or U+2029). A text with no blank line but several
lines is taken to put one paragraph per line.

Sentences end at . ! ? … (runs such as "?!" or "..." included, closing quotes and
brackets after them kept), when whitespace follows and the next sentence plausibly starts:
an upper-case letter, a digit, an opening quote or bracket, or a dash that opens dialogue.
Not a boundary:

- the next word starts in lower case ("т. е. мы", "Он сказал… и ушёл");
- a dash followed by a lower-case word ("«Мы готовы!» — заявил он");
- after a single letter, i.e. initials ("С. Жапаров", "J. Smith") and one-letter
  abbreviations ("ш. Душанбе", "н. Исфара", "г. Ош"), unless it is a year marker after a
  number ("в 2023 г. В Баткене", "2022-ж. Баткенде") and no digit follows;
- after a listed abbreviation that precedes names ("ул.", "им.", "Mr.", "Dr.", "проф.") or
  a dotted upper-case acronym ("U.S."), or after one that precedes numbers ("Sept. 14",
  "No. 5", "ст. 12");
- inside numbers ("3.5", "1.200") and URLs, since no whitespace follows the dot.

Inside a paragraph a single line break is a boundary when the next line does not start in
lower case and the line before does not end with , ; : ( or a dash; hard-wrapped text
whose lines start with a proper noun will therefore be over-split.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """A slice of the original text: ``text == original[start:end]``."""

    start: int
    end: int
    text: str


def _words(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Abbreviations (lower case, without the final dot) that are followed by a name.
_BEFORE_NAMES: dict[str, frozenset[str]] = {
    "ru": _words(
        "гг ул им пр просп пер пл наб пос обл ст св ген проф акад доц гр тов г-н г-жа "
        "т.е т.к т.н т.о напр см ср англ кырг кирг тадж рус узб букв зам пред"
    ),
    "en": _words(
        "mr mrs ms dr prof st gen col lt sgt capt rev hon sen rep gov pres jr sr "
        "e.g i.e vs cf approx mt ft"
    ),
    "ky": _words("б.а пр обл кыр тадж"),
    "tg": _words("ҷум в.и ш.д"),
    "uz": _words("sh.h tum"),
}
# Abbreviations that are followed by a number.
_BEFORE_NUMBERS: dict[str, frozenset[str]] = {
    "ru": _words("ст п пп ч гл рис стр тел кв д дом корп табл прим"),
    "en": _words("no nos vol p pp art fig sec ch jan feb mar apr jun jul aug sep sept oct nov dec"),
    "ky": _words("ст б бет"),
    "tg": _words("м мод сах"),
    "uz": _words("m b"),
}
_YEAR_MARKERS = frozenset({"г", "гг", "ж", "с", "й"})
_ALL = "all"
for _table in (_BEFORE_NAMES, _BEFORE_NUMBERS):
    _table[_ALL] = frozenset().union(*_table.values())

_TERMINAL = re.compile(r"(?:\.{2,}|[.!?…]+)[»\"”’)\]]*(?=\s|$)")
_TOKEN_BEFORE = re.compile(r"([\w.\-]*\w)$")
_WORD_WINDOW = 100  # characters before a full stop in which its word is looked for
_PARA_BREAK = re.compile(r"\n(?:[^\S\n]*\n)+|\u2029")
_OPENERS = '«"“„‘([{<'
_DASHES = "—–-"
_CONTINUATION = ",;:(" + _DASHES


def _trimmed(text: str, start: int, end: int) -> Span | None:
    """``text[start:end]`` without surrounding whitespace, or None if nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end, text[start:end]) if start < end else None


def _split(text: str, cuts: list[int], start: int, end: int) -> list[Span]:
    """Cut ``text[start:end]`` at ``cuts`` into trimmed, non-empty spans."""
    spans = []
    for cut in [*sorted(set(cuts)), end]:
        span = _trimmed(text, start, cut)
        if span:
            spans.append(span)
        start = cut
    return spans


def _blocks(text: str) -> list[Span]:
    """Blank-line separated blocks."""
    return _split(text, [m.start() for m in _PARA_BREAK.finditer(text)], 0, len(text))


def paragraphs(text: str) -> list[Span]:
    """Paragraphs of ``text``: blank-line blocks, or lines if there is no blank line."""
    blocks = _blocks(text)
    if len(blocks) == 1 and "\n" in blocks[0].text:
        block = blocks[0]
        cuts = [block.start + m.start() for m in re.finditer("\n", block.text)]
        return _split(text, cuts, block.start, block.end)
    return blocks


def _next_kind(text: str, pos: int, end: int) -> str:
    """What starts at ``pos``: 'upper', 'lower', 'digit', 'end' or 'other'."""
    while pos < end and text[pos].isspace():
        pos += 1
    if pos >= end:
        return "end"
    ch = text[pos]
    if ch in _DASHES:  # dialogue: "— заявил он" continues, "— Мы готовы" starts
        kind = _next_kind(text, pos + 1, end)
        return "other" if kind == "end" else kind
    if ch.isdigit():
        return "digit"
    if ch.islower():
        return "lower"
    if ch.isupper() or ch in _OPENERS:
        return "upper"
    return "other"


def _ends_sentence(text: str, match: re.Match[str], end: int, lang: str | None) -> bool:
    """Whether the terminal punctuation in ``match`` closes a sentence (module rules)."""
    kind = _next_kind(text, match.end(), end)
    if kind == "end":
        return True
    if kind == "lower":
        return False
    if match.group().rstrip('»"”’)]') != ".":
        return True  # ! ? … and "..." before a capital
    # the word before the full stop: looked for in a short window, not from the start of the
    # text — searching from 0 at every full stop made segmentation quadratic in text length
    token = _TOKEN_BEFORE.search(text, max(0, match.start() - _WORD_WINDOW), match.start())
    if token is None:
        return True
    word = token.group(1).lower()
    last = re.split(r"[-.]", word)[-1]
    key = lang if lang in _BEFORE_NAMES else _ALL
    year = last in _YEAR_MARKERS and re.search(r"\d[\s-]*" + re.escape(last) + "$", word)
    if not year and last in _YEAR_MARKERS:
        year = re.search(r"\d(?:-\w{1,3})?\s*$", text[max(0, token.start() - 12) : token.start()])
    if year:
        return kind != "digit"
    if word in _BEFORE_NAMES[key] or word in _BEFORE_NUMBERS[key]:
        return False
    if len(word) == 1 and word.isalpha():
        return False  # initials and one-letter abbreviations
    acronym = re.fullmatch(r"(?:\w\.)+\w", token.group(1)) and token.group(1).isupper()
    return not acronym  # U.S., U.N.


def _line_breaks(text: str, start: int, end: int) -> list[int]:
    """Single line breaks inside a block that separate sentences (module rules)."""
    cuts = []
    for m in re.finditer("\n", text[start:end]):
        pos = start + m.start()
        last = pos - 1  # the last visible character before the break, found backwards
        while last >= start and text[last].isspace():
            last -= 1
        if (
            last >= start
            and text[last] not in _CONTINUATION
            and _next_kind(text, pos, end) != "lower"
        ):
            cuts.append(pos)
    return cuts


def sentences(text: str, lang: str | None = None) -> list[Span]:
    """Sentences of ``text`` with offsets into it; ``lang`` picks the abbreviation list
    (None: all languages' lists)."""
    spans: list[Span] = []
    for block in _blocks(text):
        cuts = _line_breaks(text, block.start, block.end)
        for m in _TERMINAL.finditer(text, block.start, block.end):
            if _ends_sentence(text, m, block.end, lang):
                cuts.append(m.end())
        spans.extend(_split(text, cuts, block.start, block.end))
    return spans
