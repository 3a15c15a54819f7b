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
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import regex

from lowpolitics.framework.dates import PartialDate
from lowpolitics.text.date_patterns import (
    ANY_RELATIVE,
    CYR_MONTHS,
    EN_MONTHS,
    NEEDS,
    PATTERNS,
    REL_PATTERNS,
    RELATIVE,
    Kind,
    candidate_starts,
    matches_at,
    starts_for,
)

__all__ = ["DateMention", "event_date", "event_mention", "extract_dates"]


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
    for i, stem in enumerate(CYR_MONTHS, start=1):
        if regex.match(stem, low):
            return i
    for i, stem in enumerate(EN_MONTHS, start=1):
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


_REL_RULES = frozenset(RELATIVE)
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


_Found = tuple[int, int, Kind, regex.Match[str]]


@lru_cache(maxsize=8)
def _absolute_matches(text: str, lang: str | None) -> tuple[_Found, ...]:
    """The matches of the absolute patterns, which depend on neither reference: remembered for
    the last few texts, since the event's date reads a text up to three times (once plain,
    once more with the year or the day of its report) and the dateline once before."""
    if not _DIGIT.search(text):
        return ()
    found: list[_Found] = []
    present: dict[str, bool] = {}
    starts: dict[str, list[int]] | None = None
    for pattern in PATTERNS:
        if lang is not None and lang not in pattern.langs:
            continue
        for need in pattern.needs:
            if need not in present:
                present[need] = NEEDS[need].search(text) is not None
            if not present[need]:
                break
        else:
            if starts is None:
                starts = candidate_starts(text)
            for m in matches_at(pattern.rx, text, starts_for(pattern.starts, starts)):
                found.append((m.start(), m.end(), pattern.kind, m))
    return tuple(found)


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
    # every absolute pattern has a day or a year in figures, and relative mentions cannot be
    # dated without a reference: a text without digits, or without a reference, skips them;
    # so does one where no relative phrase of the language occurs at all
    found = list(_absolute_matches(text, lang))
    any_relative = ANY_RELATIVE.get(lang)
    if reference is not None and (any_relative is None or any_relative.search(text)):
        for pattern in REL_PATTERNS:
            if lang is None or lang in pattern.langs:
                matches = pattern.rx.finditer(text)
                found.extend((m.start(), m.end(), pattern.kind, m) for m in matches)
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

    said: dict[tuple[int, int], str | None] = {}  # a span's kind, read once per text

    def kind(start: int, end: int) -> str | None:
        if (start, end) not in said:
            said[(start, end)] = report_kind(text, start, end, lang)
        return said[(start, end)]

    def kinds(found: list[DateMention]) -> dict[int, str]:
        out = {m.start: kind(m.start, m.end) for m in found}
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
