"""The date patterns of :mod:`lowpolitics.text.dates` and how they are run over a text.

Kept apart from the reading of dates (resolving, ranges, the event's date) because the patterns
and the machinery that keeps them fast are most of the module: each pattern knows what a text
must contain for it to match (a year, a month name) and where its matches can start, so
``extract_dates`` tries it only in texts that have those and only at those places.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import regex

from lowpolitics.text.lazy_regex import LazyPattern

# "май" takes only its own endings: a free tail would read "майрамы 2022-жылы" (the 2022
# holiday) as May 2022.
_MAY = "ма(?:йында|йынын|йынан|йына|йдын|йдан|йга|йда|йы|йи|й|я|е|ю|ем)(?![\\p{L}])"
# Month stems shared by Russian, Kyrgyz and Tajik (all borrow the Russian names); the inflection
# tail (сентября, сентябрында, сентябри, моҳи майи) is any run of letters after the stem.
CYR_MONTHS = (
    "январ", "феврал", "март", "апрел", _MAY, "июн", "июл", "август",
    "сентябр", "октябр", "ноябр", "декабр",
)  # fmt: skip
EN_MONTHS = (
    "jan(?:uary)?", "feb(?:ruary)?", "mar(?:ch)?", "apr(?:il)?", "may", "june?", "july?",
    "aug(?:ust)?", "sep(?:t(?:ember)?)?", "oct(?:ober)?", "nov(?:ember)?", "dec(?:ember)?",
)  # fmt: skip
_L = r"[\p{L}\p{M}]"
_CYR_MONTH = "(?P<month>(?:" + "|".join(CYR_MONTHS) + rf"){_L}{{0,8}})"
_EN_MONTH = "(?P<month>" + "|".join(EN_MONTHS) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"
_RU_YEAR_WORD = r"(?:\s*(?:года|году|год|г\.))"
_KY_YEAR_WORD = r"\s*-?\s*(?:жылдын|жылы|жылга|жылда|жылдан|жылкы|жыл|ж\.)"
_B, _E = r"(?<![\p{L}\p{N}])", r"(?![\p{L}\p{N}])"

# Day ranges: the first day (and its month, when it differs) in day1/month1, the last day in
# day/month. Hyphen, en dash or em dash, with or without spaces.
_DASH = r"\s*[\-–—]\s*"
_DAY1 = r"(?P<day1>[0-3]?\d)"
_CYR_ORD = r"(?:-?(?:уми|ум|го|е|ого))?"
_EN_ORD = r"(?:st|nd|rd|th)?"
_CYR_MONTH1 = _CYR_MONTH.replace("?P<month>", "?P<month1>")
_EN_MONTH1 = _EN_MONTH.replace("?P<month>", "?P<month1>")
_TO_MONTH = r"(?:\s*-\s*|\s+)(?:моҳи\s+)?"
_CYR_FROM = rf"{_DAY1}{_CYR_ORD}(?:{_TO_MONTH}{_CYR_MONTH1})?"
# 14–16 сентября · 17-21-май · 29 апрел – 1 майи · с 14 по 16 сентября · аз 29 апрел то 1 майи
_CYR_RANGE = (
    rf"(?:{_CYR_FROM}{_DASH}|(?:со|с|аз)\s+{_CYR_FROM}\s+(?:по|то)\s+)"
    rf"{_DAY}{_CYR_ORD}{_TO_MONTH}{_CYR_MONTH}"
)
# 14–16 September · 29 April – 1 May · September 14–16 · April 29 – May 1
# "from June 7 to 14" joins its days with "to" (or "through", "till", "until") as "7–14" does
_EN_TO = rf"(?:{_DASH}|\s+(?:to|through|till|until)\s+)"
_EN_RANGE_DMY = (
    rf"{_DAY1}{_EN_ORD}(?:\s+{_EN_MONTH1})?{_EN_TO}{_DAY}{_EN_ORD}\s+(?:of\s+)?{_EN_MONTH}"
)
_EN_RANGE_MDY = rf"{_EN_MONTH1}\s+{_DAY1}{_EN_ORD}{_EN_TO}(?:{_EN_MONTH}\s+)?{_DAY}{_EN_ORD}"
# Kyrgyz says "from the 10th of October to the 21st of October": 10-октябрдан 21-октябрга чейин
_KY_ABL = r"(?:дан|тан|нан|ден|тен|нен|дон|тон|дөн|төн)"
_KY_MONTH1 = "(?P<month1>(?:" + "|".join(CYR_MONTHS[:4] + ("май",) + CYR_MONTHS[5:]) + ")"
_KY_MONTH1 += rf"{_L}{{0,5}}?{_KY_ABL})"
_KY_RANGE = rf"{_DAY1}\s*-\s*{_KY_MONTH1}\s+{_DAY}\s*-\s*{_CYR_MONTH}\s+чейин"

Kind = str  # "dmy" | "my" | "y" | "range" | "rangedm" | a relative rule name


_FLAGS = regex.IGNORECASE | regex.VERSION1
# What a pattern cannot match without: a year in figures, a Russian/Kyrgyz/Tajik month name,
# an English one. Each is looked for once in a text (with the patterns' own flags, so case
# folding agrees); a pattern whose need is absent is not run. Most of the time of reading
# dates went into trying thirty patterns at every position of texts that name no month.
NEEDS: dict[str, regex.Pattern[str]] = {
    "year": regex.compile(r"(?:1[89]|20)\d\d", _FLAGS),
    "cyr_month": regex.compile(
        "|".join(m if m != _MAY else "ма[йяею]" for m in CYR_MONTHS), _FLAGS
    ),
    "en_month": regex.compile("jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec", _FLAGS),
}


@dataclass(frozen=True)
class _Pattern:
    langs: frozenset[str]
    kind: Kind
    rx: LazyPattern  # compiled at its first use: most texts need few of the patterns
    needs: frozenset[str] = frozenset()  # keys of NEEDS
    starts: frozenset[str] = frozenset()  # the kinds of place a match starts at (_STARTS)


def _needs(body: str) -> frozenset[str]:
    """What ``body`` requires of a text: every month name and year in the patterns below is
    mandatory where it is written (an optional first month always comes with a last one)."""
    found = set()
    if _YEAR in body:
        found.add("year")
    if "январ" in body:
        found.add("cyr_month")
    if EN_MONTHS[0] in body:
        found.add("en_month")
    return frozenset(found)


# The characters a match can start with, by how its body begins. Put first as a lookahead,
# the class lets the engine skip to the next place such a character stands instead of trying
# the whole pattern (and its lookbehind) at every position: about six times faster for a
# pattern that starts with a figure, the same matches.
_FIRST: tuple[tuple[str, str, frozenset[str]], ...] = (
    # how a body begins, the class of its first character, the kinds of start (``_STARTS``)
    (_CYR_RANGE, r"[\dса]", frozenset({"day", "sa"})),  # a day, or с/со/аз before one
    (_DAY, r"\d", frozenset({"day"})),
    (_DAY1, r"\d", frozenset({"day"})),
    (_YEAR, r"\d", frozenset({"year"})),
    (r"(?P<year>\d", r"\d", frozenset({"iso"})),  # 2022-05-01
    (r"(?P<day>\d", r"\d", frozenset({"dotted"})),  # 01.05.2022
    (r"(?<=(?:in|since", r"\d", frozenset({"year"})),  # a lookbehind, then the year
    (_EN_MONTH, "[jfmasond]", frozenset({"en"})),
    (_EN_MONTH1, "[jfmasond]", frozenset({"en"})),
    (_CYR_MONTH, "[яфмаисонд]", frozenset({"cyr"})),
    (_CYR_MONTH1, "[яфмаисонд]", frozenset({"cyr"})),
    (r"(?:моҳи\s+)?", "[яфмаисонд]", frozenset({"cyr", "moh"})),  # моҳи or the month itself
    ("соли", "с", frozenset({"soli"})),
)


# Where a match of an absolute pattern can start (each begins, after the boundary, with a
# figure, a month name, "моҳи", "соли" or "с"/"со"/"аз" before a figure; see ``_FIRST``): one
# scan finds these places, by kind, and each pattern is tried only at the places of its kinds
# rather than scanning the whole text. The tails are lookaheads so "с 14" gives "с" and "14".
_STARTS = regex.compile(
    # the first characters of every kind, as a lookahead: the engine skips to them
    "(?=[\\dяфмаисондjfmasond])"
    + _B
    + "(?:(?P<digit>\\d+)|(?P<cyr>"
    + "|".join(m if m != _MAY else "ма[йяею]" for m in CYR_MONTHS)
    + ")|(?P<moh>моҳи(?=\\s))|(?P<soli>соли(?=\\s))|(?P<sa>(?:со|с|аз)(?=\\s+\\d))"
    + "|(?P<en>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))",
    _FLAGS,
)
_START_KINDS = frozenset({"digit", "cyr", "moh", "soli", "sa", "en"})
# A figure starts a day only as a run of one or two (``[0-3]?\d`` is never followed by a
# figure), a year only as a run of four beginning 18, 19 or 20, an ISO date as a run of four
# and a hyphen, a dotted date as a run of one or two and a full stop: so a pattern starting
# with a day is not tried at "2022" nor at "No. 12345".
_DIGIT_KINDS = frozenset({"day", "dotted", "iso", "year"})


def candidate_starts(text: str) -> dict[str, list[int]]:
    """The places of ``text`` where a match can start, by kind, each list ascending."""
    found: dict[str, list[int]] = {kind: [] for kind in _START_KINDS | _DIGIT_KINDS}
    for m in _STARTS.finditer(text):
        kind, start = m.lastgroup, m.start()
        found[kind].append(start)
        if kind != "digit":
            continue
        run, after = m.group(), text[m.end() : m.end() + 1]
        if len(run) <= 2:
            if after == ".":
                found["dotted"].append(start)
            if len(run) == 1 or run[0] in "0123":
                found["day"].append(start)
        elif len(run) == 4:
            if after == "-":
                found["iso"].append(start)
            if run[:2] in ("18", "19", "20"):
                found["year"].append(start)
    return found


def starts_for(kinds: frozenset[str], found: dict[str, list[int]]) -> list[int]:
    """The places a pattern starting with one of ``kinds`` is tried at, ascending."""
    if len(kinds) == 1:
        return found[next(iter(kinds))]
    return sorted(p for kind in kinds for p in found[kind])


def matches_at(
    rx: regex.Pattern[str] | LazyPattern, text: str, starts: list[int]
) -> Iterator[regex.Match[str]]:
    """What ``rx.finditer(text)`` yields, trying ``rx`` only at ``starts`` (ascending, every
    place a match can start): a match is followed by the next start at or after its end."""
    end = 0
    for start in starts:
        if start < end:
            continue
        m = rx.match(text, start)
        if m is not None:
            end = m.end()
            yield m


def _first(body: str) -> tuple[str, frozenset[str]]:
    """A lookahead for the first character of a match of ``body`` and the kinds of place it
    starts at; nothing and every kind when the body begins otherwise."""
    return next(
        ((f"(?={first})", kinds) for start, first, kinds in _FIRST if body.startswith(start)),
        ("", _START_KINDS),
    )


def _p(langs: str, kind: Kind, body: str) -> _Pattern:
    lookahead, starts = _first(body)
    rx = LazyPattern(lookahead + _B + body + _E, _FLAGS)
    return _Pattern(frozenset(langs.split()), kind, rx, _needs(body), starts)


PATTERNS: tuple[_Pattern, ...] = (
    # 14–16 сентября 2022 года · с 14 по 16 сентября 2022 г. · 4–5 августи соли 2022
    _p(
        "ru tg ky",
        "range",
        rf"{_CYR_RANGE}[\s,]+(?:соли\s+)?{_YEAR}(?:{_RU_YEAR_WORD}|{_KY_YEAR_WORD}|\s*с\.)?",
    ),
    # 2023-жылдын 17-21-май күндөрү · 2015-жылдын 8–13-июлунда
    _p("ky", "range", rf"{_YEAR}{_KY_YEAR_WORD}\s+{_CYR_RANGE}(?:\s+күндөрү{_L}*)?"),
    # 2022-жылдын 10-октябрынан 21-октябрына чейин
    _p("ky", "range", rf"{_YEAR}{_KY_YEAR_WORD}\s+{_KY_RANGE}"),
    # 14–16 September 2022 · September 14–16, 2022 · Sept. 14-16, 2022
    _p("en", "range", rf"{_EN_RANGE_DMY},?\s+{_YEAR}"),
    _p("en", "range", rf"{_EN_RANGE_MDY},?\s+{_YEAR}"),
    _p("ru ky tg en", "iso", r"(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d)"),
    _p("ru ky tg en", "dotted", r"(?P<day>\d\d?)\.(?P<month>\d\d?)\.(?P<year>\d{4})"),
    # 17 сентября 2022 года · 14 сентябри соли 2022 · 14-уми сентябри 2022
    _p(
        "ru tg ky",
        "dmy",
        rf"{_DAY}(?:-?(?:уми|ум|го|е|ого))?(?:\s*-\s*|\s+)(?:моҳи\s+)?{_CYR_MONTH}[\s,]+"
        rf"(?:соли\s+)?{_YEAR}(?:{_RU_YEAR_WORD}|{_KY_YEAR_WORD}|\s*с\.)?",
    ),
    # 2022-жылдын 14-сентябрында · 2022-жылы 14-сентябрда
    _p("ky", "dmy", rf"{_YEAR}{_KY_YEAR_WORD}\s+{_DAY}\s*-\s*{_CYR_MONTH}"),
    # Sept. 14, 2022 · September 14th, 2022 · 14 September 2022
    _p("en", "dmy", rf"{_EN_MONTH}\s+{_DAY}(?:st|nd|rd|th)?,?\s+{_YEAR}"),
    _p("en", "dmy", rf"{_DAY}(?:st|nd|rd|th)?\s+(?:of\s+)?{_EN_MONTH},?\s+{_YEAR}"),
    # апреле 2021 года · моҳи апрели соли 2021 · 2021-жылдын апрелинде · April 2021
    _p("ru tg", "my", rf"(?:моҳи\s+)?{_CYR_MONTH}\s+(?:соли\s+)?{_YEAR}{_RU_YEAR_WORD}?"),
    _p("ky", "my", rf"{_YEAR}{_KY_YEAR_WORD}\s+{_CYR_MONTH}"),
    _p("ky", "my", rf"{_CYR_MONTH}\s+{_YEAR}{_KY_YEAR_WORD}?"),
    _p("en", "my", rf"{_EN_MONTH}\s+(?:of\s+)?{_YEAR}"),
    # в 2019 году · 2019-жылы · соли 2019 · in 2019
    _p("ru", "y", rf"{_YEAR}(?:-?м)?{_RU_YEAR_WORD}"),
    _p("ky", "y", rf"{_YEAR}{_KY_YEAR_WORD}"),
    _p("tg", "y", rf"соли\s+{_YEAR}"),
    _p("en", "y", rf"(?<=(?:in|since|during|by|until|of|from|early|late)\s+){_YEAR}"),
    # day and month, year from the reference: 17 сентября · 14-сентябрда · September 14
    _p("ru tg ky", "dm", rf"{_DAY}(?:-?(?:уми|ум|го|е|ого))?\s*-?\s*{_CYR_MONTH}"),
    _p("en", "dm", rf"{_EN_MONTH}\s+{_DAY}(?:st|nd|rd|th)?"),
    _p("en", "dm", rf"{_DAY}(?:st|nd|rd|th)?\s+(?:of\s+)?{_EN_MONTH}"),
    # day range, year from the reference: 14-16 сентября · September 14–16
    _p("ru tg ky", "rangedm", _CYR_RANGE),
    _p("en", "rangedm", _EN_RANGE_DMY),
    _p("en", "rangedm", _EN_RANGE_MDY),
    _p("ky", "rangedm", _KY_RANGE),
    # a span of months: "April–May 2021" gives its first month, as a day range its first day;
    # one from January is a year-to-date period of statistics ("trade for January–April
    # 2025", «январ–апрели соли 2025»), no event
    _p(
        "ru tg",
        "period",
        rf"(?:моҳи\s+)?{_CYR_MONTH1}{_DASH}{_CYR_MONTH}\s+(?:соли\s+)?{_YEAR}{_RU_YEAR_WORD}?",
    ),
    _p("ky", "period", rf"{_YEAR}{_KY_YEAR_WORD}\s+{_CYR_MONTH1}{_DASH}{_CYR_MONTH}"),
    _p("en", "period", rf"{_EN_MONTH1}{_DASH}{_EN_MONTH},?\s+{_YEAR}"),
)

# Relative expressions: rule name -> phrases per language.
RELATIVE: dict[str, dict[str, tuple[str, ...]]] = {
    "d-2": {
        "ru": ("позавчера",),
        "ky": ("мурдагы күнү", "башка күнү"),
        "tg": ("парерӯз", "парерӯзи"),
        "en": ("the day before yesterday",),
    },
    "d-1": {
        "ru": ("вчера", "вчерашн[\\p{L}]*"),
        "ky": ("кечээ", "кеча"),
        "tg": ("дирӯз", "дируз", "рӯзи гузаштаи?"),
        "en": ("yesterday",),
    },
    "d0": {
        "ru": ("сегодня",),
        "ky": ("бүгүн", "бугун"),
        "tg": ("имрӯз", "имруз"),
        "en": ("today", "this morning"),
    },
    "d+1": {"ru": ("завтра",), "ky": ("эртең",), "tg": ("фардо",), "en": ("tomorrow",)},
    "w-1": {
        "ru": ("на прошлой неделе",),
        "ky": ("өткөн жумада", "өткөн аптада"),
        "tg": ("ҳафтаи гузашта",),
        "en": ("last week",),
    },
    "w0": {
        "ru": ("на этой неделе",),
        "ky": ("ушул жумада", "ушул аптада"),
        "tg": ("ҳамин ҳафта", "ҳафтаи ҷорӣ"),
        "en": ("this week",),
    },
    "m-1": {
        "ru": ("в прошлом месяце",),
        "ky": ("өткөн айда",),
        "tg": ("моҳи гузашта",),
        "en": ("last month",),
    },
    "m0": {
        "ru": ("в этом месяце", "в текущем месяце"),
        "ky": ("ушул айда",),
        "tg": ("моҳи ҷорӣ",),
        "en": ("this month",),
    },
    "y-1": {
        "ru": ("в прошлом году",),
        "ky": ("өткөн жылы",),
        "tg": ("соли гузашта",),
        "en": ("last year",),
    },
    "y0": {
        "ru": ("в этом году", "в текущем году"),
        "ky": ("быйыл", "ушул жылы"),
        "tg": ("имсол", "соли ҷорӣ"),
        "en": ("this year",),
    },
    "y+1": {
        "ru": ("в следующем году", "в будущем году"),
        "ky": ("келерки жылы", "кийинки жылы"),
        "tg": ("соли оянда", "соли оянда"),
        "en": ("next year",),
    },
}
# Weekdays ("on Friday", «в пятницу», «жума күнү» is left out: «жума» is also "week"): the latest
# such day on or before the document's date — reports mostly look back.
_WEEKDAYS = {
    "ru": ("в понедельник", "во вторник", "в среду", "в четверг", "в пятницу", "в субботу",
           "в воскресенье"),
    "ky": ("дүйшөмбүдө", "шейшембиде", "шаршембиде", "бейшембиде", None, "ишембиде",
           "жекшембиде"),
    "tg": ("рӯзи душанбе", "рӯзи сешанбе", "рӯзи чоршанбе", "рӯзи панҷшанбе", "рӯзи ҷумъа",
           "рӯзи шанбе", "рӯзи якшанбе"),
    "en": ("on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday",
           "on Sunday"),
}  # fmt: skip
for _lang, _names in _WEEKDAYS.items():
    for _day, _name in enumerate(_names):
        if _name:
            RELATIVE.setdefault(f"wd{_day}", {})[_lang] = (_name,)


def _relative_patterns() -> tuple[_Pattern, ...]:
    out = []
    for rule, by_lang in RELATIVE.items():
        for lang, phrases in by_lang.items():
            body = "(?:" + "|".join(p.replace(" ", r"\s+") for p in phrases) + ")"
            out.append(_p(lang, rule, body))
    return tuple(out)


REL_PATTERNS = _relative_patterns()


def _any_relative(lang: str | None) -> LazyPattern:
    """One pattern matching wherever some relative pattern of ``lang`` would (the same bodies
    and boundaries, alternated): a text it finds nothing in skips the ~70 of them."""
    bodies = [
        "(?:" + "|".join(p.replace(" ", r"\s+") for p in phrases) + ")"
        for by_lang in RELATIVE.values()
        for phrase_lang, phrases in by_lang.items()
        if lang is None or phrase_lang == lang
    ]
    return LazyPattern(_B + "(?:" + "|".join(bodies) + ")" + _E, _FLAGS)


ANY_RELATIVE = {lang: _any_relative(lang) for lang in (None, "ru", "ky", "tg", "en")}
