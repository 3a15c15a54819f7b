"""Creating, changing and deleting one activity or context event at a time (web and API).

Each record goes through the same row checks as a file import (``check_registry_row``,
``check_context_row``), is written by the same loader (status history, audit entry, version
bump), and an update names the version it was based on: if someone saved in between, the
update is refused with :class:`ConflictError` and nothing is overwritten.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.errors import ConflictError, InputError, NotFoundError
from lowpolitics.framework.gazetteer import Gazetteer
from lowpolitics.ingest.checks import RowChecker
from lowpolitics.ingest.context import CONTEXT_COLUMNS, check_context_row
from lowpolitics.ingest.registry import REGISTRY_COLUMNS, check_registry_row
from lowpolitics.store.audit import record_change
from lowpolitics.store.loader import ACTIVITY_LOADS, CONTEXT_LOADS, load_activities, load_context
from lowpolitics.store.models import Activity, ContextEvent
from lowpolitics.store.rows import activity_row, context_row


def as_cells(data: Mapping[str, object], columns: Iterable[str]) -> dict[str, str]:
    """JSON or form values → the text cells of a row: lists joined with ';', numbers as text."""
    cells: dict[str, str] = {}
    for column in columns:
        value = data.get(column)
        if value is None:
            cells[column] = ""
        elif isinstance(value, list | tuple):
            cells[column] = ";".join(str(v).strip() for v in value if str(v).strip())
        else:
            cells[column] = str(value)
    return cells


def check_version(current: int, given: int | None, what: str) -> None:
    """Refuse an edit based on an older version; ``None`` is refused too — a blind overwrite
    is exactly what this check exists to prevent."""
    if given is None:
        raise ConflictError(
            f"{what}: say which version you edited (field 'version'); the stored one is {current}",
            current_version=current,
        )
    if given != current:
        raise ConflictError(
            f"{what} was changed by someone else since you opened it (stored version "
            f"{current}, yours {given}); reload it, redo your change and save again",
            current_version=current,
        )


# the second-edition columns (record kind onwards) that older forms and clients do not send
KEPT_WHEN_ABSENT = REGISTRY_COLUMNS[REGISTRY_COLUMNS.index("record_kind") :]


def _load_activity(session: Session, key: str, *, lock: bool = False) -> Activity | None:
    query = select(Activity).where(Activity.key == key).options(*ACTIVITY_LOADS)
    if lock:
        query = query.with_for_update()
    return session.scalars(query).first()


def save_activity(
    session: Session,
    codebook: Codebook,
    gazetteer: Gazetteer,
    data: Mapping[str, object],
    *,
    who: str,
    key: str | None = None,
    version: int | None = None,
    source: str = "form",
    as_of: date | None = None,
) -> tuple[Activity, list[str]]:
    """Create (``key`` None) or update the activity ``key``; returns it and any warnings.
    ``as_of``: the day taken as today (a held activity cannot start after it)."""
    cells = as_cells(data, REGISTRY_COLUMNS)
    if key is not None:
        cells["id"] = key
        existing = _load_activity(session, key, lock=True)
        if existing is None:
            raise NotFoundError(f"no activity with id '{key}'")
        check_version(existing.version, version, f"activity '{key}'")
        # columns a form or client did not send keep their stored value, so that an edit made
        # with an older form never wipes a row's kind, link, frame, titles or history
        stored = activity_row(existing)
        for column in KEPT_WHEN_ABSENT:
            if data.get(column) is None:
                cells[column] = stored[column]
    warnings: list[str] = []
    check = RowChecker(source, None, cells)
    record = check_registry_row(check, codebook, gazetteer, warnings, unit="line", as_of=as_of)
    if record is None:
        raise InputError(check.errors, f"{len(check.errors)} field(s) need correcting")
    if key is None and _load_activity(session, record.key) is not None:
        raise ConflictError(f"an activity with id '{record.key}' already exists")
    load_activities(session, [record], who)
    session.flush()
    saved = _load_activity(session, record.key)
    session.refresh(saved)
    return saved, [w.replace(f"{source}, line None: ", "") for w in warnings]


def delete_activity(session: Session, key: str, *, who: str, version: int | None = None) -> None:
    activity = _load_activity(session, key, lock=True)
    if activity is None:
        raise NotFoundError(f"no activity with id '{key}'")
    if version is not None:
        check_version(activity.version, version, f"activity '{key}'")
    record_change(session, who, "delete", "activity", key, activity_row(activity), None)
    session.delete(activity)


def _load_event(session: Session, key: str, *, lock: bool = False) -> ContextEvent | None:
    query = select(ContextEvent).where(ContextEvent.key == key).options(*CONTEXT_LOADS)
    if lock:
        query = query.with_for_update()
    return session.scalars(query).first()


def save_context_event(
    session: Session,
    codebook: Codebook,
    gazetteer: Gazetteer,
    data: Mapping[str, object],
    *,
    who: str,
    key: str | None = None,
    version: int | None = None,
    source: str = "form",
) -> tuple[ContextEvent, list[str]]:
    cells = as_cells(data, CONTEXT_COLUMNS)
    if key is not None:
        cells["id"] = key
        existing = _load_event(session, key, lock=True)
        if existing is None:
            raise NotFoundError(f"no context event with id '{key}'")
        check_version(existing.version, version, f"context event '{key}'")
        stored = context_row(existing)
        for column in ("event_type", "period_set"):  # kept when a form does not send them
            if data.get(column) is None:
                cells[column] = stored[column]
    warnings: list[str] = []
    check = RowChecker(source, None, cells)
    record = check_context_row(check, codebook, gazetteer, warnings)
    if record is None:
        raise InputError(check.errors, f"{len(check.errors)} field(s) need correcting")
    existing = _load_event(session, record.key)
    if key is None and existing is not None:
        raise ConflictError(f"a context event with id '{record.key}' already exists")
    result = load_context(session, [record], who)
    if existing is not None and result.updated:
        existing.version += 1
    session.flush()
    saved = _load_event(session, record.key)
    session.refresh(saved)
    return saved, [w.replace(f"{source}, line None: ", "") for w in warnings]


def delete_context_event(
    session: Session, key: str, *, who: str, version: int | None = None
) -> None:
    event = _load_event(session, key, lock=True)
    if event is None:
        raise NotFoundError(f"no context event with id '{key}'")
    if version is not None:
        check_version(event.version, version, f"context event '{key}'")
    record_change(session, who, "delete", "context_event", key, context_row(event), None)
    session.delete(event)
