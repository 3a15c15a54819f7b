"""Stored records back in the registry and context layouts.

One function per record kind turns a row of the database into the dict of the documented CSV
columns. Export, ``list``, ``show``, JSON output and the audit trail all use it, so what a user
reads is always what they could import again.
"""

from __future__ import annotations

from lowpolitics.framework.dates import PartialDate
from lowpolitics.store.models import Activity, ContextEvent


def date_text(start, precision) -> str:
    """A stored partial date as the registry writes it (``2023-05``); empty when absent."""
    if start is None:
        return ""
    return PartialDate.from_parts(start, precision).isoformat()


def _text(value) -> str:
    return "" if value is None else str(value)


def _day(value) -> str:
    return "" if value is None else value.isoformat()


def activity_row(activity: Activity) -> dict[str, str]:
    """An activity as a registry row (every column of the contract, as text)."""
    return {
        "id": activity.key,
        "date": date_text(activity.date_start, activity.date_precision),
        "end_date": date_text(activity.end_start, activity.end_precision),
        "title": activity.title,
        "initiative": activity.initiative.name if activity.initiative else "",
        "mechanism": activity.mechanism,
        "mechanisms_secondary": ";".join(m.mechanism for m in activity.secondary),
        "activity_type": _text(activity.activity_type),
        "status": activity.status,
        "status_reason": _text(activity.status_reason),
        "host_country": _text(activity.host_country),
        "partner_country": _text(activity.partner_country),
        "region": _text(activity.region_code),
        "place": _text(activity.place_text),
        "actors": ";".join(
            f"{link.actor.name} [{link.actor.country_code}]"
            + (f" ({link.role})" if link.role else "")
            for link in activity.actor_links
        ),
        "participants_total": _text(activity.participants_total),
        "participants_women": _text(activity.participants_women),
        "participants_youth": _text(activity.participants_youth),
        "source_url": ";".join(link.source.url for link in activity.source_links),
        "notes": _text(activity.notes),
        "record_kind": activity.record_kind or "activity",
        "same_as": _text(activity.same_as),
        "frame": _text(activity.frame),
        "title_ru": _text(activity.title_ru),
        "title_ky": _text(activity.title_ky),
        "title_tg": _text(activity.title_tg),
        "contact": _text(activity.contact),
        "not_before": _day(activity.not_before),
        "not_after": _day(activity.not_after),
        "status_history": " ; ".join(
            "|".join(
                [
                    _history_date(change),
                    change.status,
                    change.source_url or "",
                ]
            ).rstrip("|")
            for change in activity.history
            if change.reported
        ),
    }


def _history_date(change) -> str:
    """A reported step's date at the precision it was reported (kept in ``reason``)."""
    if change.reason and change.reason.startswith("dated "):
        return change.reason.removeprefix("dated ")
    return change.changed_on.isoformat() if change.changed_on else ""


def context_row(event: ContextEvent) -> dict[str, str]:
    """A context event as a row of the context CSV."""
    if event.fatalities_low is None:
        fatalities = ""
    elif event.fatalities_low == event.fatalities_high:
        fatalities = str(event.fatalities_low)
    else:
        fatalities = f"{event.fatalities_low}-{event.fatalities_high}"
    return {
        "id": event.key,
        "date": date_text(event.date_start, event.date_precision),
        "end_date": date_text(event.end_start, event.end_precision),
        "kind": event.kind,
        "severity": _text(event.severity),
        "fatalities": fatalities,
        "place": _text(event.place_text),
        "region": _text(event.region_code),
        "summary": _text(event.summary),
        "source_url": ";".join(link.source.url for link in event.source_links),
        "event_type": _text(event.event_type),
        "period_set": _text(event.period_set),
    }
