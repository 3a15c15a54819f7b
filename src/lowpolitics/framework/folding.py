"""Folding names to lookup keys: case-, diacritic- and spelling-insensitive.

News spells the same village "Kok-Tash", "Koktash", "Кок-Таш" and "Көк-Таш"; a Tajik typist
without ҳ or ӣ writes "х" and "и". A key keeps only letters and digits, lower-cased, with
diacritics removed and the Kyrgyz and Tajik letters mapped to their plain Cyrillic
neighbours, so all of those meet at one key. Scripts are not merged: Latin and Cyrillic
spellings are separate keys, and the gazetteer lists both.
"""

from __future__ import annotations

import unicodedata

# Letters of Kyrgyz, Tajik, Uzbek and Kazakh Cyrillic that do not decompose under NFKD,
# mapped to the plain Russian letter a keyboard without them would produce.
_CYRILLIC_FOLD = str.maketrans(
    {
        "ҳ": "х",
        "ҷ": "ч",
        "қ": "к",
        "ғ": "г",
        "ң": "н",
        "ө": "о",
        "ү": "у",
        "ұ": "у",
        "ә": "а",
        "і": "и",
        "һ": "х",
        "ў": "у",
        "ё": "е",
        "й": "и",
        "ъ": "",
        "ь": "",
    }
)
# Latin letters that NFKD leaves alone.
_LATIN_FOLD = str.maketrans({"ø": "o", "ß": "ss", "æ": "ae", "đ": "d", "ł": "l", "ı": "i"})


def fold(text: str) -> str:
    """The lookup key of ``text``: letters and digits only, no case, no diacritics."""
    lowered = text.casefold().translate(_CYRILLIC_FOLD).translate(_LATIN_FOLD)
    decomposed = unicodedata.normalize("NFKD", lowered)
    kept = (ch for ch in decomposed if not unicodedata.combining(ch) and (ch.isalnum()))
    return "".join(kept).translate(_CYRILLIC_FOLD)
