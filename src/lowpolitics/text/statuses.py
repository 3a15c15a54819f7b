"""Cues to an activity's status (codebook ``statuses``) in Russian, Kyrgyz, Tajik and English.

The registry records whether a festival or a commission session was planned, held, postponed,
cancelled… Reports say so with a handful of verbs in many inflected forms ("перенесена",
"жылдырылды", "мавқуф гузошта шуд", "postponed"), so each status has a short list of regular
expressions per language. Matching is case-insensitive and bounded by word edges; where cues
overlap, the longer one wins, so "не состоится" is a cancellation and not a plan, "will be held"
a plan and not an outcome, "баргузор нашуд" a cancellation and not "баргузор шуд".

:func:`decide_status` turns the cues of one text into one code (see :data:`PRECEDENCE`).
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

__all__ = ["PRECEDENCE", "StatusCue", "decide_status", "status_cues"]

_W = r"[\p{L}\p{M}]*"  # the rest of an inflected word

# status -> lang -> patterns (spaces match any run of whitespace).
_CUES: dict[str, dict[str, tuple[str, ...]]] = {
    "postponed": {
        "ru": (
            rf"перен[её]с{_W}",
            r"перенос(?:ится|ятся|ит|ят|а|е|у)?",
            rf"отлож(?:ен|ил|ат|ит){_W}",
            rf"откладыва{_W}",
        ),
        "ky": (rf"жылдырыл{_W}", rf"кийинкиге (?:калтыр|жылдыр){_W}", rf"мөөнөтү жылдыр{_W}"),
        "tg": (
            rf"мавқуф гузошта (?:шуд|мешавад|шав|гардид){_W}",
            rf"ба таъхир (?:афтод|афтид|меафтад|гузошта\s+шуд){_W}",
            rf"ба вақти дигар (?:мавқуф|гузаронида){_W}",
        ),
        "en": (
            r"postpon(?:ed|es|e|ing|ement)",
            r"put off",
            r"delayed",
            r"rescheduled",
            r"pushed back",
        ),
    },
    "cancelled": {
        "ru": (
            rf"отмен(?:ен|ил|ят|ит|яет|ял|ён){_W}",
            rf"не состо(?:ится|ятся|ял|ялся){_W}",
            rf"не (?:прошл|пройд[её]т){_W}",
            rf"сорван{_W}",
        ),
        "ky": (
            rf"жокко чыгар{_W}",
            r"(?:өтпөй|болбой|өткөрүлбөй) калды",
            r"токтотулуп калды",
        ),
        "tg": (
            rf"бекор (?:карда )?(?:шуд|гардид|карданд|кард|мешавад){_W}",
            rf"лағв (?:карда )?(?:шуд|гардид|карданд){_W}",
            rf"баргузор (?:нашуд|нагардид){_W}",
        ),
        "en": (
            r"cancel(?:l?ed|s|l?ing|lation)",
            r"called off",
            r"scrapped",
            r"did not take place",
            r"will not (?:be held|take place)",
        ),
    },
    "suspended": {
        "ru": (
            rf"приостановл(?:ен|ив){_W}",
            rf"приостанов(?:ил|ят|ит|ить){_W}",
            r"заморож(?:ен|ены|ена|ено|или|ил)",
            rf"не возобнов{_W}",
        ),
        "ky": (rf"токтотул(?:ду|ган|ат|уп){_W}", rf"убактылуу токтот{_W}", r"токтотушту"),
        "tg": (rf"боздошта (?:шуд|шудааст|мешавад|гардид){_W}", rf"муваққатан қатъ{_W} \w+"),
        "en": (r"suspend(?:ed|s|ing)?", r"suspension", r"halted", r"frozen"),
    },
    "resumed": {
        "ru": (rf"возобнов(?:л|и|я){_W}",),
        "ky": (rf"кайра(?:дан)? (?:башта|ачыл|жанданды){_W}", rf"калыбына келтирил{_W}"),
        "tg": (
            rf"аз сар гирифта (?:шуд|мешавад|шудааст){_W}",
            rf"аз нав (?:оғоз|кушода){_W} \w+",
            rf"дубора (?:оғоз|кушода){_W} \w+",
        ),
        "en": (r"resum(?:ed|es|e|ing|ption)", r"restarted", r"reopened"),
    },
    "downgraded": {
        "ru": (
            r"в сокращ[её]нном (?:формате|составе)",
            r"на (?:более )?низком уровне",
            rf"понижен{_W} уров{_W}",
            r"в усеч[её]нном (?:формате|составе)",
        ),
        "ky": (r"кыскартылган (?:форматта|курамда)", r"төмөнкү деңгээлде"),
        "tg": (r"дар (?:сатҳи|шакли) (?:пасттар|маҳдуд)", r"дар ҳайати маҳдуд"),
        "en": (
            r"downgraded",
            r"at a lower level",
            r"scaled[- ]down",
            r"in a reduced format",
        ),
    },
    "held": {
        "ru": (
            r"прош[её]л",
            r"прошла",
            r"прошли",
            r"прошло(?=\s+(?:в|во|на|при|с|успешно)\s)",
            r"состоял(?:ся|ась|ось|ись)",
            rf"провед(?:ен|ён){_W}",
            r"провел(?:а|и)?",
            r"провёл",
        ),
        "ky": (r"өттү", r"өткөрүлдү", r"өткөрүштү", r"болуп өттү", r"уюштурулду"),
        "tg": (r"баргузор (?:шуд|гардид)(?:ааст)?", r"доир (?:шуд|гардид)(?:ааст)?"),
        "en": (
            r"(?:was|were|has been|have been) held",
            r"took place",
            r"held",
            r"was staged",
        ),
    },
    "planned": {
        "ru": (
            r"состоится",
            r"состоятся",
            rf"планир(?:ует|уют|ует|овал|уется|уются){_W}",
            rf"запланирован{_W}",
            r"пройд[её]т",
            r"пройдут",
            rf"намечен{_W}",
            rf"будет проведен{_W}",
        ),
        "ky": (r"өтөт", r"өткөрүлөт", rf"пландал{_W}", rf"пландаштырыл{_W}", r"өтүшү күтүлүүдө"),
        "tg": (
            r"баргузор (?:мегардад|мешавад|хоҳад\s+шуд|хоҳад\s+гардид)",
            r"доир (?:мегардад|мешавад)",
            r"ба нақша гирифта (?:шуд|шудааст|шудаст)",
            r"пешбинӣ (?:шудааст|мешавад|гардидааст)",
            r"ба имзо мерасад",
        ),
        "en": (
            r"will be held",
            r"(?:is|are) to be held",
            r"will take place",
            r"(?:is|are|was|were) (?:planned|scheduled)",
            r"scheduled for",
            r"is expected to take place",
        ),
    },
    "signed": {
        "ru": (r"подписа(?:л|ли|ла|н|на|но|ны)", rf"подписан{_W}"),
        "ky": (r"кол ко(?:юшту|йду|юлду|юлган|юшкан|йушту)",),
        "tg": (rf"ба имзо (?:расиданд|расид|расонданд|расонид){_W}", rf"имзо (?:карданд|кард){_W}"),
        "en": (r"signed",),
    },
    "ratified": {
        "ru": (rf"ратифицир(?:овал|ован|ует|уют){_W}",),
        "ky": (rf"ратификациял(?:ады|ашты|анды|анган){_W}",),
        "tg": (rf"тасвиб (?:кард|карданд|намуд|шуд|гардид){_W}",),
        "en": (r"ratif(?:ied|ies|y|ication)",),
    },
    "in_force": {
        "ru": (r"вступ(?:ил|ила|ило|или|ает|ят)\s+в\s+(?:законную\s+)?силу",),
        "ky": (rf"күчүнө кир(?:ди|ген|ет){_W}",),
        "tg": (rf"эътибори (?:ҳуқуқӣ|қонунӣ) пайдо (?:кард|намуд){_W}", r"мавриди амал қарор"),
        "en": (r"(?:entered|enters|came|comes) into force", r"took effect"),
    },
}

#: Highest first. The latest stage a report describes decides: a resumption outranks the
#: disruption it ends; any disruption (cancelled > postponed > suspended > downgraded) outranks
#: the plan or outcome it disrupted ("планировалось … но было отложено" is postponed, "held in
#: a reduced format" downgraded); a treaty's progress runs in_force > ratified > signed; an
#: outcome (held) outranks a plan. Order in the text does not matter.
PRECEDENCE: tuple[str, ...] = (
    "resumed", "cancelled", "postponed", "suspended", "downgraded",
    "in_force", "ratified", "signed", "held", "planned",
)  # fmt: skip


@dataclass(frozen=True)
class StatusCue:
    """A phrase in a text that signals a codebook status."""

    status: str
    term: str
    start: int
    end: int
    lang: str


def _compile() -> tuple[tuple[str, str, regex.Pattern[str]], ...]:
    flags = regex.IGNORECASE | regex.VERSION1
    out = []
    for status, by_lang in _CUES.items():
        for lang, patterns in by_lang.items():
            body = "|".join(p.replace(" ", r"\s+") for p in patterns)
            rx = regex.compile(rf"(?<![\p{{L}}\p{{N}}])(?:{body})(?![\p{{L}}\p{{N}}])", flags)
            out.append((status, lang, rx))
    return tuple(out)


_COMPILED = _compile()


def status_cues(text: str, lang: str | None = None) -> list[StatusCue]:
    """Status cues of ``text`` in reading order; ``lang`` limits them to one language."""
    found = []
    for status, cue_lang, rx in _COMPILED:
        if lang is not None and cue_lang != lang:
            continue
        for m in rx.finditer(text, overlapped=False):
            found.append(StatusCue(status, m.group(), m.start(), m.end(), cue_lang))
    found.sort(key=lambda c: (c.start - c.end, c.start))
    kept: list[StatusCue] = []
    for cue in found:
        if not any(cue.start < k.end and k.start < cue.end for k in kept):
            kept.append(cue)
    return sorted(kept, key=lambda c: c.start)


def decide_status(cues: list[StatusCue]) -> str:
    """The one status the cues point to, by :data:`PRECEDENCE`; ``"n/a"`` without cues."""
    present = {c.status for c in cues}
    return next((s for s in PRECEDENCE if s in present), "n/a")
