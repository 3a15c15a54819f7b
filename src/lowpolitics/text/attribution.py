"""Dates that are not the event's: those of the report ("Kabar reported on November 14, 2022",
"told a briefing in February 2021", «28 января 2022 года пограничники сообщили…», «сообщила 25
июня пресс-служба», «15 феврали соли 2021 … дар брифинг гуфт, ки…», «… 26-июлда маалымдады»),
bounds ("until 25 September"), the start of a duration ("since 2002"), the baseline of a
comparison and the year of a census (:func:`is_bound`, :func:`is_background`).

Such a date says when somebody spoke or wrote. It dates the *document* — like a dateline, it is
the reference for a year-less "May 15" or «вечером 27 января» — but what was reported happened
at another time, which the text gives elsewhere or not at all. So the event date is never taken
from it.

The test is grammatical, in a clause: the stretch of the sentence between clause breaks (full
stop, semicolon, colon, "that" — «что», «ки», «деп»). Russian, Kyrgyz and Tajik put the time of
speaking before the speech verb ("DATE X сообщили", "X DATE … гуфт") or right after it
("сообщила 25 июня"); a date after the verb and further on is what was reported ("сообщили о
стрельбе 27 января"). English puts it after the verb, behind "on" or "in", with no other verb
between ("reported from Bishkek on …", but not "said after the agreement was signed on …").
"""

from __future__ import annotations

import regex

__all__ = ["PUBLISHED", "SAID", "is_background", "is_bound", "report_kind"]

SAID = "said"  # somebody spoke: the statement may be the news, so its date is a fallback
PUBLISHED = "published"  # an outlet reported: the day of the report, never the event's

_F = regex.IGNORECASE | regex.VERSION1
_SPEECH = {
    "ru": regex.compile(
        r"(?<![\p{L}])(?:сообщ(?:ил|ила|ило|или|ает|ают)|заяв(?:ил|ила|или|ляет|ляют)"
        r"|рассказал[аи]?|объявил[аи]?|передал[аи]?|переда[её]т|информирует|информировал[аи]?"
        r"|пишет|написал[аи]?|уточнил[аи]?|подчеркнул[аи]?|сообщено|объявлено|заявлено)"
        r"(?![\p{L}])",
        _F,
    ),
    "ky": regex.compile(
        r"(?<![\p{L}])(?:билдир(?:ди|шти)|маалымда(?:ды|шты)|айт(?:ты|кан|ышты)"
        r"|кабарла(?:ды|шты)|жарыяла(?:ды|шты)|түшүндүр(?:дү|үштү)"
        r"|билдирилди|маалымдалды|жарыяланды|айтылды)(?![\p{L}])",
        _F,
    ),
    "tg": regex.compile(
        r"(?<![\p{L}])(?:хабар\s+(?:дод|доданд|додааст)|гуфт(?:ааст|анд|аанд)?"
        r"|иброз\s+(?:дошт|доштааст|доштанд)|изҳор\s+(?:дошт|кард|намуд|доштанд|карданд)"
        r"|иттилоъ\s+(?:дод|доданд)|эълон\s+(?:кард|карданд|намуд|шуд|гардид)"
        r"|маълум\s+(?:кард|намуд|шуд))"
        r"(?![\p{L}])",
        _F,
    ),
}
# English: a speech verb, then on/in right before the date, no clause break or event verb
_EN_SPEECH = regex.compile(
    r"(?<![\p{L}])(?:reported|reports|said|says|told|announced|stated|wrote|informed|quoted"
    r"|cited|briefed)(?![\p{L}])(?P<between>[^.;:!?]{0,80}?)(?<![\p{L}])(?:on|in)\s+$",
    _F,
)
_PUBLISHING = regex.compile(
    r"^(?:reported|reports|сообща(?:ет|ют)|переда(?:ет|ёт|ют)|пиш(?:ет|ут))$", _F
)
_EN_NOT_BETWEEN = regex.compile(
    r"(?<![\p{L}])(?:after|before|when|that|which|who|was|were|had|has|have|been|is|are"
    r"|since|during|while|signed|held|met|took|opened|closed|said|told)(?![\p{L}])",
    _F,
)
# clause breaks: sentence and clause punctuation, "что"/"ки"/"деп" introducing the speech
_BREAK = regex.compile(r"[.;:!?\n]\s|[.;:!?]$|(?<![\p{L}])(?:что|ки|деп|that)(?![\p{L}])", _F)
# Russian clauses also end at a comma or a dash: in «Перестрелка произошла 27 января, сообщили
# в погранслужбе» the date is the event's. Kyrgyz and Tajik set names off with commas (an
# appositive between the date and the verb), so there a participle or a finite verb between the
# date and the speech verb ends the time of speaking instead: «27-январда болгон атышуу тууралуу
# билдирди», «20-апрелде өтөрүн билдирди», «13 марти соли 2025 имзо шуда … гуфт» report a dated
# event. A Kyrgyz content clause closed by «деп» is a clause of its own.
_RU_BREAK = regex.compile(r"[,—–]")
_VERB_BETWEEN = regex.compile(
    r"(?<=\p{L}{2})(?:ган|кан|гон|кон|ген|кен|гөн|көн)\p{L}{0,3}(?![\p{L}])"
    r"|(?<=\p{L}{2})(?:[аеоө]р|аар|ээр|оор|өөр)(?:ын|ин|ун|үн)(?![\p{L}])"
    r"|(?<![\p{L}])(?:шуда|шуд|гардида|гардид|карда|кард|буд|буданд|дошт|аст)(?![\p{L}])",
    _F,
)
_ADJACENT = 3  # "сообщила 25 июня": a date right after the verb is still the time of speaking


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around ``text[start:end]``: from the last break before to the next after."""
    left = 0
    for m in _BREAK.finditer(text, 0, start):
        left = m.end()
    right = _BREAK.search(text, end)
    return left, right.start() if right else len(text)


def _kind(verb: str) -> str:
    return PUBLISHED if _PUBLISHING.match(verb) else SAID


def report_kind(text: str, start: int, end: int, lang: str | None) -> str | None:
    """Whether the date written at ``text[start:end]`` is when something was said
    (:data:`SAID`) or published (:data:`PUBLISHED`), else ``None`` (see the module docstring).
    ``lang`` None tries every language."""
    if lang in (None, "en"):
        head = text[max(0, start - 120) : start]
        m = _EN_SPEECH.search(head)
        if m and not _EN_NOT_BETWEEN.search(m["between"]):
            return _kind(m.group().split()[0])
        if lang == "en":
            return None
    left, right = _clause(text, start, end)
    for code, rx in _SPEECH.items():
        if lang not in (None, code):
            continue
        for verb in rx.finditer(text, left, right):
            if 0 <= start - verb.end() <= _ADJACENT:
                return _kind(verb.group())
            if verb.start() < end:
                continue
            between = text[end : verb.start()]
            if code == "ru" and _RU_BREAK.search(between):
                continue
            if code in ("ky", "tg") and _VERB_BETWEEN.search(between):
                continue
            return _kind(verb.group())
    return None


# "until 25 September", «до 25 сентября», «то 25 сентябр», «25-сентябрга чейин», "by 2030": a
# deadline or a bound, not the day something happened
_UNTIL_BEFORE = regex.compile(r"(?<![\p{L}])(?:until|till|by|до|к|то)\s+$", regex.IGNORECASE)
_UNTIL_AFTER = regex.compile(r"\s+чейин(?![\p{L}])", regex.IGNORECASE)
# "since 2002", «2016-жылдан бери», «аз соли 2016 инҷониб»: where a duration began, not an event
_SINCE_BEFORE = regex.compile(r"(?<![\p{L}])since(?:\s+the)?\s+$", regex.IGNORECASE)
_SINCE_AFTER = regex.compile(r"\s+(?:бери|инҷониб|буён)(?![\p{L}])", regex.IGNORECASE)


# "compared with 2024", «по сравнению с 2024 годом», «нисбат ба ҳамин давраи соли 2024»,
# «2024-жылга салыштырмалуу»: the baseline of a comparison; "the 2010 census", «по переписи
# 2010 года»: the date of a source of figures
_COMPARED_BEFORE = regex.compile(
    r"(?<![\p{L}])(?:compared\s+(?:with|to)|по\s+сравнению\s+с(?:о)?|нисбат\s+ба"
    r"|census|перепис[\p{L}]*|саршумории\s+аҳолии)(?:\s+[\p{L}]+){0,3}\s+$",
    regex.IGNORECASE,
)
_COMPARED_AFTER = regex.compile(r"\s+салыштырмалуу(?![\p{L}])", regex.IGNORECASE)


def is_background(text: str, start: int, end: int) -> bool:
    """Whether the date at ``text[start:end]`` is where a duration began, a comparison's
    baseline or a census's year: never the event's."""
    return bool(
        _SINCE_BEFORE.search(text, max(0, start - 12), start)
        or _SINCE_AFTER.match(text, end)
        or _COMPARED_BEFORE.search(text, max(0, start - 60), start)
        or _COMPARED_AFTER.match(text, end)
    )


def is_bound(text: str, start: int, end: int) -> bool:
    """Whether the date at ``text[start:end]`` is a deadline or a bound ("until", «до»)."""
    return bool(
        _UNTIL_BEFORE.search(text, max(0, start - 8), start) or _UNTIL_AFTER.match(text, end)
    )
