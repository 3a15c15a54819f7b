"""Analysis notes (warnings) carried as a message id plus values, so every language renders them.

An analysis says "only 4 activities during tension; the rate is not reliable" in English for the
CLI and the JSON, but a Kyrgyz or Tajik reader of the dashboard needs the same note in their
language, with the number in their locale. So a note is built from a catalogue message — the
English template, marked with ``N_`` so the extractor puts it in the catalogues — and its values.

``Note`` is a ``str`` (its English text), so the analyses' lists of warnings, their tests and
their JSON stay as they were; the document adds ``notes`` beside ``warnings`` with the message
and values (``structured``), and the pages and the brief render those in the reader's language
(``render``). A warning that is a plain string has no id: it renders as it is, and a test fails
when an analysis still produces one.

Some values are not words of any language: an identifier (a field path, an indicator code, a
pillar key) is wrapped in ``ident(…)``, and text taken from the record (an initiative's name as
registered) in ``data(…)``. Both read as themselves in every language; on a page they are set
apart — identifiers as code, record text marked not to be translated — so a reader (and a test)
can tell the interface's words from the record's. A note that opens with a field path
("bounds: …", "recurring.{name}: …") shows that path as code the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from babel.numbers import format_decimal
from markupsafe import Markup, escape

from lowpolitics.framework.i18n import translator

Value = str | int | float | list | tuple | Mapping

# a note that opens with a field path ("bounds: ", "by_mechanism.{mechanism}: ")
_SUBJECT = re.compile(r"((?:[\w.\[\]-]|\{\w+\})+): ")


def ident(value: str) -> dict:
    """An identifier in a note: shown as it is in every language, as code on a page."""
    return {"code": str(value)}


def data(value: str | Iterable[str]) -> dict | list[dict]:
    """Text from the record in a note (a name as registered): shown as it is in every language,
    marked on a page as not to be translated. A list gives a list."""
    if isinstance(value, str):
        return {"data": value}
    return [{"data": str(v)} for v in value]


def N_(message: str) -> str:  # noqa: N802 — the name the message extractor looks for
    """Mark ``message`` for the catalogues without translating it (that happens on display)."""
    return message


def _shown(value: Value, lang: str, html: bool) -> str:
    if isinstance(value, Note):  # a note inside a note: a reason given in the reader's words
        return _text(value.message, value.values, lang, html)
    if isinstance(value, Mapping):
        if "code" in value:
            return Markup("<code>{}</code>").format(value["code"]) if html else value["code"]
        if "data" in value:
            shown = value["data"]
            return Markup('<span translate="no">{}</span>').format(shown) if html else shown
        # a nested note, read back from a document
        return _text(value["message"], value.get("values") or {}, lang, html)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return format_decimal(value, format="#,##0", locale=lang)
    if isinstance(value, float):
        return format_decimal(value, format="#,##0.####", locale=lang)
    if isinstance(value, list | tuple):
        parts = [_shown(v, lang, html) for v in value]
        return Markup(", ").join(parts) if html else ", ".join(parts)
    return str(value)


def _format(template: str, shown: Mapping[str, str], html: bool) -> str:
    if html:  # the template is text: escape it, then put the (escaped or marked-up) values in
        return escape(template).format(**shown)
    return template.format(**shown)


def _text(message: str, values: Mapping[str, Value], lang: str, html: bool = False) -> str:
    template = translator(lang)(message)
    shown = {k: _shown(v, lang, html) for k, v in values.items()}
    try:
        text = _format(template, shown, html)
        subject = _SUBJECT.match(message)
        if not (html and subject and template.startswith(subject.group(0))):
            return text
        plain = {k: _shown(v, lang, False) for k, v in values.items()}
        head = subject.group(1).format(**plain)
        rest = _format(template[subject.end() :], shown, html)
        return Markup("<code>{}</code>: ").format(head) + rest
    except (KeyError, IndexError, ValueError):
        # a translation that names a value the English does not: fall back, never fail a page
        return _format(message, shown, html)


class Note(str):
    """A warning: its English text as a string, and the message id and values behind it."""

    message: str
    values: dict[str, Value]

    def __new__(cls, message: str, values: Mapping[str, Value] | None = None) -> Note:
        values = dict(values or {})
        self = super().__new__(cls, _text(message, values, "en"))
        self.message = message
        self.values = values
        return self

    def __reduce__(self):  # copies (dataclasses.asdict deep-copies) keep the id and values
        return (Note, (self.message, self.values))

    def render(self, lang: str) -> str:
        return _text(self.message, self.values, lang)

    def as_dict(self) -> dict:
        return {"message": self.message, "values": _plain(self.values)}


def _plain(value):
    """Values as JSON holds them: nested notes become their message and values."""
    if isinstance(value, Note):
        return value.as_dict()
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def note(message: str, **values: Value) -> Note:
    """A note from a catalogue message (``N_("…{n}…")``) and its values."""
    return Note(message, values)


def structured(warnings: Iterable[str]) -> list[dict]:
    """The ``notes`` of a document section: message id and values of each warning; a plain
    string (a warning written before notes existed, or by a user's plug-in) keeps its text as
    the message, with no values, so it still shows — in English."""
    return [
        w.as_dict() if isinstance(w, Note) else {"message": str(w), "values": {}} for w in warnings
    ]


def render(item: Mapping | str, lang: str, html: bool = False) -> str:
    """One entry of ``notes`` (or a bare warning string) in the reader's language; with
    ``html``, safe markup with identifiers as code and record text marked as such."""
    if isinstance(item, Note):
        return _text(item.message, item.values, lang, html)
    if isinstance(item, Mapping):
        return _text(item["message"], item.get("values") or {}, lang, html)
    text = translator(lang)(str(item))
    return escape(text) if html else text
