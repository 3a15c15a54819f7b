"""The reader's language: chosen from ``?lang=``, a cookie, or the browser's Accept-Language,
and the locale-aware formatting of dates and numbers (Babel's CLDR data knows ru, ky, tg)."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime, format_skeleton
from babel.numbers import format_decimal, format_percent
from fastapi import Request

from lowpolitics.framework.dates import PartialDate
from lowpolitics.framework.i18n import LANGUAGES, translator
from lowpolitics.framework.notes import render as render_note

LANG_COOKIE = "lp_lang"
LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "ky": "Кыргызча", "tg": "Тоҷикӣ"}


def request_language(request: Request) -> str:
    chosen = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    header = request.headers.get("accept-language", "")
    for part in header.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "en"


class Formatter:
    """Dates and numbers for one language, as Jinja filters and for JSON-free page text."""

    def __init__(self, lang: str):
        self.lang = lang
        self.gettext = translator(lang)

    def date(self, value: date | datetime | None, precision: str = "day") -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            return format_datetime(value, format="medium", locale=self.lang)
        if precision == "year":
            return str(value.year)
        if precision == "month":
            return format_skeleton("yMMMM", value, locale=self.lang)
        return format_date(value, format="medium", locale=self.lang)

    def partial(self, text: str | None) -> str:
        """A registry date as written (YYYY, YYYY-MM or YYYY-MM-DD) in the reader's locale,
        keeping its precision: '2023-05' is May 2023, never 1 May 2023."""
        if not text:
            return ""
        try:
            value = PartialDate.parse(text)
        except ValueError:
            return text
        return self.date(value.start, value.precision)

    def moment(self, text: str | None) -> str:
        """An ISO timestamp (as the API gives it; stored in UTC) as a date and time in the
        reader's locale, marked UTC so that Bishkek (+6) and Dushanbe (+5) read it right."""
        if not text:
            return ""
        try:
            return self.date(datetime.fromisoformat(text).replace(tzinfo=None)) + " UTC"
        except ValueError:
            return text

    def note(self, item) -> str:
        """An analysis note (an entry of a section's ``notes``, or a warning) in this language,
        as markup: its identifiers as code, the record's own text marked as such."""
        return render_note(item, self.lang, html=True)

    def number(self, value: float | int | None, digits: int = 0) -> str:
        if value is None:
            return "—"
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.lang)

    def percent(self, value: float | None, digits: int = 0) -> str:
        if value is None:
            return "—"
        pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
        return format_percent(value, format=pattern, locale=self.lang)
