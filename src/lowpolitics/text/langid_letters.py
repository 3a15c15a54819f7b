"""Language ID for ``classify --fast`` from letters alone where they decide, the model elsewhere.

:func:`lowpolitics.text.langid.identify_lang` asks py3langid whenever no single language's
marker letters are strong, which on mixed or marker-poor text is most of its cost (the model
walks every byte in Python). Here one ``str.translate`` maps each letter of the prefix to its
class and ``str.count`` totals them, all in C; the verdict is:

1. The same as ``identify_lang`` where its script rules decide without the model (one strong
   language, Kyrgyz only with ң): the same marker letters, the same 2 % share.
2. New: a text whose Latin and Cyrillic letters are nearly all of one script (``DOMINANT``)
   and which holds *no* marker letter of any kind is Russian when Cyrillic and English when
   Latin. No marker means no Kyrgyz ң ө ү, Tajik ӣ ӯ ҷ ҳ қ ғ, Uzbek ў or oʻ/gʻ/q, no
   Kazakh, Ukrainian, Belarusian, Serbian or Macedonian letter, no Latin letter with a
   diacritic, few hard signs (Bulgarian), and none of жы, шы, ээ, ыы, уу or the word «жана»
   (Russian spelling avoids them; Kyrgyz writes them constantly). Of our languages only
   Russian writes Cyrillic without all of those, and only English writes Latin without them.
3. Anything else (mixed scripts, weak or several strong markers, ҳ қ ғ without ӣ ӯ ҷ or ў,
   short text, other scripts): ``identify_lang``, model included, on the same prefix.

Rule 2 changes answers only where it overrules what the model would have said (a text the
model would send to another language); docs/text.md reports how often, and the accuracy on the
corpus and the benchmark, which stays 1.0.
"""

from __future__ import annotations

import re

from lowpolitics.text.langid import MIN_LETTERS, SHORT_TEXT, STRONG_SHARE, Lang, identify_lang

# Share of the Latin plus Cyrillic letters that the dominant script must hold for rule 2.
DOMINANT = 0.95
# Bulgarian writes ъ often (about 2 % of letters); Russian rarely (under 0.2 %).
_HARD_SIGN_SHARE = 0.005

# One ``str.translate`` maps each letter to its class, so that ``count`` calls in C give
# every total: a Cyrillic letter becomes \x01 unless it is a marker (the classes below), an
# ASCII Latin letter \x02; ASCII that is no letter, and common punctuation, is dropped. What
# is left besides the class codes is letters of other scripts or Latin letters with
# diacritics (and rare symbols), which are few, and counted one by one.
_CYRL, _LATN, _KY, _TG, _TG_UZ, _UZ, _FOREIGN_CYRL, _HARD = (chr(c) for c in range(1, 9))
_CLASSES = {
    _KY: "ңөү",  # Kyrgyz
    _TG: "ӣӯҷ",  # Tajik
    _TG_UZ: "ҳқғ",  # Tajik or Uzbek Cyrillic
    _UZ: "ў",  # Uzbek Cyrillic
    # Kazakh, Ukrainian, Belarusian, Serbian and Macedonian letters (langid's "other" markers
    # and the South Slavic ones): any of them sends the text to the model
    _FOREIGN_CYRL: "әіұһїєґјљњџђћѓќѕ",
    _HARD: "ъ",  # Bulgarian writes it often (about 2 % of letters), Russian rarely
}
_TABLE: dict[int, str | None] = {c: None for c in range(128)}
_TABLE.update({ord(c): None for c in "«»“”„‘’ʼ—–‐‑‒…№•·\u00a0"})
_TABLE.update({c: _CYRL for c in range(0x0400, 0x0530) if chr(c).isalpha()})
_TABLE.update({ord(c): _LATN for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"})
for _code, _letters in _CLASSES.items():
    _TABLE.update({ord(c): _code for c in _letters + _letters.upper()})
_MARKER_CODES = "".join(_CLASSES)
_HARD_SIGN_SHARE = 0.005
# Russian spelling never writes жы or шы, nor ээ or ыы (loanwords and names aside); Kyrgyz
# writes them all the time (жыл "year", -шы, кечээ, its long vowels): the corpus has eight
# Kyrgyz openings of 300 characters without ң ө ү, seven with жы or шы, one with ээ.
# (each looked for with ``in``: one case-blind regular expression over the text cost more
# than the rest of the letters' verdict)
_NOT_RUSSIAN = ("жы", "шы", "ээ", "ыы", "уу", "жана")
_UZ_LATIN = re.compile(r"[og][ʻ‘’ʼ'`](?!(?:s|t|d|ll|re|ve|m)\b)[a-z]|q(?!u)[a-z]")


def _strong(markers: int, letters: int) -> bool:
    """``langid._is_strong`` on a count: at least two markers (one in a short text) making at
    least ``STRONG_SHARE`` of the letters."""
    enough = markers >= 2 or (markers >= 1 and letters < SHORT_TEXT)
    return enough and markers / letters >= STRONG_SHARE


def letter_lang(text: str) -> Lang | None:
    """The language the letters of ``text`` decide (rules 1 and 2), or ``None`` when the model
    must be asked."""
    classes = text.translate(_TABLE)
    n = {code: classes.count(code) for code in (_CYRL, _LATN, *_MARKER_CODES)}
    # the class codes are ASCII and no letters: what else is left is counted only if present
    foreign = 0 if classes.isascii() else sum(map(str.isalpha, classes))
    marked = sum(n[code] for code in _MARKER_CODES if code != _HARD)
    cyrl = n[_CYRL] + marked + n[_HARD]
    latn = n[_LATN]
    letters = cyrl + latn + foreign
    # langid's rules 1 and 2 (too little text, other scripts) stay with it
    if letters < max(MIN_LETTERS, SHORT_TEXT) or foreign * 4 > letters:
        return None
    if len(text.split(maxsplit=1)) < 2:
        return None
    uz_latin = len(_UZ_LATIN.findall(text.lower())) if latn else 0
    if not (marked or uz_latin or foreign):
        if (
            cyrl >= DOMINANT * letters
            and n[_HARD] <= _HARD_SIGN_SHARE * letters
            and not any(map(text.lower().__contains__, _NOT_RUSSIAN))
        ):
            return "ru"
        if latn >= DOMINANT * letters:
            return "en"
        return None
    if n[_FOREIGN_CYRL] or foreign:
        return None  # identify_lang weighs those (Kazakh, Turkish…) against the model
    strong = [
        lang
        for lang, count in (("ky", n[_KY]), ("tg", n[_TG]), ("uz", n[_UZ] + uz_latin))
        if _strong(count, letters)
    ]
    if len(strong) == 1 and (strong[0] != "ky" or "ң" in text or "Ң" in text):
        return strong[0]  # type: ignore[return-value]
    return None


def identify_lang_fast(text: str) -> Lang:
    """The language of ``text`` (a prefix) by its letters where they decide, else by
    :func:`~lowpolitics.text.langid.identify_lang`."""
    return letter_lang(text) or identify_lang(text)
