"""Dates mentioned in news text, in Russian, Kyrgyz, Tajik and English, kept at their precision.

A report saying a festival was held "в апреле 2021 года" dates it to a month, not to 1 April;
"вчера" means one day before the article appeared. So every mention becomes a
:class:`~lowpolitics.framework.dates.PartialDate` of the precision the text gave, and relative
expressions are resolved only against an explicit ``reference`` (the publication date) — with
no reference they are skipped rather than guessed from today's clock.

Relative rules (the reference day is R):

* day precision only for a named day: вчера/кечээ/кеча/дирӯз/yesterday = R-1,
  сегодня/бүгүн/имрӯз/today = R, позавчера/мурдагы күнү/парерӯз = R-2, завтра/эртең/фардо = R+1;
* "на прошлой неделе" (өткөн жумада, ҳафтаи гузашта, last week): PartialDate has no week, so
  the result is the narrowest PartialDate covering Monday–Sunday of that week — its month when
  the week lies in one month, else its year; a week spanning New Year gets the year of its
  Thursday (the ISO week-year), the one imprecision we accept;
* "в прошлом месяце" etc.: month precision; "в прошлом году", "быйыл", "соли гузашта": year;
* a day and month without a year ("17 сентября") take R's year, or the year before when that
  would put the date more than 31 days after R (news reports the past); flagged ``relative``.

A day range ("14–16 сентября 2022 года", "с 14 по 16 сентября", "September 14–16, 2022",
"2023-жылдын 17-21-май күндөрү", "аз 29 апрел то 1 майи 2021") is one mention: its ``date`` is
the first day, its ``end_date`` the last, and its span the whole range. The year written once
belongs to the last day; the first day takes the year before when its month comes later
("29 декабря – 2 января 2023"). A range without a year resolves its last day by the rule above.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import regex

from lowpolitics.framework.dates import PartialDate

__all__ = ["DateMention", "event_date", "event_mention", "extract_dates"]

# "май" takes only its own endings: a free tail would read "майрамы 2022-жылы" (the 2022
# holiday) as May 2022.
_MAY = "ма(?:йында|йынын|йынан|йына|йдын|йдан|йга|йда|йы|йи|й|я|е|ю|ем)(?![\\p{L}])"
# Month stems shared by Russian, Kyrgyz and Tajik (all borrow the Russian names); the inflection
# tail (сентября, сентябрында, сентябри, моҳи майи) is any run of letters after the stem.
_CYR_MONTHS = (
    "январ", "феврал", "март", "апрел", _MAY, "июн", "июл", "август",
    "сентябр", "октябр", "ноябр", "декабр",
)  # fmt: skip
_EN_MONTHS = (
    "jan(?:uary)?", "feb(?:ruary)?", "mar(?:ch)?", "apr(?:il)?", "may", "june?", "july?",
    "aug(?:ust)?", "sep(?:t(?:ember)?)?", "oct(?:ober)?", "nov(?:ember)?", "dec(?:ember)?",
)  # fmt: skip
_L = r"[\p{L}\p{M}]"
_CYR_MONTH = "(?P<month>(?:" + "|".join(_CYR_MONTHS) + rf"){_L}{{0,8}})"
_EN_MONTH = "(?P<month>" + "|".join(_EN_MONTHS) + r")\.?"
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
_KY_MONTH1 = "(?P<month1>(?:" + "|".join(_CYR_MONTHS[:4] + ("май",) + _CYR_MONTHS[5:]) + ")"
_KY_MONTH1 += rf"{_L}{{0,5}}?{_KY_ABL})"
_KY_RANGE = rf"{_DAY1}\s*-\s*{_KY_MONTH1}\s+{_DAY}\s*-\s*{_CYR_MONTH}\s+чейин"

Kind = str  # "dmy" | "my" | "y" | "range" | "rangedm" | a relative rule name


_FLAGS = regex.IGNORECASE | regex.VERSION1
# What a pattern cannot match without: a year in figures, a Russian/Kyrgyz/Tajik month name,
# an English one. Each is looked for once in a text (with the patterns' own flags, so case
# folding agrees); a pattern whose need is absent is not run. Most of the time of reading
# dates went into trying thirty patterns at every position of texts that name no month.
_NEEDS: dict[str, regex.Pattern[str]] = {
    "year": regex.compile(r"(?:1[89]|20)\d\d", _FLAGS),
    "cyr_month": regex.compile(
        "|".join(m if m != _MAY else "ма[йяею]" for m in _CYR_MONTHS), _FLAGS
    ),
    "en_month": regex.compile("jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec", _FLAGS),
}


@dataclass(frozen=True)
class _Pattern:
    langs: frozenset[str]
    kind: Kind
    rx: regex.Pattern[str]
    needs: frozenset[str] = frozenset()  # keys of _NEEDS
    starts: frozenset[str] = frozenset()  # the kinds of place a match starts at (_STARTS)


def _needs(body: str) -> frozenset[str]:
    """What ``body`` requires of a text: every month name and year in the patterns below is
    mandatory where it is written (an optional first month always comes with a last one)."""
    found = set()
    if _YEAR in body:
        found.add("year")
    if "январ" in body:
        found.add("cyr_month")
    if _EN_MONTHS[0] in body:
        found.add("en_month")
    return frozenset(found)


# The characters a match can start with, by how its body begins. Put first as a lookahead,
# the class lets the engine skip to the next place such a character stands instead of trying
# the whole pattern (and its lookbehind) at every position: about six times faster for a
# pattern that starts with a figure, the same matches.
_FIRST: tuple[tuple[str, str, frozenset[str]], ...] = (
    # how a body begins, the class of its first character, the kinds of start (``_STARTS``)
    (_CYR_RANGE, r"[\dса]", frozenset({"digit", "sa"})),  # a figure, or с/со/аз before one
    (_DAY, r"\d", frozenset({"digit"})),
    (_DAY1, r"\d", frozenset({"digit"})),
    (_YEAR, r"\d", frozenset({"digit"})),
    (r"(?P<year>\d", r"\d", frozenset({"digit"})),
    (r"(?P<day>\d", r"\d", frozenset({"digit"})),
    (r"(?<=(?:in|since", r"\d", frozenset({"digit"})),  # a lookbehind, then the year
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
    _B
    + "(?:(?P<digit>\\d)|(?P<cyr>"
    + "|".join(m if m != _MAY else "ма[йяею]" for m in _CYR_MONTHS)
    + ")|(?P<moh>моҳи(?=\\s))|(?P<soli>соли(?=\\s))|(?P<sa>(?:со|с|аз)(?=\\s+\\d))"
    + "|(?P<en>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))",
    _FLAGS,
)
_START_KINDS = frozenset({"digit", "cyr", "moh", "soli", "sa", "en"})


def _candidate_starts(text: str) -> dict[str, list[int]]:
    """The places of ``text`` where a match can start, by kind, each list ascending."""
    found: dict[str, list[int]] = {kind: [] for kind in _START_KINDS}
    for m in _STARTS.finditer(text):
        found[m.lastgroup].append(m.start())
    return found


def _starts_for(kinds: frozenset[str], found: dict[str, list[int]]) -> list[int]:
    """The places a pattern starting with one of ``kinds`` is tried at, ascending."""
    if len(kinds) == 1:
        return found[next(iter(kinds))]
    return sorted(p for kind in kinds for p in found[kind])


def _matches(rx: regex.Pattern[str], text: str, starts: list[int]) -> Iterator[regex.Match[str]]:
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
    rx = regex.compile(lookahead + _B + body + _E, _FLAGS)
    return _Pattern(frozenset(langs.split()), kind, rx, _needs(body), starts)


_PATTERNS: tuple[_Pattern, ...] = (
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
_RELATIVE: dict[str, dict[str, tuple[str, ...]]] = {
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
            _RELATIVE.setdefault(f"wd{_day}", {})[_lang] = (_name,)


def _relative_patterns() -> tuple[_Pattern, ...]:
    out = []
    for rule, by_lang in _RELATIVE.items():
        for lang, phrases in by_lang.items():
            body = "(?:" + "|".join(p.replace(" ", r"\s+") for p in phrases) + ")"
            out.append(_p(lang, rule, body))
    return tuple(out)


_REL_PATTERNS = _relative_patterns()


def _any_relative(lang: str | None) -> regex.Pattern[str]:
    """One pattern matching wherever some relative pattern of ``lang`` would (the same bodies
    and boundaries, alternated): a text it finds nothing in skips the ~70 of them."""
    bodies = [
        "(?:" + "|".join(p.replace(" ", r"\s+") for p in phrases) + ")"
        for by_lang in _RELATIVE.values()
        for phrase_lang, phrases in by_lang.items()
        if lang is None or phrase_lang == lang
    ]
    return regex.compile(_B + "(?:" + "|".join(bodies) + ")" + _E, _FLAGS)


_ANY_RELATIVE = {lang: _any_relative(lang) for lang in (None, "ru", "ky", "tg", "en")}


@dataclass(frozen=True)
class DateMention:
    """One date in a text: the date at its precision and where it was written.

    For a day range ``date`` is the first day and ``end_date`` the last (``None`` otherwise);
    ``start``/``end`` are the span of the whole mention in the text.
    """

    date: PartialDate
    start: int
    end: int
    text: str
    relative: bool = False
    end_date: PartialDate | None = None
    period: bool = False  # months from January ("January–April 2025"): statistics, no event


@lru_cache(maxsize=1024)
def _month_number(token: str) -> int:
    low = token.casefold().rstrip(".")
    if low.isascii() and low.isdigit():
        return int(low)
    for i, stem in enumerate(_CYR_MONTHS, start=1):
        if regex.match(stem, low):
            return i
    for i, stem in enumerate(_EN_MONTHS, start=1):
        if regex.fullmatch(stem, low):
            return i
    raise ValueError(token)


def _covering(first: date, last: date) -> PartialDate:
    """The narrowest PartialDate covering ``first``..``last`` (see the week rule above)."""
    if (first.year, first.month) == (last.year, last.month):
        return PartialDate(first.year, first.month)
    if first.year == last.year:
        return PartialDate(first.year)
    return PartialDate((first + timedelta(days=3)).year)


def _shift_month(ref: date, months: int) -> PartialDate:
    index = ref.year * 12 + ref.month - 1 + months
    return PartialDate(index // 12, index % 12 + 1)


def _resolve(rule: str, ref: date) -> PartialDate:
    if rule.startswith("wd"):
        day = ref - timedelta(days=(ref.weekday() - int(rule[2:])) % 7)
        return PartialDate(day.year, day.month, day.day)
    unit, offset = rule[0], int(rule[1:])
    if unit == "d":
        day = ref + timedelta(days=offset)
        return PartialDate(day.year, day.month, day.day)
    if unit == "w":
        monday = ref - timedelta(days=ref.weekday()) + timedelta(weeks=offset)
        return _covering(monday, monday + timedelta(days=6))
    if unit == "m":
        return _shift_month(ref, offset)
    return PartialDate(ref.year + offset)


def _day_month(day: int, month: int, ref: date) -> PartialDate | None:
    for year in (ref.year, ref.year - 1):
        if day > calendar.monthrange(year, month)[1]:
            continue
        if year == ref.year - 1 or date(year, month, day) <= ref + timedelta(days=31):
            return PartialDate(year, month, day)
    return None


def _build(
    kind: Kind, m: regex.Match[str], ref: date | None, year_from: date | None = None
) -> PartialDate | None:
    try:
        if kind in _REL_RULES:
            return _resolve(kind, ref) if ref else None
        month = _month_number(m["month"]) if kind != "y" else None
        if kind == "dm":
            ref = ref or year_from
            return _day_month(int(m["day"]), month, ref) if ref and month else None
        year = int(m["year"])
        if kind == "y":
            return PartialDate(year)
        if kind == "my":
            return PartialDate(year, month)
        if kind == "period":
            return PartialDate(year, _month_number(m["month1"]))
        return PartialDate(year, month, int(m["day"]))
    except ValueError:  # 31 февраля, 2022-13-01: not a date
        return None


_REL_RULES = frozenset(_RELATIVE)
_DIGIT = regex.compile(r"\d")


def _build_range(
    kind: Kind, m: regex.Match[str], ref: date | None, year_from: date | None = None
) -> tuple[PartialDate, PartialDate] | None:
    """First and last day of a range; ``None`` when either is no date or they are out of order."""
    ref = ref or year_from
    try:
        last_month = _month_number(m["month"] or m["month1"])
        first_month = _month_number(m["month1"] or m["month"])
        if kind == "rangedm":
            last = _day_month(int(m["day"]), last_month, ref) if ref else None
            if last is None:
                return None
        else:
            last = PartialDate(int(m["year"]), last_month, int(m["day"]))
        first = PartialDate(last.year - (first_month > last_month), first_month, int(m["day1"]))
    except ValueError:  # 30–31 февраля 2022: not a range
        return None
    return (first, last) if first < last else None


def extract_dates(
    text: str,
    lang: str | None = None,
    reference: date | None = None,
    year_from: date | None = None,
) -> list[DateMention]:
    """All dates in ``text``, in reading order, without overlaps.

    Every pattern of ``lang`` (all four languages when ``None``) is tried; where matches
    overlap, the longest wins, so "17 сентября 2022 года" is one day, not a day plus a month
    plus a year. Relative mentions need ``reference`` and are skipped without it;
    ``year_from`` (a date the text itself gives) lends its year to a day and month written
    without one when there is no ``reference`` — never to "вчера" or "last week".
    """
    found: list[tuple[int, int, Kind, regex.Match[str]]] = []
    # every absolute pattern has a day or a year in figures, and relative mentions cannot be
    # dated without a reference: a text without digits, or without a reference, skips them;
    # so does one where no relative phrase of the language occurs at all
    any_relative = _ANY_RELATIVE.get(lang)
    relative = reference is not None and (any_relative is None or any_relative.search(text))
    scanned = (_PATTERNS if _DIGIT.search(text) else ()) + (_REL_PATTERNS if relative else ())
    present: dict[str, bool] = {}
    starts: dict[str, list[int]] | None = None
    for pattern in scanned:
        if lang is not None and lang not in pattern.langs:
            continue
        for need in pattern.needs:
            if need not in present:
                present[need] = _NEEDS[need].search(text) is not None
            if not present[need]:
                break
        else:
            if pattern.kind in _REL_RULES:
                matches = pattern.rx.finditer(text)
            else:
                if starts is None:
                    starts = _candidate_starts(text)
                matches = _matches(pattern.rx, text, _starts_for(pattern.starts, starts))
            for m in matches:
                found.append((m.start(), m.end(), pattern.kind, m))
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    taken: list[tuple[int, int]] = []
    mentions: list[DateMention] = []
    for start, end, kind, m in found:
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            continue
        taken.append((start, end))  # even if void: "31 февраля 2022" is not February 2022
        last = None
        if kind in ("range", "rangedm"):
            built = _build_range(kind, m, reference, year_from)
            value, last = built if built else (None, None)
        else:
            value = _build(kind, m, reference, year_from)
        if value is None:
            continue
        relative = kind in _REL_RULES or kind in ("dm", "rangedm")
        period = kind == "period"
        mentions.append(
            DateMention(
                value, start, end, text[start:end], relative, last, period and value.month == 1
            )
        )
    return sorted(mentions, key=lambda d: d.start)


_RANK: dict[str, int] = {"day": 0, "month": 1, "year": 2}
# "«Рубеж-2022»", "CAFA-2025", "«Нерушимое братство — 2022»": a year joined to a name by a dash
# is the year of that exercise, festival or championship
_NAME_YEAR = regex.compile(r"(?<=[\p{L}»\"”])\s?[\-–—]\s?(?P<year>(?:19|20)\d\d)(?![\p{N}])")


def _year_from(text: str, mentions: list[DateMention], reported: dict[int, str]) -> date | None:
    """The day a text without a document date lends its year from: the time of its report (the
    latest date somebody spoke or wrote on), else the latest date written with a year, else a
    year joined to an event's name. ``None`` when the text gives no year."""
    said = [m.date.end for m in mentions if m.start in reported]
    if said:
        return max(said)
    full = [m.date.end for m in mentions if not m.relative]
    if full:
        return max(full)
    years = [int(m["year"]) for m in _NAME_YEAR.finditer(text)]
    return date(max(years), 12, 31) if years else None


def event_mention(
    text: str, lang: str | None = None, reference: date | None = None, skip_before: int = 0
) -> DateMention | None:
    """The mention of the date an item most likely reports: the most specific one, the first
    on a tie; mentions starting before ``skip_before`` (a dateline) are not candidates.

    Precision decides before position because a news lead often frames an event ("в 2022 году
    стороны договорились…") and only then gives its day; among equally precise mentions the
    first wins, since leads put the event's own date before background dates.

    The date a report was published ("Kabar reported on November 14") is never a candidate, and
    the date somebody spoke on ("said on", «заявил 17 февраля», «… гуфт, ки») loses a tie to
    any other date as precise, and to any later one (what was announced for May is the news,
    not the February day it was announced) — a statement is the news only when nothing else is
    dated (see
    :mod:`lowpolitics.text.attribution`); so does a bound ("until 25 September", «до 2030 года»,
    «25-сентябрга чейин»). Without a ``reference`` a day and month written
    without a year take it from the text: from the report's date, else its latest full date,
    else a year in an event's name ("26-мартта" beside "2025-жылдын 13-мартында" is 26 March
    2025). ``None`` when the text names no date.
    """
    from lowpolitics.text.attribution import (
        PUBLISHED,
        SAID,
        is_background,
        is_bound,
        report_kind,
    )

    def kinds(found: list[DateMention]) -> dict[int, str]:
        out = {m.start: report_kind(text, m.start, m.end, lang) for m in found}
        for m in found:  # an outlet publishes on a day; "reported in 2021" is when people spoke
            if out[m.start] == PUBLISHED and m.date.precision != "day":
                out[m.start] = SAID
        return {start: kind for start, kind in out.items() if kind}

    mentions = extract_dates(text, lang, reference)
    reported = kinds(mentions)
    if reference is None:
        said_on = [m.date for m in mentions if m.start in reported and m.date.precision == "day"]
        if said_on:  # the day of the report dates the document: «рӯзи гузашта» is the day before
            mentions = extract_dates(text, lang, max(said_on).start)
            reported = kinds(mentions)
        else:
            lent = _year_from(text, mentions, reported)
            if lent is not None:
                mentions = extract_dates(text, lang, None, year_from=lent)
                reported = kinds(mentions)
    mentions = [
        m
        for m in mentions
        if m.start >= skip_before
        and reported.get(m.start) != PUBLISHED
        and not m.period
        and not is_background(text, m.start, m.end)
    ]
    if not mentions:
        return None
    bounds = {m.start for m in mentions if m.end_date is None and is_bound(text, m.start, m.end)}
    plain = [m for m in mentions if m.start not in reported and m.start not in bounds]
    # what somebody announced for later is the event, not the day it was announced
    mentions = [
        m
        for m in mentions
        if m.start not in reported or not any(p.date.start > m.date.end for p in plain)
    ]
    weak = bounds | set(reported)
    return min(mentions, key=lambda d: (_RANK[d.date.precision], d.start in weak, d.start))


def event_date(
    text: str, lang: str | None = None, reference: date | None = None
) -> PartialDate | None:
    """The date an item most likely reports (see :func:`event_mention`)."""
    mention = event_mention(text, lang, reference)
    return mention.date if mention else None
