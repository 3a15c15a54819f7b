"""The import page and API: a preview that lists every bad cell, a commit that writes nothing
for a bad file (unless bad rows are skipped on purpose), a good file whose rows then appear
in the API, uploads bound to their user, sanitised names and the size limit."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from sqlalchemy import select

from conftest import GOOD_ROWS, registry_row
from lowpolitics.ingest.registry import REGISTRY_COLUMNS
from lowpolitics.store.db import session_scope
from lowpolitics.store.models import AuditEntry
from lowpolitics.web.pages import importing

BAD_ROWS = [
    GOOD_ROWS[0],
    registry_row(id="b-1", date="2023-13", title="Bad date", mechanism="societal", status="held"),
    registry_row(id="b-2", date="2023", title="Bad mechanism", mechanism="sport", status="held"),
    registry_row(
        id="b-3",
        date="2023",
        title="Too many women",
        mechanism="societal",
        status="held",
        participants_total="10",
        participants_women="90",
        source_url="ftp://example.org/x",
    ),
    GOOD_ROWS[3],
]
# (line, column, value) of each planted error: line 1 is the header
PLANTED = [
    (3, "date", "2023-13"),
    (4, "mechanism", "sport"),
    (5, "participants_women", "90"),
    (5, "source_url", "ftp://example.org/x"),
]


def as_csv(rows, columns=REGISTRY_COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def upload(client, content: bytes, name="registry.csv", kind="registry", fmt="own", **extra):
    data = {"csrf_token": client.csrf, "kind": kind, "format": fmt, **extra}
    return client.post(
        "/import",
        data=data,
        files={"file": (name, content, "text/csv")},
        follow_redirects=False,
    )


def token_of(response) -> str:
    assert response.status_code == 303, response.text[:500]
    match = re.fullmatch(r"/import/([A-Za-z0-9_-]+)", response.headers["location"])
    assert match, response.headers["location"]
    return match.group(1)


def activity_ids(web) -> list[str]:
    page = web.client().get("/api/v1/activities?per_page=500", headers=web.bearer("viewer"))
    return sorted(a["id"] for a in page.json()["items"])


def uploads(web) -> list[str]:
    folder = web.app.state.ctx.work_dir / "uploads"
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def test_preview_lists_every_bad_cell_and_a_bad_file_writes_nothing(web):
    editor = web.client("editor")
    token = token_of(upload(editor, as_csv(BAD_ROWS)))
    page = editor.get(f"/import/{token}")
    assert page.status_code == 200
    rows = re.findall(r'<tr class="error-row">(.*?)</tr>', page.text, flags=re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S) for row in rows]
    found = {(int(c[1]), c[2], c[3]) for c in cells}
    assert set(PLANTED) <= found
    assert all(c[0] == "registry.csv" and c[4] for c in cells)  # file and what was expected
    assert "<strong>2</strong>" in page.text  # valid rows
    assert re.search(r'name="skip_invalid" value="1" required', page.text)

    refused = editor.post(f"/import/{token}/commit", data={"csrf_token": editor.csrf})
    assert refused.status_code == 422
    assert "Nothing was imported" in refused.text
    assert activity_ids(web) == []
    with session_scope(web.engine) as session:
        assert session.scalars(select(AuditEntry).where(AuditEntry.actor != "test")).all() == []

    done = editor.post(
        f"/import/{token}/commit", data={"csrf_token": editor.csrf, "skip_invalid": "1"}
    )
    assert done.status_code == 200, done.text[:500]
    assert re.search(r"Added</dt><dd><strong>2</strong>", done.text)
    assert re.search(r"Rejected</dt><dd>3</dd>", done.text)
    assert activity_ids(web) == ["r-1", "r-4"]
    assert uploads(web) == []  # the upload and its rejects file are gone
    assert editor.get(f"/import/{token}").status_code == 404
    again = editor.post(f"/import/{token}/commit", data={"csrf_token": editor.csrf})
    assert again.status_code == 404


def test_a_good_file_commits_and_its_rows_appear_in_the_api(web):
    editor = web.client("editor")
    token = token_of(upload(editor, as_csv(GOOD_ROWS)))
    page = editor.get(f"/import/{token}")
    assert "No errors" in page.text
    assert re.search(r"Would be added</dt><dd>4</dd>", page.text)
    assert "required" not in re.search(r'<form[^>]*class="commit.*?</form>', page.text, re.S)[0]
    done = editor.post(f"/import/{token}/commit", data={"csrf_token": editor.csrf})
    assert done.status_code == 200
    assert activity_ids(web) == ["r-1", "r-2", "r-3", "r-4"]
    one = web.client().get("/api/v1/activities/r-2", headers=web.bearer("viewer")).json()
    assert one["participants_total"] == 40 and one["status"] == "cancelled"
    with session_scope(web.engine) as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "import")).one()
        assert entry.actor == "editor:registry.csv" and entry.after["added"] == 4

    token = token_of(upload(editor, as_csv(GOOD_ROWS)))  # the same file again changes nothing
    assert re.search(
        r"Already stored, unchanged</dt><dd>4</dd>", editor.get(f"/import/{token}").text
    )
    editor.post(f"/import/{token}/discard", data={"csrf_token": editor.csrf})
    assert uploads(web) == []


def test_another_users_upload_is_refused(web):
    editor = web.client("editor")
    token = token_of(upload(editor, as_csv(GOOD_ROWS)))
    admin = web.client("admin")
    assert admin.get(f"/import/{token}").status_code == 403
    stolen = admin.post(f"/import/{token}/commit", data={"csrf_token": admin.csrf})
    assert stolen.status_code == 403
    assert admin.post(f"/import/{token}/discard", data={"csrf_token": admin.csrf}).status_code == (
        403
    )
    assert activity_ids(web) == []
    done = editor.post(f"/import/{token}/commit", data={"csrf_token": editor.csrf})
    assert done.status_code == 200 and activity_ids(web) == ["r-1", "r-2", "r-3", "r-4"]


def test_viewers_and_coders_cannot_import(web):
    for role in ("viewer", "coder"):
        client = web.client(role)
        assert client.get("/import").status_code == 403
        assert upload(client, as_csv(GOOD_ROWS)).status_code == 403
        api = web.client().post(
            "/api/v1/imports?kind=registry",
            files={"file": ("r.csv", as_csv(GOOD_ROWS), "text/csv")},
            headers=web.bearer(role),
        )
        assert api.status_code == 403
    assert "Import" not in web.client("viewer").get("/activities").text.split("<main>")[0]
    assert web.client("editor").get("/import").status_code == 200
    assert uploads(web) == []


def test_file_names_are_sanitised_and_wrong_files_refused(web):
    editor = web.client("editor")
    for name in ("../../../etc/evil.csv", "..\\..\\evil.csv", "/tmp/evil.csv"):
        token = token_of(upload(editor, as_csv(GOOD_ROWS), name=name))
        assert uploads(web) == sorted([token, f"{token}.json", f"{token}/evil.csv"])
        assert editor.get(f"/import/{token}").status_code == 200
        editor.post(f"/import/{token}/discard", data={"csrf_token": editor.csrf})
    odd = token_of(upload(editor, as_csv(GOOD_ROWS), name="реестр 2023 <v2>.csv"))
    assert f"{odd}/реестр_2023_v2.csv" in uploads(web)
    editor.post(f"/import/{odd}/discard", data={"csrf_token": editor.csrf})
    refused = upload(editor, b"MZ...", name="setup.exe")
    assert refused.status_code == 422 and "a file ending in" in refused.text
    wrong_kind = upload(editor, as_csv(GOOD_ROWS), kind="users")
    assert wrong_kind.status_code == 422 and 'id="err-kind"' in wrong_kind.text
    assert uploads(web) == []
    assert editor.get("/import/not-a-token").status_code == 404


def test_files_over_the_limit_are_refused(web, monkeypatch):
    monkeypatch.setattr(importing, "MAX_UPLOAD_BYTES", 1024 * 1024)
    editor = web.client("editor")
    body = as_csv(GOOD_ROWS)
    just_over = body + b"\n" * (1024 * 1024 + 10 - len(body))
    response = upload(editor, just_over)  # found while copying
    assert response.status_code == 413 and "larger than 1 MB" in response.text
    far_over = just_over + b"\n" * (200 * 1024)
    response = upload(editor, far_over)  # refused from the declared length
    assert response.status_code == 413 and "larger than 1 MB" in response.text
    for content in (just_over, far_over):
        api = web.client().post(
            "/api/v1/imports?kind=registry",
            files={"file": ("big.csv", content, "text/csv")},
            headers=web.bearer("editor"),
        )
        assert api.status_code == 413
        assert api.json()["error"]["type"] == "upload_too_large_error"
    assert uploads(web) == []


def test_unreadable_and_bad_header_files_cannot_be_committed(web):
    editor = web.client("editor")
    token = token_of(upload(editor, "date,title\n2023,x\n".encode("utf-16")))
    page = editor.get(f"/import/{token}")
    assert "UTF-8" in page.text and 'action="/import/' + token + '/commit"' not in page.text
    header = token_of(upload(editor, b"date,title,colour\n2023,x,red\n"))
    page = editor.get(f"/import/{header}")
    assert "colour" in page.text and f"/import/{header}/commit" not in page.text


@pytest.mark.parametrize("dry_run", [True, False])
def test_api_preview_and_import(web, dry_run):
    client = web.client()
    editor = web.bearer("editor")
    flag = str(dry_run).lower()
    response = client.post(
        f"/api/v1/imports?kind=registry&dry_run={flag}",
        files={"file": ("bad.csv", as_csv(BAD_ROWS), "text/csv")},
        headers=editor,
    )
    if dry_run:
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["valid"], body["rejected"], body["file"]) == (2, 3, "bad.csv")
        found = {(e["line"], e["column"], e["value"]) for e in body["errors"]}
        assert set(PLANTED) <= found
        assert body["would"] == {"added": 2, "updated": 0, "unchanged": 0}
        assert body["outcome"] is None
    else:
        assert response.status_code == 422
        fields = {(f["line"], f["field"], f["value"]) for f in response.json()["error"]["fields"]}
        assert set(PLANTED) <= fields
        skipped = client.post(
            "/api/v1/imports?kind=registry&dry_run=false&skip_invalid=true",
            files={"file": ("bad.csv", as_csv(BAD_ROWS), "text/csv")},
            headers=editor,
        )
        assert skipped.status_code == 201, skipped.text
        assert skipped.json()["outcome"] == {"added": 2, "updated": 0, "unchanged": 0}
        assert skipped.json()["rejected"] == 3
    assert activity_ids(web) == ([] if dry_run else ["r-1", "r-4"])
    assert uploads(web) == []


def test_api_imports_context_and_actors(web):
    client = web.client()
    editor = web.bearer("editor")
    context = (
        b"id,date,end_date,kind,severity,fatalities,place,region,summary,source_url\n"
        b"k-1,2022-09-14,2022-09-16,security,4,36-55,Isfara,,Clashes,https://example.org/k\n"
    )
    done = client.post(
        "/api/v1/imports?kind=context&format=own&dry_run=false",
        files={"file": ("context.csv", context, "text/csv")},
        headers=editor,
    )
    assert done.status_code == 201 and done.json()["outcome"]["added"] == 1
    got = client.get("/api/v1/context-events/k-1", headers=editor).json()
    assert got["fatalities"] == "36-55"
    actors = b"name,country,type,notes\nBatken Youth Centre,KG,nope,\n"
    checked = client.post(
        "/api/v1/imports?kind=actors",
        files={"file": ("actors.csv", actors, "text/csv")},
        headers=editor,
    ).json()
    assert checked["rejected"] == 1 and checked["errors"][0]["column"] == "type"
    wrong = client.post(
        "/api/v1/imports?kind=context&format=excel",
        files={"file": ("c.csv", context, "text/csv")},
        headers=editor,
    )
    assert wrong.status_code == 422 and wrong.json()["error"]["fields"][0]["field"] == "format"


def test_api_counts_gdelt_repeats_as_merged_not_as_outside_the_pair(web):
    from lowpolitics.ingest.feeds import GDELT_COLUMNS

    def row(event_id, quad, root, actors=("KGZ", "TJK")):
        cells = dict.fromkeys(GDELT_COLUMNS, "")
        cells.update(
            GlobalEventID=event_id,
            Day="20220916",
            Actor1CountryCode=actors[0],
            Actor2CountryCode=actors[1],
            QuadClass=quad,
            EventRootCode=root,
            EventCode=root + "0",
            GoldsteinScale="-10",
            SOURCEURL="https://news.example/a",
        )
        return "\t".join(cells[c] for c in GDELT_COLUMNS)

    lines = [row("1", "1", "04"), row("2", "4", "19"), row("3", "1", "04", ("USA", "KGZ"))]
    report = web.client().post(
        "/api/v1/imports?kind=context&format=gdelt&dry_run=true",
        files={"file": ("20220916.export.CSV", "\n".join(lines).encode(), "text/csv")},
        headers=web.bearer("editor"),
    )
    assert report.status_code == 200, report.text
    assert (report.json()["valid"], report.json()["merged"], report.json()["skipped"]) == (1, 1, 1)


def test_api_reads_xlsx_and_json_files(web):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(REGISTRY_COLUMNS))
    for row in BAD_ROWS:
        sheet.append([row[c] for c in REGISTRY_COLUMNS])
    data = io.BytesIO()
    book.save(data)
    client = web.client()
    editor = web.bearer("editor")
    checked = client.post(
        "/api/v1/imports?kind=registry",
        files={"file": ("registry.xlsx", data.getvalue(), "application/octet-stream")},
        headers=editor,
    ).json()
    assert (checked["valid"], checked["rejected"]) == (2, 3)
    assert set(PLANTED) <= {(e["line"], e["column"], e["value"]) for e in checked["errors"]}
    records = json.dumps([{k: v for k, v in row.items() if v} for row in GOOD_ROWS])
    done = client.post(
        "/api/v1/imports?kind=registry&dry_run=false",
        files={"file": ("registry.json", records.encode(), "application/json")},
        headers=editor,
    )
    assert done.status_code == 201 and done.json()["outcome"]["added"] == 4
    assert activity_ids(web) == ["r-1", "r-2", "r-3", "r-4"]


def test_uploads_left_behind_are_swept_after_a_day(web):
    editor = web.client("editor")
    token = token_of(upload(editor, as_csv(GOOD_ROWS)))
    ctx = web.app.state.ctx
    importing.sweep(ctx)  # a fresh upload stays
    assert editor.get(f"/import/{token}").status_code == 200
    importing.sweep(ctx, now=importing.time.time() + importing.UPLOAD_TTL_SECONDS + 60)
    assert uploads(web) == []
    assert editor.get(f"/import/{token}").status_code == 404
