"""The lexicon coder: codes a text by the framework's words, in ru, ky, tg and en.

Every lexicon term and every token of the text are reduced to stems
(:func:`lowpolitics.text.stemming.stem`), so a lemma in the lexicon meets its inflected forms.
Matching runs on the *stem sequence* joined by single spaces and padded with a space at each
end, with the terms likewise padded: a match therefore always starts and ends on a token
boundary. This is the boundary check pyahocorasick lacks on its own ("Ош" never matches inside
"прошли"), and it lets a phrase match only as whole, adjacent tokens in order.

Evidence keeps the original code-point offsets, so ``text[start:end]`` is exactly the matched
words, as the coding tools (REFI-QDA exports, the review screen) need.
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import accumulate, compress, count, repeat
from operator import add, is_
from typing import Any, NamedTuple

import ahocorasick
import regex
import yaml

from lowpolitics.framework.codebook import load_codebook
from lowpolitics.text.stemming import stem, stem_sequence, token_matches, words

NO_MECHANISM = "none"  # the mechanism group's answer when the text has no evidence for it
NEUTRAL = "neutral"  # the frame group's answer when neither frame wins

# A short quotation is a name ("Ынтымак" сарайы, фестиваль «Дружба», NGO "Youth of Osh"); a long
# one is somebody's words, which can frame. Up to four words between quotes count as a name.
_NAME_IN_QUOTES = regex.compile(
    r"«[^»\n]{1,40}»|\"[^\"\n]{1,40}\"|“[^”\n]{1,40}”|„[^“”\n]{1,40}[“”]"
)
_SENTENCE_START = regex.compile(r"(?:^|[.!?…:;]\s+|\n\s*|[«\"“„(—–-]\s*)$")

# Who reported is not what the text is about. A news agency, an outlet or "the media" that is
# the source of a report ("Kabar news agency reported", «сообщает информационное агентство»,
# «маалымат агенттиги кабарлады», «хабар медиҳад агентии иттилоотӣ») is no evidence of media
# work when its sentence has a verb of saying; nor are journalists spoken *to* ("told
# journalists", «ба хабарнигорон гуфт»; in Russian and Kyrgyz the addressee's case with a verb
# of saying: «заявил журналистам», «журналисттерге билдирди»), nor the "press" of a press
# service, conference, release or secretary.
_SOURCE_TERMS = {
    "en": {"news agency", "media", "mass media", "press", "publication"},
    "ru": {"информационное агентство", "СМИ", "средства массовой информации", "пресса", "медиа"},
    "ky": {"маалымат агенттиги", "ЖМК", "массалык маалымат каражаттары", "медиа"},
    "tg": {"агентии иттилоотӣ", "нашрия", "ВАО", "васоити ахбори омма", "расона"},
}
_SAYING = {
    "en": regex.compile(
        r"(?<![\p{L}])(?:report(?:s|ed)?|sa(?:id|ys)|told|announced|stated|wrote|quot(?:ed|es|ing)"
        r"|cit(?:ed|ing)|according\s+to)(?![\p{L}])",
        regex.IGNORECASE,
    ),
    "ru": regex.compile(
        r"(?<![\p{L}])(?:сообщ\p{L}*|заяв\p{L}*|переда(?:ет|ёт|ют|л\p{L}*)|пиш(?:ет|ут)"
        r"|написал\p{L}*|информир\p{L}*|по\s+данным|по\s+словам|со\s+ссылкой)(?![\p{L}])",
        regex.IGNORECASE,
    ),
    "ky": regex.compile(
        r"(?<![\p{L}])(?:билдир\p{L}*|де(?:ди|шти|п)|маалымда\p{L}*|кабарла\p{L}*|жаз(?:ды|ат|ышты)"
        r"|айт(?:ты|ышты|ылды)|маалыматы\s+боюнча|маалыматына\s+караганда)(?![\p{L}])",
        regex.IGNORECASE,
    ),
    "tg": regex.compile(
        r"(?<![\p{L}])(?:хабар\s+(?:медиҳад|медиҳанд|дод|доданд|додааст)|гуфт\p{L}*"
        r"|иттилоъ\s+(?:дод|медиҳад|доданд)|навишт\p{L}*|иброз\s+\p{L}+|изҳор\s+\p{L}+"
        r"|ба\s+гуфтаи|тибқи\s+хабари|ба\s+иттилои)(?![\p{L}])",
        regex.IGNORECASE,
    ),
}
_SPOKEN_TO = {
    "en": regex.compile(r"(?:told|to)\s+(?:the\s+)?$", regex.IGNORECASE),
    "tg": regex.compile(r"ба\s+$", regex.IGNORECASE),
}
_ADDRESSEE_ENDING = {"ru": regex.compile(r"ам$|ям$"), "ky": regex.compile(r"(?:г|к)[аеоө]$")}
_JOURNALISTS = {
    "en": {"journalist"},
    "ru": {"журналист"},
    "ky": {"журналист"},
    "tg": {"хабарнигор", "рӯзноманигор"},
}
_PRESS_OF = regex.compile(
    r"^\s*(?:service|conference|release|secretary|office|briefing|statement)", regex.IGNORECASE
)
_PRESS_BEFORE = regex.compile(r"(?<![\p{L}])press[\s-]+$", regex.IGNORECASE)
_SENTENCE_BREAK = regex.compile(r"[.!?…\n]")


class Evidence(NamedTuple):
    """One lexicon hit: ``text[start:end]`` are the matched words of ``term``."""

    code: str
    term: str
    start: int
    end: int


def _groups() -> dict[str, tuple[str, ...]]:
    """The code groups, from the codebook (the codebook owns the category lists)."""
    codebook = load_codebook()
    frames = tuple(code for code in codebook.frame_codes if code != NEUTRAL)
    return {
        "mechanism": (*codebook.mechanism_codes, *codebook.context_kind_codes),
        "frame": frames,
    }


@dataclass(frozen=True)
class CodingResult:
    """What the lexicon found in one text: the hits and a score per code."""

    lang: str
    evidence: list[Evidence] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)

    def best(self, group: str) -> str:
        """The winning code of ``group`` ("mechanism" or "frame").

        mechanism: the 4 mechanisms and 3 context kinds compete; the highest score wins, a tie
        goes to the code listed first in the codebook (mechanisms before context kinds, so a
        text equally about a festival and a clash is coded by its cultural content);
        ``"none"`` when none of them has evidence.

        frame: integrative against securitizing; the one with the strictly higher score wins,
        and ``"neutral"`` is returned when neither has evidence or they are tied — a text that
        both stresses friendship and assigns blame in equal measure carries no clear slant.
        """
        codes = _groups().get(group)
        if codes is None:
            raise ValueError(f"unknown group {group!r}; expected 'mechanism' or 'frame'")
        ranked = sorted(codes, key=lambda c: -self.scores.get(c, 0.0))  # stable: codebook order
        top = ranked[0] if ranked else None
        top_score = self.scores.get(top, 0.0) if top else 0.0
        if group == "mechanism":
            return top if top and top_score > 0 else NO_MECHANISM
        runner_up = self.scores.get(ranked[1], 0.0) if len(ranked) > 1 else 0.0
        return top if top and top_score > runner_up else NEUTRAL

    @property
    def mechanism(self) -> str:
        return self.best("mechanism")

    @property
    def frame(self) -> str:
        return self.best("frame")


def bundled_lexicon() -> dict[str, Any]:
    """The lexicon shipped in ``framework/data/lexicon.yaml`` (the ``lexicon:`` mapping)."""
    text = (
        resources.files("lowpolitics.framework")
        .joinpath("data/lexicon.yaml")
        .read_text(encoding="utf-8")
    )
    return yaml.safe_load(text)["lexicon"]


def _default_lexicon() -> dict[str, Any]:
    """The codebook's lexicon once the loader merges one in, else the bundled file."""
    merged = load_codebook().lexicon
    return merged if merged.get("codes") else bundled_lexicon()


class _Automaton(NamedTuple):
    automaton: Any  # ahocorasick.Automaton, or None when the language has no terms
    size: int
    # the first letters of every stem the keys hold, and the words whose stem begins otherwise
    # than they do: a new word outside both cannot meet a key, so it is not stemmed (see
    # ``_needs_stem``)
    heads: frozenset[str] = frozenset()
    unlike: frozenset[str] = frozenset()


# How many first letters of a word its stem keeps, in every language, once the word has more
# than ``_SURE_LENGTH`` letters: the stemmers of ky, tg and en cut endings only (and never below
# three letters), pymorphy3 guesses an unknown Russian word by its ending; Russian words whose
# lemma begins otherwise (дни → день, людей → человек) are listed from the dictionary.
_HEAD = 3
_SURE_LENGTH = 4
# Kyrgyz stems lose the voice of their last letter ("жабууну" → "жаб" → "жап"): a head of three
# letters ending voiceless is also met by its voiced spelling
_KY_VOICED = {"к": "г", "п": "б"}


def _heads(stems: set[str], lang: str) -> frozenset[str]:
    heads = {s[:_HEAD] for s in stems}
    if lang == "ky":
        heads |= {s[:2] + _KY_VOICED[s[2]] for s in stems if len(s) == 3 and s[2] in _KY_VOICED}
    return frozenset(heads)


def _unlike(stems: set[str], lang: str) -> frozenset[str]:
    """Russian word forms (lower case, ё as е) whose lemma is one of ``stems`` but does not
    begin with their own first letters, from pymorphy3's dictionary."""
    if lang != "ru":
        return frozenset()
    from lowpolitics.text.stemming import _morph

    morph = _morph()
    if morph is None:  # the Snowball fallback cuts endings only
        return frozenset()
    found = set()
    for lemma in stems:
        for parse in morph.parse(lemma):
            if parse.normal_form.replace("ё", "е") != lemma:
                continue
            for form in parse.lexeme:
                word = form.word.replace("ё", "е")
                if word[:_HEAD] != lemma[:_HEAD]:
                    found.add(word)
    return frozenset(found)


# Automata by lexicon fingerprint, then language: coders over the same lexicon (the pipeline
# and the trainer each make their own) share them, so each is built once per process.
_AUTOMATA: dict[str, dict[str, _Automaton]] = {}


class LexiconCoder:
    """Codes texts with a lexicon ``{version, codes: {code: {lang: [terms]}}}``.

    ``lexicon`` may also be given wrapped as ``{"lexicon": {...}}``; ``None`` means the
    bundled one. One Aho–Corasick automaton is built per language, on first use, and kept.
    """

    def __init__(self, lexicon: Mapping[str, Any] | None = None, stem_cache: int = 50_000) -> None:
        # stems of the words seen, per language: news repeats its words, and a dictionary
        # look-up is far cheaper than a stemmer; emptied when it holds ``stem_cache`` words so
        # memory stays bounded whatever the input
        self._stems: dict[str, dict[str, str]] = {}
        self._stem_cache = stem_cache
        data = dict(lexicon) if lexicon is not None else _default_lexicon()
        if "codes" not in data and isinstance(data.get("lexicon"), Mapping):
            data = dict(data["lexicon"])
        self.version = str(data.get("version", ""))
        self.codes: dict[str, dict[str, list[str]]] = {
            code: {lang: list(terms or []) for lang, terms in (by_lang or {}).items()}
            for code, by_lang in (data.get("codes") or {}).items()
        }
        fingerprint = json.dumps(self.codes, sort_keys=True, ensure_ascii=False)
        digest = hashlib.sha256(fingerprint.encode("utf-8")).hexdigest()
        self._automata: dict[str, _Automaton] = _AUTOMATA.setdefault(digest, {})

    def terms(self, lang: str) -> dict[str, list[str]]:
        """The terms per code for ``lang``."""
        return {code: by_lang.get(lang, []) for code, by_lang in self.codes.items()}

    def _automaton(self, lang: str) -> _Automaton:
        cached = self._automata.get(lang)
        if cached is not None:
            return cached
        keys: dict[str, dict[tuple[str, str], int]] = {}
        for code, terms in self.terms(lang).items():
            for term in terms:
                stems = stem_sequence(term, lang)
                if not stems:
                    continue
                key = f" {' '.join(stems)} "
                keys.setdefault(key, {})[(code, term)] = len(stems)
        automaton = None
        stems = {s for key in keys for s in key.split()}
        heads, unlike = _heads(stems, lang), _unlike(stems, lang)
        if keys:
            automaton = ahocorasick.Automaton()
            for key, payload in keys.items():
                # value: (number of tokens, ((code, term), ...)) — one key may serve many codes
                automaton.add_word(key, (next(iter(payload.values())), tuple(payload)))
            automaton.make_automaton()
        built = _Automaton(automaton, len(keys), heads, unlike)
        self._automata[lang] = built
        return built

    def code(self, text: str, lang: str) -> CodingResult:
        """Find the lexicon's terms in ``text`` (in language ``lang``) and score the codes.

        A term found inside a longer hit of the same code is dropped ("комиссия" inside
        "межправительственная комиссия" counts once); each remaining hit adds 1 to its code.
        """
        built = self._automaton(lang)
        found = words(text)
        if built.automaton is None or not found:
            return CodingResult(lang=lang)
        stems = self._stem_words(found, lang, built)
        # The stem string " s0 s1 … sn " and, for each token, where its closing space stands
        # (all computed in C: a per-token Python loop was most of the coder's time).
        haystack = f" {' '.join(stems)} "
        closing = list(map(add, accumulate(map(len, stems)), count(1)))
        hits: list[tuple[int, int, str, str]] = []  # (first token, last token, code, term)
        for end_char, (n_tokens, payload) in built.automaton.iter(haystack):
            last = bisect_left(closing, end_char)  # end_char is the closing space of the match
            if last == len(closing) or closing[last] != end_char:
                continue
            first = last - n_tokens + 1
            hits.extend((first, last, code, term) for code, term in payload)
        if not hits:
            return CodingResult(lang=lang)
        spans = token_matches(text)
        kept = _drop_nested(hits)
        evidence = [
            Evidence(code, term, spans[a].start(), spans[b].end()) for a, b, code, term in kept
        ]
        evidence = _without_names(text, evidence)
        evidence = _without_sources(text, evidence, lang)
        evidence.sort(key=lambda e: (e.start, e.end, e.code))
        scores: dict[str, float] = {}
        for item in evidence:
            scores[item.code] = scores.get(item.code, 0.0) + 1.0
        return CodingResult(lang=lang, evidence=evidence, scores=scores)

    def _stem_words(self, found: list[str], lang: str, built: _Automaton) -> list[str]:
        """The stems of ``found`` (spaces taken out, so each stays one token), cached. A word
        that cannot stem to any key's stem (``_needs_stem``) keeps its lower-cased self, which
        meets no key either: stemming new words (pymorphy3 above all) was most of the coder's
        time on a stream, whose every text brings names and words not seen before."""
        cache = self._stems.setdefault(lang, {})
        stems = list(map(cache.get, found))
        if None in stems:
            if len(cache) > self._stem_cache:
                cache.clear()
            # the places of the new words, found in C: most texts bring one or two (a number,
            # a name), and a Python loop over every word was the coder's largest cost
            for i in compress(count(), map(is_, stems, repeat(None))):
                word = found[i]
                if word.isascii() and word.isdigit():
                    # a number is its own stem in every language (tests/test_text_fast.py);
                    # numbers are most of the new words of a stream (each issue, each
                    # count), so they are neither stemmed nor remembered
                    stems[i] = word
                elif not _needs_stem(word, lang, built):
                    stems[i] = cache[word] = word.lower()
                else:
                    # the stemmer itself, not its own cache: this dictionary is the one
                    # cache of the words of texts, so memory has one bound
                    stems[i] = cache[word] = stem.__wrapped__(word, lang).replace(" ", "")
        return stems


def _needs_stem(word: str, lang: str, built: _Automaton) -> bool:
    """Whether ``word`` may stem to a stem of ``built``'s keys: a word longer than
    ``_SURE_LENGTH`` letters whose first letters begin no such stem, and which is no Russian
    form of a lemma spelt otherwise, cannot (``tests/test_text_fast_windows.py`` checks every
    word of the corpus, the benchmark and bench texts against the stemmer)."""
    lowered = word.lower()
    if lang == "ru":
        lowered = lowered.replace("ё", "е")
    if len(lowered) <= _SURE_LENGTH or lowered[:_HEAD] in built.heads:
        return True
    return lowered in built.unlike


def _names(text: str) -> list[tuple[int, int]]:
    """Spans of short quotations, which are names rather than words that frame."""
    return [
        (m.start(), m.end()) for m in _NAME_IN_QUOTES.finditer(text) if len(m.group().split()) <= 4
    ]


def _without_names(text: str, evidence: list[Evidence]) -> list[Evidence]:
    """Frame evidence that is part of a name is no frame: a hit inside a short quotation, or a
    capitalised hit in mid-sentence ("Ынтымак сарайында", "the Friendship festival")."""
    frames = set(_groups()["frame"])
    if not any(e.code in frames for e in evidence):
        return evidence
    names = _names(text)
    kept = []
    for e in evidence:
        if e.code in frames:
            if any(a <= e.start and e.end <= b for a, b in names):
                continue
            if text[e.start].isupper() and not _SENTENCE_START.search(
                text[max(0, e.start - 3) : e.start]
            ):
                continue
        kept.append(e)
    return kept


def _sentence(text: str, start: int, end: int) -> str:
    before = [m.end() for m in _SENTENCE_BREAK.finditer(text, 0, start)]
    after = _SENTENCE_BREAK.search(text, end)
    return text[before[-1] if before else 0 : after.start() if after else len(text)]


def _is_source(text: str, e: Evidence, lang: str) -> bool:
    """Whether the hit names who reported or who was spoken to (see ``_SOURCE_TERMS``)."""
    if e.term in _JOURNALISTS.get(lang, ()):
        word = text[e.start : e.end]
        ending = _ADDRESSEE_ENDING.get(lang)
        if ending is not None:
            saying = _SAYING[lang].search(_sentence(text, e.start, e.end))
            return bool(ending.search(word.casefold()) and saying)
        spoken_to = _SPOKEN_TO.get(lang)
        return bool(spoken_to and spoken_to.search(text[max(0, e.start - 12) : e.start]))
    if e.term not in _SOURCE_TERMS.get(lang, ()):
        return False
    if lang == "en" and e.term == "press" and _PRESS_OF.search(text[e.end : e.end + 14]):
        return True
    saying = _SAYING.get(lang)
    return bool(saying and saying.search(_sentence(text, e.start, e.end)))


def _without_sources(text: str, evidence: list[Evidence], lang: str) -> list[Evidence]:
    """Discursive evidence that only names the source of a report, or its addressees, is none;
    nor is the conference of a press conference a scholarly one."""
    return [
        e
        for e in evidence
        if not (e.code == "discursive" and _is_source(text, e, lang))
        and not (lang == "en" and e.term == "conference" and _PRESS_BEFORE.search(text[: e.start]))
    ]


def _drop_nested(hits: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Hits not contained in a longer hit of the same code (same span, other term: kept once).

    One sweep per code over hits sorted by start, longest first: a hit ending no later than
    the furthest end seen so far lies inside an earlier hit. Linear after the sort, so long
    documents with thousands of hits stay fast.
    """
    by_code: dict[str, list[tuple[int, int, str, str]]] = {}
    for hit in hits:
        by_code.setdefault(hit[2], []).append(hit)
    kept: list[tuple[int, int, str, str]] = []
    for group in by_code.values():
        furthest = -1
        for hit in sorted(group, key=lambda h: (h[0], -h[1], h[3])):
            if hit[1] <= furthest:
                continue
            kept.append(hit)
            furthest = hit[1]
    return kept


@lru_cache(maxsize=1)
def default_coder() -> LexiconCoder:
    """One shared coder over the default lexicon, so its automata are built once per process."""
    return LexiconCoder()


def code_text(text: str, lang: str) -> CodingResult:
    """Code ``text`` with the default lexicon."""
    return default_coder().code(text, lang)
