"""A generated store at real sizes for the analysis benchmarks: N activities and M context
events written straight into the tables (Core inserts, no registry validation), so that a
100,000-row store is built in seconds and the time measured is the analysis, not the import.

The rows look like the registry's: every mechanism and status, day/month/year precision,
initiatives that recur, two or three actors and a source per row, some secondary mechanisms,
statements with a frame, restrictions, reports of the same event (``same_as``); the context
holds declared tension periods, security events of every severity and political and
economic events.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import insert, select

from lowpolitics.framework.codebook import load_codebook
from lowpolitics.framework.gazetteer import load_gazetteer
from lowpolitics.store.db import session_scope, upgrade
from lowpolitics.store.models import (
    Activity,
    ActivityActor,
    ActivityMechanism,
    ActivitySource,
    Actor,
    ContextEvent,
    ContextSource,
    Initiative,
    Source,
)
from lowpolitics.store.reference import seed_reference

FIRST, LAST = date(2005, 1, 1), date(2025, 12, 31)
CHUNK = 5_000


def _day(rng: random.Random) -> date:
    return FIRST + timedelta(days=rng.randint(0, (LAST - FIRST).days))


def _precise(day: date, rng: random.Random) -> tuple[date, str]:
    roll = rng.random()
    if roll < 0.1:
        return date(day.year, 1, 1), "year"
    if roll < 0.3:
        return date(day.year, day.month, 1), "month"
    return day, "day"


def _insert(session, table, rows: list[dict]) -> None:
    for i in range(0, len(rows), CHUNK):
        session.execute(insert(table), rows[i : i + CHUNK])


def populate(engine, n_activities: int, n_events: int, seed: int = 11) -> None:
    """Create the schema and fill it (the engine's database is expected empty)."""
    rng = random.Random(seed)
    codebook, gazetteer = load_codebook(), load_gazetteer()
    upgrade(engine)
    with session_scope(engine) as session:
        seed_reference(session, gazetteer)
    places = [p for p in gazetteer.places if p.kind in ("village", "town", "city")]
    types = [(a.code, a.family) for a in codebook.activity_types if a.family]
    mechanisms = codebook.mechanism_codes
    statuses = codebook.status_codes
    with session_scope(engine) as session:
        actor_rows = [
            {
                "id": i + 1,
                "name": f"Organisation {i}",
                "country_code": rng.choice(["KG", "TJ", "INT"]),
                "type": rng.choice(["state", "ngo", "university", "media", None]),
            }
            for i in range(max(50, n_activities // 30))
        ]
        _insert(session, Actor, actor_rows)
        n_initiatives = max(20, n_activities // 20)
        _insert(
            session,
            Initiative,
            [{"id": i + 1, "name": f"Initiative {i}"} for i in range(n_initiatives)],
        )
        _insert(
            session,
            Source,
            [
                {"id": i + 1, "url": f"https://example.org/report/{i}"}
                for i in range(n_activities + n_events)
            ],
        )
        activities, secondary, links, sources = [], [], [], []
        for i in range(n_activities):
            activity_type, mechanism = rng.choice(types)
            start, precision = _precise(_day(rng), rng)
            end = start + timedelta(days=rng.randint(1, 400)) if rng.random() < 0.1 else None
            kind_roll = rng.random()
            record_kind = (
                "statement" if kind_roll < 0.05 else "restriction" if kind_roll < 0.07 else None
            )
            place = rng.choice(places) if rng.random() < 0.7 else None
            total = rng.randint(5, 400) if rng.random() < 0.6 else None
            activities.append(
                {
                    "id": i + 1,
                    "key": f"bench-{i}",
                    "date_start": start,
                    "date_precision": precision,
                    "end_start": end,
                    "end_precision": "day" if end else None,
                    "title": f"Generated activity {i}",
                    "initiative_id": rng.randint(1, n_initiatives) if rng.random() < 0.6 else None,
                    "mechanism": mechanism,
                    "activity_type": activity_type,
                    "status": rng.choice(statuses),
                    "status_reason": "tension" if rng.random() < 0.05 else None,
                    "host_country": rng.choice(["KG", "TJ"]),
                    "partner_country": rng.choice(["KG", "TJ"]),
                    "region_code": place.region if place else None,
                    "place_id": place.id if place else None,
                    "participants_total": total,
                    "participants_women": rng.randint(0, total) if total else None,
                    "participants_youth": rng.randint(0, total) if total and i % 3 else None,
                    "content_hash": f"{i:064d}",
                    "record_kind": record_kind or "activity",
                    "same_as": f"bench-{i - 1}" if i and rng.random() < 0.03 else None,
                    "frame": rng.choice(["integrative", "neutral", "securitizing"])
                    if record_kind == "statement"
                    else None,
                }
            )
            if rng.random() < 0.15:
                secondary.append({"activity_id": i + 1, "mechanism": rng.choice(mechanisms)})
            for position, actor in enumerate(rng.sample(actor_rows, rng.randint(1, 3))):
                links.append(
                    {
                        "activity_id": i + 1,
                        "actor_id": actor["id"],
                        "position": position,
                        "role": rng.choice([None, "organiser", "partner", "funder"]),
                    }
                )
            sources.append({"activity_id": i + 1, "source_id": i + 1, "position": 0})
        secondary = list({(r["activity_id"], r["mechanism"]): r for r in secondary}.values())
        _insert(session, Activity, activities)
        _insert(session, ActivityMechanism, secondary)
        _insert(session, ActivityActor, links)
        _insert(session, ActivitySource, sources)
        events, event_sources = [], []
        for i in range(n_events):
            start, precision = _precise(_day(rng), rng)
            roll = rng.random()
            row = {
                "id": i + 1,
                "key": f"ctx-{i}",
                "date_start": start,
                "date_precision": precision,
                "kind": "political" if roll < 0.3 else "economic" if roll < 0.5 else "security",
                "content_hash": f"{i:064d}",
                "summary": f"Generated context event {i}",
            }
            if roll < 0.01:  # a declared tension period
                row |= {
                    "date_precision": "day",
                    "kind": "tension_period",
                    "end_start": start + timedelta(days=rng.randint(10, 120)),
                    "end_precision": "day",
                }
            elif row["kind"] == "security":
                severity = rng.choices([1, 2, 3, 4, 5], weights=[70, 15, 9, 5, 1])[0]
                low = rng.randint(0, 20) if severity >= 3 else 0
                place = rng.choice(places)
                row |= {
                    "severity": severity,
                    "fatalities_low": low,
                    "fatalities_high": low + rng.randint(0, 5),
                    "region_code": place.region,
                    "place_text": place.name,
                    "event_type": rng.choice(["clash", "incident", "closure"]),
                }
            else:
                row["event_type"] = rng.choice(["talks", "summit", "treaty", "diplomatic"])
            events.append(row)
            event_sources.append(
                {"event_id": i + 1, "source_id": n_activities + i + 1, "position": 0}
            )
        _insert(session, ContextEvent, events)
        _insert(session, ContextSource, event_sources)
        assert session.scalar(select(Activity.id).order_by(Activity.id.desc()).limit(1))
