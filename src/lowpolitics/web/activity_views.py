"""Activities as the API and the pages show them: filtering, sorting, JSON conversion.

Filters mean what they mean in ``lowpolitics list activities`` (store.queries), plus a free
text ``q`` over title, initiative, place and notes, and a sort on any listed column.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from lowpolitics.framework.dates import PartialDate
from lowpolitics.framework.errors import CellError, InputError
from lowpolitics.store.models import Activity
from lowpolitics.store.queries import ActivityFilter, activity_end, list_activities
from lowpolitics.store.rows import activity_row

SORTS = {
    "date": lambda a: (a.date_start, a.key),
    "title": lambda a: (a.title.casefold(), a.key),
    "mechanism": lambda a: (a.mechanism, a.date_start),
    "status": lambda a: (a.status, a.date_start),
    "region": lambda a: (a.region_code or "", a.date_start),
    "participants": lambda a: (a.participants_total or -1, a.date_start),
    "id": lambda a: (a.key,),
}


def parse_bound(value: str | None, name: str) -> PartialDate | None:
    if not value:
        return None
    try:
        return PartialDate.parse(value)
    except ValueError:
        raise InputError(
            [CellError("query", None, name, value, "a date YYYY-MM-DD, YYYY-MM or YYYY")],
            f"'{name}' is not a date",
        ) from None


def find_activities(
    session: Session,
    *,
    mechanism: str | None = None,
    status: str | None = None,
    region: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    q: str | None = None,
    sort: str = "date",
) -> list[Activity]:
    flt = ActivityFilter(
        mechanism=mechanism or None,
        status=status or None,
        region=region or None,
        date_from=parse_bound(date_from, "date_from"),
        date_to=parse_bound(date_to, "date_to"),
    )
    rows = list_activities(session, flt)
    if q:
        needle = q.casefold()
        rows = [
            a
            for a in rows
            if any(
                needle in (text or "").casefold()
                for text in (
                    a.title,
                    a.key,
                    a.initiative.name if a.initiative else None,
                    a.place_text,
                    a.notes,
                )
            )
        ]
    key = sort.lstrip("-")
    if key not in SORTS:
        raise InputError(
            [
                CellError(
                    "query", None, "sort", sort, f"one of {', '.join(SORTS)} (with - to reverse)"
                )
            ],
            f"cannot sort by '{sort}'",
        )
    return sorted(rows, key=SORTS[key], reverse=sort.startswith("-"))


def activity_json(activity: Activity) -> dict[str, Any]:
    """The registry fields with JSON types, plus version, end of interval and status history."""
    row = activity_row(activity)
    return {
        "id": row["id"],
        "date": row["date"],
        "end_date": row["end_date"] or None,
        "title": row["title"],
        "initiative": row["initiative"] or None,
        "mechanism": row["mechanism"],
        "mechanisms_secondary": [m.mechanism for m in activity.secondary],
        "activity_type": activity.activity_type,
        "status": activity.status,
        "status_reason": activity.status_reason,
        "host_country": activity.host_country,
        "partner_country": activity.partner_country,
        "region": activity.region_code,
        "place": activity.place_text,
        "actors": [
            f"{link.actor.name} [{link.actor.country_code}]" for link in activity.actor_links
        ],
        "participants_total": activity.participants_total,
        "participants_women": activity.participants_women,
        "participants_youth": activity.participants_youth,
        "source_url": [link.source.url for link in activity.source_links],
        "notes": activity.notes,
        "version": activity.version,
        "last_day": activity_end(activity).isoformat(),
        "status_history": [
            {
                "status": change.status,
                "changed_on": change.changed_on.isoformat() if change.changed_on else None,
                "reason": change.reason,
                "recorded_at": change.recorded_at.isoformat() if change.recorded_at else None,
                "origin": change.origin,
            }
            for change in activity.history
        ],
    }


class ActivityIn(BaseModel):
    """An activity in the registry's fields (docs/data-formats.md). Lists may also be given
    as ';'-separated text, exactly as in the CSV; every value is checked as an import is."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, description="registry id; made from the content if omitted")
    date: str = Field(..., description="YYYY-MM-DD, YYYY-MM or YYYY", examples=["2023-05-17"])
    end_date: str | None = None
    title: str
    initiative: str | None = None
    mechanism: str = Field(..., examples=["societal"])
    mechanisms_secondary: list[str] | str | None = None
    activity_type: str | None = None
    status: str = Field(..., examples=["held"])
    status_reason: str | None = None
    host_country: str | None = Field(None, examples=["KG"])
    partner_country: str | None = Field(None, examples=["TJ"])
    region: str | None = Field(None, examples=["KG-B"])
    place: str | None = None
    actors: list[str] | str | None = Field(None, examples=[["Ministry of Culture [KG]"]])
    participants_total: int | None = Field(None, ge=0)
    participants_women: int | None = Field(None, ge=0)
    participants_youth: int | None = Field(None, ge=0)
    source_url: list[str] | str | None = None
    notes: str | None = None


class ActivityUpdate(ActivityIn):
    """An update names the version it was based on; a stale one is refused with 409."""

    version: int = Field(..., description="the version you read (GET returns it)")


class StatusChangeOut(BaseModel):
    status: str
    changed_on: str | None
    reason: str | None
    recorded_at: str | None
    origin: str | None


class ActivityOut(BaseModel):
    id: str
    date: str
    end_date: str | None
    title: str
    initiative: str | None
    mechanism: str
    mechanisms_secondary: list[str]
    activity_type: str | None
    status: str
    status_reason: str | None
    host_country: str | None
    partner_country: str | None
    region: str | None
    place: str | None
    actors: list[str]
    participants_total: int | None
    participants_women: int | None
    participants_youth: int | None
    source_url: list[str]
    notes: str | None
    version: int
    last_day: str
    status_history: list[StatusChangeOut]


class SavedActivity(BaseModel):
    activity: ActivityOut
    warnings: list[str]
