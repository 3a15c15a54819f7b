"""A list's total is counted once per database state and reused for a few seconds at most
(``web.list_totals``): a change made through the app shows in the next page's total at once,
and a total is never kept past its age or for a state older than the newest seen."""

from __future__ import annotations

from lowpolitics.web.context import TotalsOptions
from lowpolitics.web.list_totals import Totals

ACTIVITY = {
    "id": "t-1",
    "date": "2023-05",
    "title": "Joint youth camp in Batken",
    "mechanism": "education_youth",
    "status": "held",
    "host_country": "KG",
    "partner_country": "TJ",
    "region": "KG-B",
    "participants_total": 60,
    "source_url": ["https://example.org/camp"],
}


class Counter:
    def __init__(self, value: int) -> None:
        self.value, self.calls = value, 0

    def __call__(self) -> int:
        self.calls += 1
        return self.value


def test_a_total_is_reused_within_its_age_and_generation():
    now = [100.0]
    totals, options = Totals(clock=lambda: now[0]), TotalsOptions(max_age=5.0, max_entries=2)
    count = Counter(7)
    assert totals.get(1, "all", count, options) == 7
    count.value = 8
    assert totals.get(1, "all", count, options) == 7 and count.calls == 1
    now[0] += 6  # older than max_age: counted again
    assert totals.get(1, "all", count, options) == 8 and count.calls == 2
    count.value = 9
    assert totals.get(2, "all", count, options) == 9  # a newer generation
    assert totals.get(1, "all", count, options) == 9 and count.calls == 4  # an older one: not kept
    assert totals.get(2, "all", count, options) == 9 and count.calls == 4
    for key in ("a", "b", "c"):  # at most max_entries filter sets
        totals.get(2, key, count, options)
    assert len(totals._found) <= 2


def test_the_api_total_follows_a_change_at_once(web):
    client = web.client()
    viewer, editor = web.bearer("viewer"), web.bearer("editor")
    assert client.get("/api/v1/activities", headers=viewer).json()["total"] == 0
    assert client.post("/api/v1/activities", json=ACTIVITY, headers=editor).status_code == 201
    listed = client.get("/api/v1/activities", headers=viewer).json()
    assert listed["total"] == 1 and [a["id"] for a in listed["items"]] == ["t-1"]
    filtered = "/api/v1/activities?mechanism=societal"
    assert client.get(filtered, headers=viewer).json()["total"] == 0
    deleted = client.delete("/api/v1/activities/t-1?version=1", headers=editor)
    assert deleted.status_code == 204
    assert client.get("/api/v1/activities", headers=viewer).json()["total"] == 0
