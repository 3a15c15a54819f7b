"""Activities as the API and the pages show them: JSON conversion, the request and response
models, and (from ``web.activity_list``, re-exported here) the list's filters, orders and pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from lowpolitics.analysis.dataset import ActivityView
from lowpolitics.analysis.options import GRACE_DAYS
from lowpolitics.analysis.units import UNKNOWN, outcome
from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.dates import PartialDate
from lowpolitics.store.activity_reading import DisplayedActivity
from lowpolitics.store.models import Activity
from lowpolitics.store.queries import activity_end
from lowpolitics.store.rows import date_text
from lowpolitics.web.activity_list import (  # noqa: F401 - the list's names, re-exported
    SORTS,
    Found,
    activity_count,
    activity_page,
    activity_page_sql,
    checked_filters,
    contact_codes,
    contact_filter,
    find_activities,
    find_activity_ids,
    find_page_sql,
    load_activities,
    parse_bound,
)


def unknown_outcomes(
    activities: list[Activity], codebook: Codebook, as_of: date, grace_days: int = GRACE_DAYS
) -> set[str]:
    """Keys of the activities whose outcome is unknown — planned, and past their date by more
    than the grace period — as the resilience analyses count them (``analysis.units``), so
    the list flags exactly the rows the rates set apart."""
    views = [
        ActivityView(
            key=a.key,
            date=PartialDate.from_parts(a.date_start, a.date_precision),
            mechanism=a.mechanism,
            status=a.status,
        )
        for a in activities
    ]
    return unknown_outcome_keys(views, codebook, as_of, grace_days)


def unknown_outcome_keys(
    views: Iterable[ActivityView], codebook: Codebook, as_of: date, grace_days: int = GRACE_DAYS
) -> set[str]:
    """:func:`unknown_outcomes` for rows already read as the analyses read them (the
    dashboard's)."""
    disrupted = codebook.disrupted_statuses
    return {v.key for v in views if outcome(v, disrupted, as_of, grace_days) == UNKNOWN}


def activity_json(activity: Activity | DisplayedActivity) -> dict[str, Any]:
    """The registry fields with JSON types, plus version, end of interval and status history.
    The fields are those of ``store.rows.activity_row`` (a test compares them on every bundled
    activity), computed here one by one: the whole row cost half of this function's time on
    an API page (issue 17, API latency)."""
    initiative = activity.initiative
    return {
        "id": activity.key,
        "date": date_text(activity.date_start, activity.date_precision),
        "end_date": date_text(activity.end_start, activity.end_precision) or None,
        "title": activity.title,
        "initiative": (initiative.name if initiative else "") or None,
        "mechanism": activity.mechanism,
        "mechanisms_secondary": [m.mechanism for m in activity.secondary],
        "activity_type": activity.activity_type,
        "status": activity.status,
        "status_reason": activity.status_reason,
        "host_country": activity.host_country,
        "partner_country": activity.partner_country,
        "region": activity.region_code,
        "place": activity.place_text,
        "actors": [
            f"{link.actor.name} [{link.actor.country_code}]"
            + (f" ({link.role})" if link.role else "")
            for link in activity.actor_links
        ],
        "participants_total": activity.participants_total,
        "participants_women": activity.participants_women,
        "participants_youth": activity.participants_youth,
        "source_url": [link.source.url for link in activity.source_links],
        "notes": activity.notes,
        "record_kind": activity.record_kind or "activity",
        "same_as": activity.same_as,
        "frame": activity.frame,
        "contact": activity.contact,
        "not_before": activity.not_before.isoformat() if activity.not_before else None,
        "not_after": activity.not_after.isoformat() if activity.not_after else None,
        "title_ru": activity.title_ru,
        "title_ky": activity.title_ky,
        "title_tg": activity.title_tg,
        "version": activity.version,
        "last_day": activity_end(activity).isoformat(),
        "status_history": [
            {
                "status": change.status,
                "changed_on": change.changed_on.isoformat() if change.changed_on else None,
                "reason": change.reason,
                "recorded_at": change.recorded_at.isoformat() if change.recorded_at else None,
                "origin": change.origin,
                "reported": bool(change.reported),
                "source_url": change.source_url,
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
    record_kind: str | None = Field(None, examples=["activity"])
    same_as: str | None = None
    frame: str | None = None
    contact: str | None = Field(
        None,
        description="how the two sides met (codebook contacts); empty = not coded",
        examples=["bilateral"],
    )
    not_before: str | None = Field(
        None,
        description="YYYY-MM-DD: the source places the activity on or after this day "
        "(inside a date given as a month or a year)",
        examples=["2014-01-11"],
    )
    not_after: str | None = Field(
        None,
        description="YYYY-MM-DD: the source places the activity on or before this day "
        "(inside a date given as a month or a year)",
        examples=["2014-01-31"],
    )
    title_ru: str | None = None
    title_ky: str | None = None
    title_tg: str | None = None


class ActivityUpdate(ActivityIn):
    """An update names the version it was based on; a stale one is refused with 409."""

    version: int = Field(..., description="the version you read (GET returns it)")


class StatusChangeOut(BaseModel):
    status: str
    changed_on: str | None
    reason: str | None
    recorded_at: str | None
    origin: str | None
    reported: bool = False  # a step a source reported (registry status_history)
    source_url: str | None = None


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
    record_kind: str = "activity"
    same_as: str | None = None
    frame: str | None = None
    contact: str | None = None
    not_before: str | None = None
    not_after: str | None = None
    title_ru: str | None = None
    title_ky: str | None = None
    title_tg: str | None = None
    version: int
    last_day: str
    status_history: list[StatusChangeOut]


class SavedActivity(BaseModel):
    activity: ActivityOut
    warnings: list[str]
