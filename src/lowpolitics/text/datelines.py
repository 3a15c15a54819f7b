"""Datelines: "БИШКЕК, 12 марта —", "ДУШАНБЕ, 12.03.2023 –", "KHUJAND, March 12 (Asia-Plus) —".

A news item often opens with the place it was filed from and the day it was published. Neither
is the event: the dateline's date is the *document's* date (the reference for "вчера" or a
year-less "18-апрелде"), and its place is where the reporter sat. So the pipeline reads the
dateline first, takes its date as the reference when none was given, and leaves its span out of
the event's date and places.

One exception (:func:`dateline_mention`): a dated report that gives no other date reports what
happened that day or just before it — "БИШКЕК, 8 июля 2025 — В Ошской области вновь заработали
КПП…", «ДУШАНБЕ, 30 апрели 2021 — Президенти Қирғизистон … муроҷиат кард». Its event is dated
by the dateline, at the dateline's precision; an undated event is not left undated when the
report itself says when it was written. The dateline's place stays out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import regex

if TYPE_CHECKING:
    from lowpolitics.text.dates import DateMention

__all__ = ["Dateline", "dateline_mention", "find_dateline"]

# An opening place (one to three words, first letter capital; often all capitals), a comma, a
# short stretch with a figure in it (the date, maybe an agency in brackets), then a dash.
_DATELINE = regex.compile(
    r"\A\s*(?P<place>\p{Lu}[\p{L}\-’']+(?:[ \-]\p{Lu}[\p{L}\-’']+){0,2})\s*,\s*"
    r"(?P<when>[^\n—–]{0,40}?\d[^\n—–]{0,40}?)\s*(?:\([^)\n]{1,40}\)\s*)?(?:—|–|-\s|\s-)\s*",
    regex.VERSION1,
)


_SHORT_DATE = regex.compile(r"(?<!\d)(\d\d?)\.(\d\d)\.(\d\d)(?!\d)")


@dataclass(frozen=True)
class Dateline:
    start: int
    end: int  # where the report proper begins
    place: str
    place_start: int
    place_end: int
    date: date | None  # the publication day when the dateline gives one in full


def find_dateline(
    text: str, lang: str | None = None, reference: date | None = None
) -> Dateline | None:
    """The dateline at the start of ``text``, or ``None``. Its date is resolved against
    ``reference`` when it lacks a year ("12 марта")."""
    m = _DATELINE.match(text)
    if m is None:
        return None
    from lowpolitics.text.dates import extract_dates

    mentions = extract_dates(m["when"], lang, reference)
    short = _SHORT_DATE.search(m["when"])
    if not mentions and short:  # "Бишкек, 16.07.19 —": a dateline writes the year in two figures
        try:
            when = date(2000 + int(short[3]), int(short[2]), int(short[1]))
        except ValueError:
            return None
        return Dateline(m.start(), m.end(), m["place"], m.start("place"), m.end("place"), when)
    day = None
    if mentions and mentions[0].date.precision == "day":
        day = mentions[0].date.start
    if day is None and not mentions:
        return None  # a figure but no date: "Rahmon, 70, said —" is no dateline
    return Dateline(m.start(), m.end(), m["place"], m.start("place"), m.end("place"), day)


def dateline_mention(text: str, line: Dateline | None) -> DateMention | None:
    """The event date a report without any other date takes from its dateline (see the module
    docstring): the dateline's day, with the dateline's words as evidence; ``None`` without a
    dated dateline."""
    if line is None or line.date is None:
        return None
    from lowpolitics.framework.dates import PartialDate
    from lowpolitics.text.dates import DateMention

    day = PartialDate(line.date.year, line.date.month, line.date.day)
    term = text[line.start : line.end].rstrip(" —–-")
    return DateMention(day, line.start, line.start + len(term), term)
