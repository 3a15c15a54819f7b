"""Language identification for ru, ky, tg, en and uz: script rules first, py3langid second.

Why both: py3langid is accurate on sentences but has no notion of which letters a language
cannot contain, and on short or mixed text it guesses. The letters that only one of our
languages uses are cheap, certain evidence, so they decide when there are enough of them.

Rules, in order (a "share" is marker letters divided by all letters of the text):

1. Fewer than ``MIN_LETTERS`` letters or fewer than two words: ``other``, score ≤ 0.1.
2. Less than half the letters are Latin or Cyrillic (Arabic, Chinese…): ``other``.
3. Marker letters give *strong* evidence for a language when their share is ≥ 2 % and there
   are at least two of them (or one, in a text under 50 letters):

   - ky: ө ү ң (Kyrgyz only, among ru/tg/uz/en; ө ү are Mongolian too, ң Kazakh too)
   - tg: ӣ ӯ ҷ (Tajik only)
   - uz: ў (Uzbek Cyrillic; Belarusian too, but Belarusian also has і and lands in 'other')
   - uz: oʻ gʻ (any apostrophe, English contractions excepted) and q not followed by u,
     in Latin script; the modifier letter ʻ counts double
   - other: ә і ұ һ ї є ґ (Kazakh, Ukrainian, Belarusian) and Latin letters with
     diacritics such as ş ğ ı é ñ ä (Turkish, French, German… never Uzbek or English)

   One strong language: it wins whatever the model says (method ``script``, or
   ``script+model`` if the model agrees), except that ky backed only by ө/ү yields to a
   model verdict of mn or kk (those languages write ө ү too), and ky markers next to strong
   Kazakh/Ukrainian letters are read as Kazakh (it writes ө ү ң as well). Several strong
   languages (a bilingual text, or a Tajik typist using ў for ӯ): the model chooses.
4. No strong language, but ҳ қ ғ reach the strong share: Tajik or Uzbek Cyrillic (Kazakh was
   excluded by its own letters), and the model, restricted to those two, decides which.
5. Otherwise the model decides: py3langid restricted to ru ky tg en uz kk be uk mn bg, so
   that Cyrillic text in a confusable language has somewhere to go besides our five. Any
   answer outside ru/ky/tg/en/uz is reported as ``other``.

A Russian article naming "Көк-Таш" once stays Russian: one marker in hundreds of letters is
far below the 2 % share. The model is loaded once, on first use.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal, cast

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

Lang = Literal["ru", "ky", "tg", "en", "uz", "other"]
Method = Literal["script", "model", "script+model"]

TARGET_LANGS: tuple[str, ...] = ("ru", "ky", "tg", "en", "uz")
MODEL_LANGS: tuple[str, ...] = ("ru", "ky", "tg", "en", "uz", "kk", "be", "uk", "mn", "bg")
MIN_LETTERS = 10
STRONG_SHARE = 0.02
SHORT_TEXT = 50

_KY = frozenset("өүң")
_TG = frozenset("ӣӯҷ")
_UZ_CYRL = frozenset("ў")
_TG_UZ = frozenset("ҳқғ")
_OTHER_CYRL = frozenset("әіұһїєґ")
# Latin letters with diacritics that neither English nor Uzbek (1995 alphabet) writes.
_APOSTROPHES = "ʻ‘’ʼ'`"
_UZ_LATIN = re.compile(rf"[og]([{_APOSTROPHES}])(?!(?:s|t|d|ll|re|ve|m)\b)[a-z]")
_Q_NOT_U = re.compile(r"q(?!u)[a-z]")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class LanguageGuess:
    """The verdict on one text, with how it was reached so a reviewer can check it."""

    lang: Lang
    score: float
    method: Method
    evidence: str


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    """Load py3langid's model once (about 0.6 s from its archive, 0.1 s from the unpacked copy
    in the cache: :mod:`lowpolitics.text.langid_model`) and restrict it to ``MODEL_LANGS``."""
    from py3langid.langid import MODEL_FILE

    from lowpolitics.text.langid_walk import word_walking_identifier

    identifier = word_walking_identifier(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(MODEL_LANGS))
    return identifier


def _model_rank(text: str) -> dict[str, float]:
    """Probability per model language, best first."""
    return dict(_identifier().rank(text))


@lru_cache(maxsize=4096)
def _script(letter: str) -> str:
    """'cyrl', 'latn' or 'other' for one letter (remembered: a text has few distinct ones)."""
    name = unicodedata.name(letter, "")
    if name.startswith("CYRILLIC"):
        return "cyrl"
    if name.startswith("LATIN"):
        return "latn"
    return "other"


def _markers(lowered: str, latin: bool) -> dict[str, Counter[str]]:
    """Marker letters found, per evidence class (ky, tg, uz, other, tg|uz). Latin letters with
    diacritics count only in Latin-script text: in Cyrillic text an "ö" is a Kyrgyz typist's ө."""
    found: dict[str, Counter[str]] = {k: Counter() for k in ("ky", "tg", "uz", "other", "tg|uz")}
    # each distinct character once, in order of first appearance (as a walk over the text
    # would add them), with its count: the per-character work is done in C by Counter
    for ch, n in Counter(lowered).items():
        if ch in _KY:
            found["ky"][ch] += n
        elif ch in _TG:
            found["tg"][ch] += n
        elif ch in _UZ_CYRL:
            found["uz"][ch] += n
        elif ch in _OTHER_CYRL:
            found["other"][ch] += n
        elif ch in _TG_UZ:
            found["tg|uz"][ch] += n
        elif latin and ch.isalpha() and not ch.isascii() and _script(ch) == "latn":
            found["other"][ch] += n
    for match in _UZ_LATIN.finditer(lowered):
        weight = 2 if match.group(1) == "ʻ" else 1
        found["uz"][match.group(0)[:2]] += weight
    for match in _Q_NOT_U.finditer(lowered):
        found["uz"][match.group(0)[:1]] += 1
    return found


def _describe(counts: Counter[str], letters: int) -> str:
    """Human-readable marker counts, e.g. 'ӯ×1 ҷ×2 (4.8 % of 62 letters)'."""
    items = " ".join(f"{k}×{v}" for k, v in counts.most_common())
    return f"{items} ({100 * counts.total() / letters:.1f} % of {letters} letters)"


def _is_strong(counts: Counter[str], letters: int) -> bool:
    """Enough marker letters to overrule the model (see rule 3)."""
    total = counts.total()
    enough = total >= 2 or (total >= 1 and letters < SHORT_TEXT)
    return enough and total / letters >= STRONG_SHARE


def _as_target(lang: str) -> Lang:
    """Model label to our label: anything outside the five targets is 'other'."""
    return cast(Lang, lang if lang in TARGET_LANGS else "other")


def _model_text(ranked: dict[str, float]) -> str:
    best = list(ranked.items())[:2]
    return "py3langid: " + ", ".join(f"{k} {v:.3f}" for k, v in best)


def _choose(candidates: list[str], ranked: dict[str, float]) -> tuple[str, float]:
    """The model's favourite among ``candidates`` ('other' = kk, be, uk, mn, bg), with its
    probability renormalised over the candidates."""
    pooled: dict[str, float] = {}
    for lang, prob in ranked.items():
        key = lang if lang in TARGET_LANGS else "other"
        if key in candidates:
            pooled[key] = pooled.get(key, 0.0) + prob
    best = max(candidates, key=lambda c: pooled.get(c, 0.0))
    total = sum(pooled.values()) or 1.0
    return best, pooled.get(best, 0.0) / total


_Evidence = tuple[int, dict[str, Counter[str]], list[str]]  # letters, markers, strong languages


def _script_evidence(text: str) -> LanguageGuess | _Evidence:
    """Rules 1–3 without the model: a verdict when the script alone gives one (too short,
    foreign), else the letter count, the markers found and the strong languages."""
    letters = {ch: n for ch, n in Counter(text).items() if ch.isalpha()}
    n_letters = sum(letters.values())
    n_words = len(_WORD.findall(text))
    if n_letters < MIN_LETTERS or n_words < 2:
        score = 0.1 if n_letters else 0.0
        return LanguageGuess("other", score, "script", f"too short: {n_letters} letters")
    scripts: Counter[str] = Counter()
    for ch, n in letters.items():
        scripts[_script(ch)] += n
    foreign = scripts["other"] / n_letters
    if foreign > 0.5:
        return LanguageGuess("other", 0.9, "script", f"{foreign:.0%} non-Latin/Cyrillic")

    found = _markers(text.lower(), latin=scripts["latn"] > scripts["cyrl"])
    strong = [k for k in ("ky", "tg", "uz", "other") if _is_strong(found[k], n_letters)]
    if "other" in strong and "ky" in strong:
        strong.remove("ky")  # Kazakh writes ө ү ң as well as ә і ұ
    return n_letters, found, strong


def identify_lang(text: str) -> Lang:
    """The language :func:`identify` would give ``text``, without asking the model when the
    script rules alone decide it (one strong language, other than Kyrgyz without ң, which
    yields to a model verdict of mn or kk): the model reads every byte in Python and costs
    more than the rest of fast classification."""
    evidence = _script_evidence(text)
    if isinstance(evidence, LanguageGuess):
        return evidence.lang
    _, found, strong = evidence
    if len(strong) == 1 and not (strong[0] == "ky" and "ң" not in found["ky"]):
        return _as_target(strong[0])
    return _with_model(text, evidence).lang


def identify(text: str) -> LanguageGuess:
    """Guess the language of ``text`` by the documented rules (module docstring)."""
    evidence = _script_evidence(text)
    if isinstance(evidence, LanguageGuess):
        return evidence
    return _with_model(text, evidence)


def _with_model(text: str, evidence: _Evidence) -> LanguageGuess:
    """Rules 3–5 once the script's evidence is counted: the model joins in."""
    n_letters, found, strong = evidence
    ranked = _model_rank(text)
    model_best = next(iter(ranked))
    model_note = _model_text(ranked)

    if len(strong) == 1:
        lang = _as_target(strong[0])
        evidence = f"{_describe(found[lang], n_letters)}; {model_note}"
        if lang == "ky" and "ң" not in found["ky"] and model_best in ("mn", "kk"):
            return LanguageGuess("other", ranked[model_best], "script+model", evidence)
        if _as_target(model_best) == lang:
            return LanguageGuess(lang, max(ranked[model_best], 0.9), "script+model", evidence)
        return LanguageGuess(lang, 0.75, "script", evidence)
    if len(strong) > 1:
        lang, prob = _choose(strong, ranked)
        parts = "; ".join(f"{k}: {_describe(found[k], n_letters)}" for k in strong)
        return LanguageGuess(_as_target(lang), prob, "script+model", f"{parts}; {model_note}")
    if _is_strong(found["tg|uz"], n_letters):
        lang, prob = _choose(["tg", "uz"], ranked)
        evidence = f"{_describe(found['tg|uz'], n_letters)} → tg|uz; {model_note}"
        return LanguageGuess(_as_target(lang), prob, "script+model", evidence)
    return LanguageGuess(_as_target(model_best), ranked[model_best], "model", model_note)


def identify_many(texts: Iterable[str]) -> list[LanguageGuess]:
    """``identify`` for each text, in order (the model is loaded once for all)."""
    return [identify(text) for text in texts]
