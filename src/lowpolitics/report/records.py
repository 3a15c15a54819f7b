"""The rows a brief cites, with their titles in every language and the page that reports them.

Every figure in the brief names the rows behind it. The analysis document carries ids; this
lookup turns an id into what a reader can check — the row's title in the brief's language (the
English title when the row has none in it), its date and its first source — and collects the
cited ids in order, for the brief's list of rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from lowpolitics.framework.i18n import pick
from lowpolitics.store.models import Activity, ActivitySource, ContextEvent, ContextSource, Source


@dataclass(frozen=True)
class RecordRef:
    id: str
    date: str
    precision: str
    titles: dict[str, str]
    source: str | None = None

    def title(self, lang: str) -> str:
        return pick(self.titles, lang)[0] or self.id


@dataclass
class Citations:
    """Ids cited so far, in order of first citation; unknown ids are kept (shown bare)."""

    records: dict[str, RecordRef] = field(default_factory=dict)
    cited: dict[str, None] = field(default_factory=dict)

    def cite(self, ids: list[str] | tuple[str, ...]) -> list[str]:
        for i in ids:
            self.cited.setdefault(i, None)
        return list(ids)

    def listed(self) -> list[RecordRef]:
        return [self.records.get(i) or RecordRef(i, "", "day", {"en": i}) for i in self.cited]


def _first_sources(session: Session, link, owner_column) -> dict[int, str]:
    rows = session.execute(
        select(owner_column, Source.url, link.position)
        .join(Source, Source.id == link.source_id)
        .order_by(owner_column, link.position)
    )
    first: dict[int, str] = {}
    for owner, url, _position in rows:
        first.setdefault(owner, url)
    return first


def records_from_session(session: Session) -> dict[str, RecordRef]:
    """Every activity and context event of the store, by id."""
    out: dict[str, RecordRef] = {}
    sources = _first_sources(session, ActivitySource, ActivitySource.activity_id)
    query = select(
        Activity.id,
        Activity.key,
        Activity.date_start,
        Activity.date_precision,
        Activity.title,
        Activity.title_ru,
        Activity.title_ky,
        Activity.title_tg,
    )
    for pk, key, start, precision, en, ru, ky, tg in session.execute(query):
        titles = {k: v for k, v in (("en", en), ("ru", ru), ("ky", ky), ("tg", tg)) if v}
        out[key] = RecordRef(key, start.isoformat(), precision, titles, sources.get(pk))
    event_sources = _first_sources(session, ContextSource, ContextSource.event_id)
    events = select(
        ContextEvent.id,
        ContextEvent.key,
        ContextEvent.date_start,
        ContextEvent.date_precision,
        ContextEvent.summary,
    )
    for pk, key, start, precision, summary in session.execute(events):
        out[key] = RecordRef(
            key, start.isoformat(), precision, {"en": summary or key}, event_sources.get(pk)
        )
    return out
