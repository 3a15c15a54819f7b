"""Stems for lexicon matching in Russian, Kyrgyz, Tajik and English, and a tokenizer.

The lexicon coder compares *stems*, not surface forms: a lexicon term written as a lemma
("соглашение", "фестиваль", "ҳамкорӣ") has to meet its inflected forms in news text
("соглашением", "фестивалында", "ҳамкориҳои"). What matters for matching is that all forms of
one word reach the same key, more than that the key is a linguistically correct stem.

- ru: pymorphy3's normal form (a real lemma), with Snowball Russian as a fallback should the
  dictionaries be missing;
- en: Snowball English;
- tg: tajiknlp's ``DictStemmer``, checked: its result is accepted only when what it cut off is a
  sequence of inflectional endings (so "сарҳади" does not become "сарҳ"), and never below three
  letters; otherwise a small rule stripper takes over. The derivational "-ӣ" is dropped last so
  "ҳамкорӣ" and "ҳамкориҳои" meet at "ҳамкор";
- ky: no analyser is available offline, so a rule-based suffix stripper (tables below).

Models load lazily on first use (tajiknlp takes a few seconds), once per process.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import snowballstemmer

MIN_STEM = 3  # no stemmer may cut a word below this many letters
_STEM_MEMO = 200_000  # words whose stem a process remembers (here and in DictStemmer)

# A token: letters/digits, possibly joined by inner hyphens or apostrophes ("чыр-чатак",
# "Kyrgyzstan's"). Underscore is not a word character here.
_TOKEN = re.compile(r"[^\W_]+(?:[-'’ʼ][^\W_]+)*")


def tokens(text: str) -> list[tuple[str, int, int]]:
    """Tokens of ``text`` as ``(token, start, end)``; offsets are code-point indices into text."""
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def words(text: str) -> list[str]:
    """The tokens of ``text`` without offsets: what :func:`tokens` finds, listed in C (the
    lexicon coder needs offsets only for the few tokens a term matched)."""
    return _TOKEN.findall(text)


def token_matches(text: str) -> list[re.Match[str]]:
    """The tokens of ``text`` as match objects, for their offsets."""
    return list(_TOKEN.finditer(text))


# ---------------------------------------------------------------------------------------------
# Russian and English
# ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _morph() -> Any | None:
    """The pymorphy3 analyser (≈0.1 s to load), or None when it or its dictionary is missing."""
    try:
        import pymorphy3

        return pymorphy3.MorphAnalyzer(lang="ru")
    except Exception:  # ImportError, or a missing/broken dictionary package
        return None


@lru_cache(maxsize=4)
def _snowball(algorithm: str) -> Any:
    return snowballstemmer.stemmer(algorithm)


def _stem_ru(word: str) -> str:
    """The most probable lemma: inflection is mostly suffixal but with stem changes (дни/день)."""
    morph = _morph()
    if morph is None:
        return _snowball("russian").stemWord(word)
    return morph.parse(word)[0].normal_form.replace("ё", "е")


def _stem_en(word: str) -> str:
    return _snowball("english").stemWord(word.replace("’", "'"))


# ---------------------------------------------------------------------------------------------
# Tajik
# ---------------------------------------------------------------------------------------------
# What DictStemmer may legitimately cut: [derivational -ӣ/-и] [plural] [izofat] [object -ро].
# Possessive endings (-ам/-ат/-аш) are left out on purpose: they collide with stems such as
# "вазорат", "давлат", "ҳукумат", which DictStemmer would otherwise cut to "вазор" etc.
_TG_TAIL = re.compile(r"[иӣ]?(?:ҳо|он|ён|гон|вон)?(?:и|ӣ|йи)?(?:ро)?")
# A cut animate plural (-он …) is trusted only if the stem left is a known word form:
# DictStemmer would otherwise take "парлумони" to "парлум".
_TG_PLURAL = re.compile(r"^[иӣ]?(?:он|ён|гон|вон)")


# The packages on the way to DictStemmer's module. Their ``__init__`` files import tajiknlp's
# whole toolkit (pandas, scikit-learn, scipy, pyarrow: about 170 MB resident and 3 s), of which
# the stemmer uses nothing; they are stood in for while its module loads (see below).
_TAJIKNLP_PACKAGES = (
    "tajiknlp",
    "tajiknlp.core",
    "tajiknlp.components",
    "tajiknlp.components.lemmatizers",
    "tajiknlp.components.stemmers",
)


def _import_dict_stemmer() -> Any:
    """DictStemmer's class, imported without running tajiknlp's package ``__init__`` files.

    Each package on the way is stood in for by an empty module with the package's real path,
    so only the stemmer's own module and the few it imports (config, errors, schemas, the
    component base) load. The stand-ins are removed afterwards with every module loaded under
    them, so a later ``import tajiknlp`` elsewhere gets the real package, whole. When tajiknlp
    is already imported in full it is simply used.
    """
    import importlib
    import importlib.util
    import sys
    import types

    if "tajiknlp" in sys.modules:
        return importlib.import_module("tajiknlp.components.stemmers.tajik_stemmer").DictStemmer
    spec = importlib.util.find_spec("tajiknlp")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("tajiknlp is not installed")
    root = list(spec.submodule_search_locations)[0]
    before = set(sys.modules)
    try:
        for name in _TAJIKNLP_PACKAGES:
            stand_in = types.ModuleType(name)
            stand_in.__path__ = [root + name[len("tajiknlp") :].replace(".", "/")]
            sys.modules[name] = stand_in
        return importlib.import_module("tajiknlp.components.stemmers.tajik_stemmer").DictStemmer
    finally:
        for name in set(sys.modules) - before:
            if name == "tajiknlp" or name.startswith("tajiknlp."):
                del sys.modules[name]


@lru_cache(maxsize=1)
def _tajik_stemmer() -> Any | None:
    """tajiknlp's DictStemmer (about a second to load its dictionary), or None when
    unavailable."""
    try:
        return _import_dict_stemmer()()
    except Exception:  # ImportError or a data-loading error inside tajiknlp
        return None


def _tg_rules(word: str, known: Any = frozenset()) -> str:
    """Strip Tajik inflection the rule way: -ро, plural -ҳо(и), izofat -и (-ии → -ӣ).

    The animate plural -он/-ён/-гон is cut only when what remains is a word form ``known`` to
    tajiknlp's corpus dictionary: "ҳунармандон" → "ҳунарманд", but "тоҷикистон" stays.
    """
    for _ in range(4):
        if word.endswith("ро") and len(word) - 2 >= MIN_STEM:
            word = word[:-2]
        elif word.endswith("ҳои") and len(word) - 3 >= MIN_STEM:
            word = word[:-3]
        elif word.endswith("ҳо") and len(word) - 2 >= MIN_STEM:
            word = word[:-2]
        elif word.endswith("ии") and len(word) - 1 >= MIN_STEM:
            word = word[:-2] + "ӣ"  # izofat of an -ӣ word: "ҳамсоягии" → "ҳамсоягӣ"
        elif word.endswith("и") and len(word) - 1 >= MIN_STEM:
            word = word[:-1]
        elif plural := next((p for p in ("гон", "он", "ён") if word.endswith(p)), None):
            rest = word[: -len(plural)]
            if len(rest) < MIN_STEM or rest not in known:
                break
            word = rest
        else:
            break
    return word


def _stem_tg(word: str) -> str:
    """DictStemmer's stem when it only cut inflection, else the rule stripper; then drop -ӣ."""
    word = word.lower()
    dict_stemmer = _tajik_stemmer()
    stem = word
    if dict_stemmer is not None:
        # DictStemmer remembers every word it was given, without bound: over a long input that
        # was the one cache growing with its size; it is emptied at the bound of ``stem``'s own
        memo = getattr(dict_stemmer, "_cache", None)
        if isinstance(memo, dict) and len(memo) > _STEM_MEMO:
            memo.clear()
        candidate = dict_stemmer.stem(word)
        tail = word[len(candidate) :] if word.startswith(candidate) else None
        if (
            candidate != word
            and len(candidate) >= MIN_STEM
            and tail is not None
            and _TG_TAIL.fullmatch(tail)
            and (candidate in dict_stemmer.surface_pos or not _TG_PLURAL.search(tail))
        ):
            stem = candidate
    if stem == word:
        stem = _tg_rules(word, dict_stemmer.surface_pos if dict_stemmer else frozenset())
    if stem.endswith("ӣ") and len(stem) - 1 >= MIN_STEM:
        stem = stem[:-1]  # "дӯстӣ" → "дӯст", so it meets "дӯстии" → "дӯст"
    return stem


# ---------------------------------------------------------------------------------------------
# Kyrgyz: rule-based suffix stripping
# ---------------------------------------------------------------------------------------------
# Each ending with its vowel-harmony (а/е/о/ө, ы/и/у/ү) and consonant-assimilation (л/д/т,
# г/к, н/д/т) variants. Derivational endings (-лык, -чы, -луу …) are left alone: they make
# new words ("коопсуздук", "окуучу") that a lexicon lists on their own.
KY_SUFFIXES: dict[str, tuple[str, ...]] = {
    "plural": (
        "лар", "лер", "лор", "лөр", "дар", "дер", "дор", "дөр", "тар", "тер", "тор", "төр",
    ),
    "possessive_3": ("ы", "и", "у", "ү", "сы", "си", "су", "сү"),
    "possessive_1pl": ("ыбыз", "ибиз", "убуз", "үбүз"),
    "possessive_accusative": ("ын", "ин", "ун", "үн"),
    "genitive": (
        "нын", "нин", "нун", "нүн", "дын", "дин", "дун", "дүн", "тын", "тин", "тун", "түн",
    ),
    "dative": ("га", "ге", "го", "гө", "ка", "ке", "ко", "кө", "на", "не", "но", "нө"),
    # also the past tense (-ды, -ти …) of verbs, which has the same shapes
    "accusative": (
        "ны", "ни", "ну", "нү", "ды", "ди", "ду", "дү", "ты", "ти", "ту", "тү",
    ),
    "locative": (
        "да", "де", "до", "дө", "та", "те", "то", "тө", "нда", "нде", "ндо", "ндө",
    ),
    "ablative": (
        "дан", "ден", "дон", "дөн", "тан", "тен", "тон", "төн", "нан", "нен", "нон", "нөн",
    ),
    "relative_locative": (
        "дагы", "деги", "догу", "дөгү", "тагы", "теги", "тогу", "төгү",
        "ндагы", "ндеги", "ндогу", "ндөгү",
    ),
    "participle": ("ган", "ген", "гон", "гөн", "кан", "кен", "кон", "көн"),
}  # fmt: skip
_KY_ENDINGS: tuple[str, ...] = tuple(
    sorted({s for group in KY_SUFFIXES.values() for s in group}, key=len, reverse=True)
)
# A stem-final voiced consonant before a vowel ending is voiceless in the bare word:
# "аймагы" → "аймаг" → "аймак", "китеби" → "китеп". Applied to every stem, so both meet.
_KY_DEVOICE = {"г": "к", "б": "п"}


_KY_VOWELS = frozenset("аеёиоөуүыэюя")
_KY_VOICELESS = frozenset("пткфхсшщчц")


def _ky_fits(stem: str, ending: str) -> bool:
    """Whether ``ending`` can follow ``stem`` by Kyrgyz assimilation rules.

    т-/к- variants follow a voiceless consonant, д-/г- variants never do, and the possessive
    с- variant follows a vowel. Without this, "кызматы" ("its service": кызмат + ы) would lose
    "-ты" and "курсу" would lose "-су"; with it they keep their final consonant.
    """
    before, first = stem[-1:], ending[0]
    if first in "тк":
        return before in _KY_VOICELESS
    if first in "дг":
        return before not in _KY_VOICELESS
    if first == "с":
        return before in _KY_VOWELS
    return True


def _stem_ky(word: str) -> str:
    """Strip Kyrgyz endings, longest first, again and again while ≥ MIN_STEM letters remain."""
    word = word.lower().rstrip("ьъ")
    changed = True
    while changed:
        changed = False
        for ending in _KY_ENDINGS:
            if (
                word.endswith(ending)
                and len(word) - len(ending) >= MIN_STEM
                and _ky_fits(word[: -len(ending)], ending)
            ):
                word = word[: -len(ending)].rstrip("ьъ")
                changed = True
                break
    if word[-1:] in _KY_DEVOICE:
        word = word[:-1] + _KY_DEVOICE[word[-1]]
    return word


# ---------------------------------------------------------------------------------------------
_STEMMERS = {"ru": _stem_ru, "en": _stem_en, "tg": _stem_tg, "ky": _stem_ky}
SUPPORTED_LANGUAGES = tuple(_STEMMERS)


@lru_cache(maxsize=_STEM_MEMO)
def stem(word: str, lang: str) -> str:
    """The matching key of one ``word`` in ``lang`` (ru, ky, tg, en); lower-cased.

    Another language gets the lower-cased word, so an unexpected language code degrades to
    exact matching rather than failing.
    """
    lowered = word.lower()
    stemmer = _STEMMERS.get(lang)
    if stemmer is None or not lowered:
        return lowered
    return stemmer(lowered) or lowered


def stem_sequence(text: str, lang: str) -> list[str]:
    """The stems of every token of ``text`` — how a lexicon term becomes a matching key."""
    return [stem(tok, lang) for tok, _, _ in tokens(text)]
