"""Cues to an activity's status (codebook ``statuses``) in Russian, Kyrgyz, Tajik and English.

The registry records whether a festival or a commission session was planned, held, postponed,
cancelled… Reports say so with a handful of verbs in many inflected forms ("перенесена",
"жылдырылды", "мавқуф гузошта шуд", "postponed"), so each status has a short list of regular
expressions per language. Matching is case-insensitive and bounded by word edges; where cues
overlap, the longer one wins, so "не состоится" is a cancellation and not a plan, "will be held"
a plan and not an outcome, "баргузор нашуд" a cancellation and not "баргузор шуд".

:func:`decide_status` turns the cues of one text into one code (see :data:`PRECEDENCE`).

A cue is read in its sentence, not on its own (:func:`status_cues` returns read cues): a word
for an outcome under negation is no outcome ("не был проведён", "was not held" → cancelled;
"was not signed" → nothing), under future or intention it is a plan ("будет подписан",
"will be signed", "намерены подписать" → planned), and signing a decree or a law at home is not
an agreement ("жарлыкка кол койду", "подписал указ", "фармонро имзо кард" → nothing). Verbal
nouns ("проведение", "подписание") report no event. Kyrgyz and Tajik mark tense and negation
in the verb, so their future and negated forms are cues of their own. :func:`read_status`
gives the status with the sentence and the words that decided it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import NamedTuple

import ahocorasick
import regex

from lowpolitics.text.date_patterns import matches_at
from lowpolitics.text.lazy_regex import LazyPattern
from lowpolitics.text.pattern_heads import heads, required

__all__ = [
    "NO_STATUS",
    "PRECEDENCE",
    "StatusCue",
    "StatusReading",
    "decide_status",
    "read_status",
    "status_cues",
]

NO_STATUS = "n/a"  # the text reports no step of a cooperative activity (or abstains)

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
            rf"отказал{_W} от (?:участия|проведения|поездки|визита)",
            rf"от участия в (?:[\p{{L}}]+ ){{0,2}}отказал{_W}",
        ),
        "ky": (
            rf"жокко чыгар{_W}",
            r"(?:өтпөй|болбой|өткөрүлбөй) калды",
            r"токтотулуп калды",
            r"(?:өтпөйт|өткөрүлбөйт)",
            r"(?:өткөн|өткөрүлгөн) жок",
            rf"(?:катышуудан|өткөрүүдөн) баш тарт{_W}",
        ),
        "tg": (
            rf"бекор (?:карда )?(?:шуд|гардид|карданд|кард|мешавад){_W}",
            rf"лағв (?:карда )?(?:шуд|гардид|карданд){_W}",
            rf"баргузор (?:нашуд|нагардид){_W}",
            r"баргузор нахоҳад (?:шуд|гардид)",
            rf"лағв (?:кард|намуд){_W}",
            rf"аз иштирок даст кашид{_W}",
        ),
        "en": (
            r"cancel(?:l?ed|s|l?ing|lation)",
            r"called off",
            r"scrapped",
            r"did not take place",
            r"will not (?:be held|take place)",
            r"(?:did not|didn't) send",
            r"pulled out of",
            r"withdr(?:ew|awn) from",
        ),
    },
    "suspended": {
        "ru": (
            rf"приостановл(?:ен|ив){_W}",
            rf"временно прекрати{_W}",
            rf"закрыл{_W} (?:границу|пункт{_W}|КПП|пропуск)",
            rf"приостанов(?:ил|ят|ит|ить){_W}",
            r"заморож(?:ен|ены|ена|ено|или|ил)",
            rf"не возобнов{_W}",
        ),
        "ky": (
            rf"токтотул(?:ду|ган|ат|уп){_W}",
            rf"убактылуу токтот{_W}",
            r"токтотушту",
            r"жаап (?:койду|салды|коюшту)",
            rf"жабылды{_W}",
        ),
        "tg": (
            rf"боздошта (?:шуд|шудааст|мешавад|гардид){_W}",
            rf"муваққатан қатъ{_W} \w+",
            rf"муваққатан баст(?:а|ааст|анд)?{_W}",
            rf"қатъ (?:гардид|гардида буд|шуд|карда шуд){_W}",
        ),
        "en": (
            r"suspend(?:ed|s|ing)?",
            r"suspension",
            r"halted",
            r"frozen",
            r"(?:has|have|was|were) (?:been )?(?:shut down|closed)",
            r"(?:closed|shut) (?:the|its) (?:border|crossings?|checkpoints?)",
        ),
    },
    "resumed": {
        "ru": (
            rf"возобнов(?:л|и|я){_W}",
            rf"(?:вновь|снова) (?:(?:от)?кры(?:л|т|ва){_W}|заработал{_W}|начал{_W})",
            rf"(?:вновь|снова) (?:пошл{_W}|иду(?:т)?)",
            rf"восстановлен{_W} (?:авиа|транспорт|сообщени|движени)",
        ),
        "ky": (
            rf"кайра(?:дан)? (?:башта|ачыл|ачты|жанданды|иштей баштады){_W}",
            rf"калыбына келтирил{_W}",
        ),
        "tg": (
            rf"аз сар гирифта (?:шуд|мешавад|шудааст){_W}",
            rf"аз нав (?:оғоз|кушода){_W} \w+",
            rf"дубора (?:оғоз|кушода){_W} \w+",
            rf"аз нав (?:[\p{{L}}]+ ){{0,3}}кушо(?:д|да шуд){_W}",
            rf"барқарор (?:шуд|гардид|карда шуд){_W}",
        ),
        "en": (
            r"resum(?:ed|es|e|ing|ption)",
            r"restarted",
            r"reopened",
            r"(?:has|have|was|were) (?:been )?restored",
            r"(?:let|allowed) [\w\s]{0,30}(?:come back|return)",
        ),
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
            rf"провед[её]н(?!ие|ия|ию|ием|ии){_W}",
            r"провел(?:а|и)?",
            r"провёл",
            # a meeting or a call reported as done
            r"встретил(?:ся|ась|ись)",
        ),
        "ky": (
            r"өттү",
            r"өткөрүлдү",
            r"өткөрүштү",
            r"болуп өттү",
            r"уюштурулду",
            r"жолугуш(?:ту|ушту|тук)",
            r"сүйлөш(?:тү|үштү)",
        ),
        "tg": (
            r"баргузор (?:шуд|гардид)(?:ааст)?",
            r"доир (?:шуд|гардид)(?:ааст)?",
            r"баргузор (?:кард|карданд|намуд|намуданд)",
            r"гузаронида (?:шуд|шудааст)",
            r"(?:мулоқот|вохӯрӣ|гуфтугӯ|сӯҳбат|музокира) "
            r"(?:кард|карданд|намуд|намуданд|намуда|карда)",
            r"вохӯрд(?:анд)?",
        ),
        "en": (
            r"(?:was|were|has been|have been) held",
            r"took place",
            r"held",
            r"was staged",
            r"met (?:with|in|at|on)",
            r"(?:talked|spoke) (?:by (?:tele)?phone|on the (?:tele)?phone)",
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
            r"примет",
            rf"условил{_W}",
            rf"(?:намерен{_W}|собира{_W}|предполага{_W}|договорил{_W}|планиру{_W}|решил{_W}) "
            rf"(?:[\p{{L}}-]+ )?(?:подписать|провести|организовать|принять участие)",
        ),
        "ky": (
            r"өтөт",
            r"өткөрүлөт",
            rf"пландал{_W}",
            rf"пландаштырыл{_W}",
            r"өтүшү күтүлүүдө",
            r"кол коюл(?:ат|мак)",
            r"кол коюшат",
            rf"кол коюлушу (?:күтүлүүдө|пландал{_W})",
            r"пландап жатыш(?:ат|ты)",
            r"(?:чогулат|катышат|келет|өткөрүшөт|уюштурулат|жолугушат|сүйлөшөт|сүйлөшүшөт)",
            r"\p{L}+мокчу",
            r"\p{L}+[аейо] турган",
        ),
        "tg": (
            r"баргузор (?:мегардад|мешавад|хоҳад\s+шуд|хоҳад\s+гардид)",
            r"доир (?:мегардад|мешавад)",
            r"ба нақша гирифта (?:шуд|шудааст|шудаст)",
            r"пешбинӣ (?:шудааст|мешавад|гардидааст)",
            r"ба имзо мерасад",
            r"ба имзо хоҳад (?:расид|расонд)",
            r"имзо хоҳад (?:шуд|гардид)",
            r"(?:ширкат|иштирок) хоҳанд (?:кард|намуд)",
            r"(?:оғоз|доир|баргузор) мегард(?:ад|анд)",
            r"интизор аст",
            r"хоҳ(?:ад|анд) (?:ёфт|шуд|гардид|кард|намуд|омад|гузашт|дод|гирифт)",
            r"тасмим (?:гирифт|гирифтанд|гирифтааст|гирифтаанд)",
            r"омодагӣ (?:мебинад|мебинанд)",
        ),
        "en": (
            r"will be held",
            r"(?:is|are) to be held",
            r"will take place",
            r"(?:is|are|was|were) (?:planned|scheduled)",
            r"scheduled for",
            r"is expected to take place",
            r"(?:plans?|planned|agreed|decided|intends?|expects?|hopes?) to "
            r"(?:sign|hold|host|organi[sz]e|bring back|reopen|run|launch)",
            r"is on the programme",
        ),
    },
    "signed": {
        "ru": (
            r"подписа(?:л|ли|ла|н|на|но|ны)(?!ие|ия|ию|ием|ии)",
            rf"подписан(?!ие|ия|ию|ием|ии){_W}",
        ),
        "ky": (r"кол ко(?:юшту|йду|юлду|юлган|юшкан|йушту)",),
        "tg": (
            rf"ба имзо (?:расиданд|расид|расонданд|расонид){_W}",
            rf"имзо (?:карданд|кард){_W}",
            r"имзо (?:шуд|шудааст|шуданд|гардид|гардидааст|гардиданд)",
        ),
        "en": (r"signed",),
    },
    "ratified": {
        "ru": (
            rf"ратифицир(?:овал|ован|ует|уют){_W}",
            rf"(?:подписал{_W}|принял{_W}|одобрил{_W}) закон о ратификации",
        ),
        "ky": (
            rf"ратификациял(?:ады|ашты|анды|анган){_W}",
            r"ратификациялоо (?:жөнүндө )?мыйзам(?:га кол ко(?:йду|юлду)|ды кабыл ал(?:ды|ышты))",
        ),
        "tg": (rf"тасвиб (?:кард|карданд|намуд|шуд|гардид){_W}",),
        "en": (r"ratif(?:ied|ies|y|ying|ication)",),
    },
    "in_force": {
        "ru": (r"вступ(?:ил|ила|ило|или|ает|ят)\s+в\s+(?:законную\s+)?силу",),
        "ky": (rf"күчүнө кир(?:ди|ген|ет){_W}",),
        "tg": (rf"эътибори (?:ҳуқуқӣ|қонунӣ) пайдо (?:кард|намуд){_W}", r"мавриди амал қарор"),
        "en": (r"(?:entered|enters|came|comes) into force", r"took effect"),
    },
}

# Forms that deny a step without naming another: they keep their span (so the shorter
# affirmative cue inside them is not read) and decide nothing.
_CUES[NO_STATUS] = {
    "ru": (),
    "ky": (r"кол коюлган жок", r"кол коюлбады", r"кол коюшкан жок"),
    "tg": (r"имзо (?:нашуд|нагардид|накарданд|накард)",),
    "en": (r"(?:was|were|has|have) not (?:been )?signed",),
}

# What a cue's sentence around it can do to it, per language: look-behind windows end at the
# cue, look-ahead windows start after it.
_NEGATED_BEFORE = {
    "ru": r"(?:^|[^\p{L}])(?:не|ни)\s+(?:(?:был[аио]?|будет|будут|смогл[иао]?|удалось)\s+)?$",
    "en": r"(?:\b(?:not|never)|n't)\s+(?:(?:be|been|being|yet)\s+)?$",
}
_FUTURE_BEFORE = {
    "ru": r"(?:^|[^\p{L}])(?:будет|будут|планиру\p{L}*|намерен\p{L}*|предполага\p{L}*|"
    r"должн\p{L}*|собира\p{L}*|ожида\p{L}*|мо(?:жет|гут))\s+(?:\p{L}+\s+)?$",
    "en": r"\b(?:will|shall|would|to|expected to|set to|due to)\s+(?:(?:be|also|then)\s+)?$",
}
_FUTURE_AFTER = {
    "en": r"^\s+(?:next|later|in the coming|soon)\b",
    "tg": r"^[^.;!?]*?(?<![\p{L}])хоҳ(?:ад|анд)(?![\p{L}])",
}
# Signing at home: a decree, a law, an order — not an agreement between the two states.
_DECREE_BEFORE = {
    "ky": r"(?:жарлык|мыйзам|токтом|буйрук)\p{L}*\s+$",
    "tg": r"(?:фармон|қонун|қарор|амр)\p{L}*\s+$",
    "ru": r"(?:указ|закон|распоряжени|постановлени)\p{L}*\s+$",
}
_DECREE_AFTER = {
    "ru": r"^\s+(?:\p{L}+\s+)?(?:указ|закон|распоряжени|постановлени)",
    "en": r"^\s+(?:(?:a|an|the)\s+)?(?:\p{L}+\s+)?(?:decree|law|order|bill)\b",
    "ky": r"^\s+(?:жарлык|мыйзам|токтом)",
}
_OUTCOMES = ("held", "signed", "ratified", "in_force")
_WINDOW = 40  # characters of the sentence looked at on each side of a cue

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
    """A phrase in a text that signals a codebook status, as read in its sentence: ``status``
    is the reading, ``word_status`` what the phrase says on its own, ``why`` what changed it
    ("negated", "future", "decree"; empty when nothing did)."""

    status: str
    term: str
    start: int
    end: int
    lang: str
    word_status: str = ""
    why: str = ""


@dataclass(frozen=True)
class StatusReading:
    """The status of a text, the cue that decided it and the sentence it stands in."""

    status: str
    cue: StatusCue | None
    sentence: str
    sentence_start: int
    sentence_end: int
    cues: tuple[StatusCue, ...] = ()  # every cue of the text, as read


class _Cues(NamedTuple):
    status: str
    lang: str
    rx: LazyPattern  # compiled at its first use, where one of its heads stands
    heads: frozenset[str] | None  # what every match begins with (case-folded), or unknown
    # without heads: strings one of which every match contains (case-folded), or unknown
    needs: frozenset[str] | None = None


def _compile() -> tuple[_Cues, ...]:
    flags = regex.IGNORECASE | regex.VERSION1
    out = []
    for status, by_lang in _CUES.items():
        for lang, patterns in by_lang.items():
            if not patterns:
                continue
            bodies = [p.replace(" ", r"\s+") for p in patterns]
            body = "|".join(bodies)
            rx = LazyPattern(rf"(?<![\p{{L}}\p{{N}}])(?:{body})(?![\p{{L}}\p{{N}}])", flags)
            found = [heads(b) for b in bodies]
            known = None if None in found else frozenset().union(*found)
            out.append(_Cues(status, lang, rx, known, None if known else required(body)))
    return tuple(out)


@lru_cache(maxsize=8)
def _head_automaton(lang: str | None) -> ahocorasick.Automaton | None:
    """One automaton over the heads of every cue pattern of ``lang`` (``None``: all): head →
    the indexes in ``_COMPILED`` of the patterns it begins."""
    by_head: dict[str, list[int]] = {}
    for index, cues in enumerate(_COMPILED):
        if cues.heads is not None and lang in (None, cues.lang):
            for head in cues.heads:
                by_head.setdefault(head, []).append(index)
    if not by_head:
        return None
    automaton = ahocorasick.Automaton()
    for head, indexes in by_head.items():
        automaton.add_word(head, (len(head), tuple(indexes)))
    automaton.make_automaton()
    return automaton


def _cue_starts(text: str, lang: str | None) -> dict[int, list[int] | None] | None:
    """Where each cue pattern can match: pattern index → the places one of its heads begins,
    ascending, or ``None`` for a pattern without heads that must scan the whole text because
    the text holds a string it needs (or it needs none known); a pattern left out cannot
    match. ``None`` when case folding changes the text's length (then places in the folded
    text are not places in the text, and every pattern scans it all)."""
    folded = text.casefold()
    if len(folded) != len(text):
        return None
    at_heads: dict[int, list[int]] = {}
    automaton = _head_automaton(lang)
    if automaton is not None:
        for end, (length, indexes) in automaton.iter(folded):
            for index in indexes:
                at_heads.setdefault(index, []).append(end - length + 1)
    starts: dict[int, list[int] | None] = {i: sorted(p) for i, p in at_heads.items()}
    for index, cues in enumerate(_COMPILED):
        known = cues.heads is not None or lang not in (None, cues.lang)
        if not known and (cues.needs is None or any(need in folded for need in cues.needs)):
            starts[index] = None
    return starts


def _contexts(table: dict[str, str]) -> dict[str, LazyPattern]:
    return {lang: LazyPattern(p, regex.IGNORECASE | regex.VERSION1) for lang, p in table.items()}


_COMPILED = _compile()
_NEG_B, _FUT_B, _FUT_A = (
    _contexts(_NEGATED_BEFORE),
    _contexts(_FUTURE_BEFORE),
    _contexts(_FUTURE_AFTER),
)
_DEC_B, _DEC_A = _contexts(_DECREE_BEFORE), _contexts(_DECREE_AFTER)
_SENTENCE_END = regex.compile(r"[.!?…;]\s|\n")


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around ``text[start:end]`` — cheap bounds at ., !, ?, …, ; or a newline,
    enough to keep a negation or a future in one sentence from reading a cue in the next."""
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    right = _SENTENCE_END.search(text, end)
    return left, right.start() + 1 if right else len(text)


def _hit(table: dict[str, LazyPattern], lang: str, window: str) -> bool:
    rx = table.get(lang)
    return bool(rx and rx.search(window))


def _read(cue: StatusCue, text: str) -> StatusCue:
    """The cue as its sentence reads it (see the module's docstring)."""
    if cue.status == NO_STATUS:
        return cue
    left, right = _sentence_bounds(text, cue.start, cue.end)
    before = text[max(left, cue.start - _WINDOW) : cue.start]
    after = text[cue.end : min(right, cue.end + _WINDOW)]
    lang, status = cue.lang, cue.status
    if status == "signed" and (_hit(_DEC_B, lang, before) or _hit(_DEC_A, lang, after)):
        return replace(cue, status=NO_STATUS, why="decree")
    if _hit(_NEG_B, lang, before):
        if status in ("held", "planned"):
            return replace(cue, status="cancelled", why="negated")
        return replace(cue, status=NO_STATUS, why="negated")
    if status in _OUTCOMES and (_hit(_FUT_B, lang, before) or _hit(_FUT_A, lang, after)):
        return replace(cue, status="planned", why="future")
    return cue


def status_cues(text: str, lang: str | None = None) -> list[StatusCue]:
    """Status cues of ``text`` in reading order, each read in its sentence; ``lang`` limits
    them to one language. Cues that deny a step without naming another are left out."""
    found = []
    # each pattern is tried only where one of its heads stands (the same matches as a scan of
    # the whole text: every match begins with a head), or, without heads, over the whole text
    # when it holds a string every match contains
    starts = _cue_starts(text, lang)
    for index, (status, cue_lang, rx, _, _) in enumerate(_COMPILED):
        if lang is not None and cue_lang != lang:
            continue
        places = starts.get(index, []) if starts is not None else None
        if places is None:
            matches = rx.finditer(text, overlapped=False)
        else:
            matches = matches_at(rx, text, places)
        for m in matches:
            found.append(StatusCue(status, m.group(), m.start(), m.end(), cue_lang, status))
    found.sort(key=lambda c: (c.start - c.end, c.start))
    kept: list[StatusCue] = []
    for cue in found:
        if not any(cue.start < k.end and k.start < cue.end for k in kept):
            kept.append(cue)
    read = (_read(c, text) for c in sorted(kept, key=lambda c: c.start))
    return [c for c in read if c.status != NO_STATUS]


def decide_status(cues: list[StatusCue]) -> str:
    """The one status the cues point to, by :data:`PRECEDENCE`; ``"n/a"`` without cues."""
    present = {c.status for c in cues}
    return next((s for s in PRECEDENCE if s in present), NO_STATUS)


def read_status(text: str, lang: str | None = None) -> StatusReading:
    """The status of ``text`` with the cue and the sentence that decided it (the first cue of
    the winning status); no cue gives ``n/a`` with no sentence."""
    cues = status_cues(text, lang)
    status = decide_status(cues)
    cue = next((c for c in cues if c.status == status), None)
    if cue is None:
        return StatusReading(NO_STATUS, None, "", 0, 0, tuple(cues))
    left, right = _sentence_bounds(text, cue.start, cue.end)
    sentence = text[left:right].strip()
    start = text.index(sentence, left) if sentence else left
    return StatusReading(status, cue, sentence, start, start + len(sentence), tuple(cues))
