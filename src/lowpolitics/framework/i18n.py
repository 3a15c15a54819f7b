"""Translations of interface and report text through gettext catalogues (Babel).

Catalogues are ``.po`` files under ``framework/locales/<lang>/LC_MESSAGES/messages.po``, read
with Babel at first use — no compile step at install time. English is the source language; a
message missing from a catalogue falls back to English, and the tests check that the Russian
catalogue covers every message the code and templates use. Update the template with
``pybabel extract -F babel.cfg -o messages.pot src`` and the catalogues with
``pybabel update -i messages.pot -d src/lowpolitics/framework/locales``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from importlib import resources

from babel.messages.pofile import read_po

LANGUAGES = ("en", "ru", "ky", "tg")


@lru_cache(maxsize=8)
def catalogue(lang: str) -> dict[str, str]:
    """msgid → msgstr for ``lang`` (empty for English or a language without a catalogue)."""
    if lang == "en":
        return {}
    path = resources.files("lowpolitics.framework").joinpath(
        f"locales/{lang}/LC_MESSAGES/messages.po"
    )
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    return {
        message.id: message.string
        for message in catalog
        if message.id and isinstance(message.id, str) and message.string and not message.fuzzy
    }


def translator(lang: str) -> Callable[[str], str]:
    """A ``_`` function for ``lang``: the translation, or the English text when there is none."""
    table = catalogue(lang)
    return lambda text: table.get(text, text)


# data written by people (a row's title, a user's rule) often exists in English and Russian
# only; Kyrgyz and Tajik readers read Russian, so it is their next language before English
FALLBACK = {"ky": "ru", "tg": "ru"}


def pick(texts: Mapping[str, str | None], lang: str) -> tuple[str, str]:
    """(text, its language) from ``texts`` by language: the reader's own, else the fallback
    language, else English, else any; ("", lang) when there is none. The language is returned
    so a page can mark text that is not in the reader's language (``lang="…"``)."""
    for code in (lang, FALLBACK.get(lang), "en", *texts):
        if code and texts.get(code):
            return texts[code] or "", code
    return "", lang
