"""Eight writers at once against a real server, on SQLite and on PostgreSQL: no accepted edit is
lost. Six of them edit the same three activities, each PUT naming the version it read; every
edit answered 200 must leave its own version behind (versions contiguous, none repeated) and
its own audit entry, and the stored title must be the last accepted edit's."""

from __future__ import annotations

import random
import threading
import time

import httpx
from sqlalchemy import func, select

from conftest import serving
from lowpolitics.store.db import session_scope
from lowpolitics.store.models import Activity, AuditEntry

KEYS = ["cc-1", "cc-2", "cc-3"]
SECONDS = 4.0


def _activity(key: str) -> dict:
    return {
        "id": key,
        "date": "2023-05",
        "title": f"Joint youth camp {key}",
        "mechanism": "education_youth",
        "status": "held",
        "host_country": "KG",
        "partner_country": "TJ",
        "source_url": ["https://example.org/camp"],
    }


def test_eight_concurrent_writers_lose_no_edit(web):
    headers = web.bearer("editor")
    client = web.client()
    for key in KEYS:
        assert (
            client.post("/api/v1/activities", json=_activity(key), headers=headers).status_code
            == 201
        )
    accepted: dict[str, list[tuple[int, str]]] = {k: [] for k in KEYS}
    refused = {"409": 0, "503": 0}
    errors: list[str] = []
    lock = threading.Lock()

    def writer(number: int, url: str) -> None:
        rng = random.Random(number)
        deadline = time.monotonic() + SECONDS
        with httpx.Client(base_url=url, headers=headers, timeout=30) as http:
            i = 0
            while time.monotonic() < deadline:
                i += 1
                key = KEYS[rng.randrange(3)] if number < 6 else KEYS[number % 3]
                got = http.get(f"/api/v1/activities/{key}")
                if got.status_code != 200:
                    errors.append(f"GET {got.status_code}")
                    continue
                title = f"edit {number}-{i}"
                body = {**_activity(key), "title": title, "version": got.json()["version"]}
                put = http.put(f"/api/v1/activities/{key}", json=body)
                with lock:
                    if put.status_code == 200:
                        accepted[key].append((put.json()["activity"]["version"], title))
                    elif put.status_code in (409, 503):
                        refused[str(put.status_code)] += 1
                    else:
                        errors.append(f"PUT {put.status_code}: {put.text[:200]}")

    with serving(web.app) as url:
        threads = [threading.Thread(target=writer, args=(n, url)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors, errors[:5]
    total = sum(len(v) for v in accepted.values())
    assert total >= 10, (accepted, refused)  # the run did real work
    print(f"{web.engine.dialect.name}: {total} edits accepted, refused {refused}")
    with session_scope(web.engine) as session:
        for key, edits in accepted.items():
            versions = sorted(v for v, _ in edits)
            stored = session.scalars(select(Activity).where(Activity.key == key)).one()
            # every accepted edit made its own version: none overwrote another unseen
            assert versions == list(range(2, stored.version + 1)), (key, versions, stored.version)
            assert stored.title == max(edits)[1]  # the last accepted edit is what is stored
        updates = session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "update", AuditEntry.entity == "activity")
        )
        assert updates == total
