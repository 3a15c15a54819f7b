"""The web import's encoding: detected unless chosen on the upload form, shown on the
preview, read again in another encoding from the preview without uploading again, and used
by the commit; an encoding nobody knows is refused naming the field. Document uploads take
the same choice, in the request and in the job a big upload becomes."""

from __future__ import annotations

import re
import threading

from sqlalchemy import select

from conftest import registry_row
from lowpolitics.ingest.tables import OFFERED_ENCODINGS
from lowpolitics.store import jobs
from lowpolitics.store.db import session_scope
from lowpolitics.store.models import Document
from lowpolitics.web.job_worker import work_queue
from test_web_import import activity_ids, as_csv, token_of, upload, uploads

TITLE = "Фестиваль дружбы в Баткене"
ROWS = [
    registry_row(
        id="r-1",
        date="2022-09-14",
        title=TITLE,
        mechanism="societal",
        status="held",
        host_country="KG",
        partner_country="TJ",
        source_url="https://example.org/a",
        notes="Жители Исфары и Баткена пели вместе",
    )
]


def cp1251_file() -> bytes:
    return as_csv(ROWS).decode("utf-8").encode("cp1251")


def encoding_shown(page) -> str:
    match = re.search(r'<dd id="encoding-used">(.*?)</dd>', page.text, re.S)
    assert match, page.text[:2000]
    return re.sub(r"<[^>]+>", "", match.group(1))


def stored_title(web) -> str:
    one = web.client().get("/api/v1/activities/r-1", headers=web.bearer("viewer"))
    return one.json()["title"]


def test_the_form_offers_detection_and_the_listed_encodings(web):
    page = web.client("editor").get("/import")
    select_ = re.search(r'<select id="f-encoding" name="encoding".*?</select>', page.text, re.S)
    values = re.findall(r'<option value="([^"]+)"', select_[0])
    assert values == ["detect", *OFFERED_ENCODINGS]
    assert re.search(r'<option value="detect" selected', select_[0])


def test_a_windows_1251_file_is_detected_shown_and_imported_intact(web):
    editor = web.client("editor")
    token = token_of(upload(editor, cp1251_file(), encoding="detect"))
    page = editor.get(f"/import/{token}")
    assert page.status_code == 200
    assert "windows-1251" in encoding_shown(page) and "detected" in encoding_shown(page)
    assert "read as windows-1251" in page.text  # the warning says it too
    assert 'name="encoding" value="detect"' in page.text  # the commit reads it as previewed
    done = editor.post(
        f"/import/{token}/commit", data={"csrf_token": editor.csrf, "encoding": "detect"}
    )
    assert done.status_code == 200, done.text[:500]
    assert activity_ids(web) == ["r-1"] and stored_title(web) == TITLE


def test_a_wrong_choice_is_refused_clearly_and_read_again_from_the_preview(web):
    editor = web.client("editor")
    token = token_of(upload(editor, cp1251_file(), encoding="utf-8"))
    page = editor.get(f"/import/{token}")
    assert page.status_code == 200
    assert "UTF-8" in encoding_shown(page) and "as you chose" in encoding_shown(page)
    assert "text in utf-8, the encoding chosen (byte" in page.text  # no garbage, no traceback
    assert 'class="commit' not in page.text  # nothing to import as UTF-8
    russian = web.client("editor", lang="ru").get(f"/import/{token}")
    assert "текст в выбранной кодировке utf-8 (байт" in russian.text
    assert "Прочитать заново" in russian.text
    refused = editor.post(
        f"/import/{token}/commit", data={"csrf_token": editor.csrf, "encoding": "utf-8"}
    )
    assert refused.status_code == 422 and activity_ids(web) == []

    again = editor.get(f"/import/{token}?encoding=cp1251")  # the same upload, read again
    assert again.status_code == 200
    assert "Windows-1251" in encoding_shown(again) and "No errors" in again.text
    assert re.search(r'<option value="cp1251" selected', again.text)
    assert 'name="encoding" value="cp1251"' in again.text
    done = editor.post(
        f"/import/{token}/commit", data={"csrf_token": editor.csrf, "encoding": "cp1251"}
    )
    assert done.status_code == 200, done.text[:500]
    assert stored_title(web) == TITLE and uploads(web) == []


def test_an_unknown_encoding_is_refused_naming_the_field(web):
    editor = web.client("editor")
    refused = upload(editor, cp1251_file(), encoding="martian")
    assert refused.status_code == 422
    assert 'id="err-encoding"' in refused.text and "martian" in refused.text
    assert uploads(web) == []
    for codec in ("martian", "base64"):  # base64 is a codec, but not a text encoding
        api = web.client().post(
            f"/api/v1/imports?kind=registry&encoding={codec}",
            files={"file": ("r.csv", cp1251_file(), "text/csv")},
            headers=web.bearer("editor"),
        )
        assert api.status_code == 422
        assert [f["field"] for f in api.json()["error"]["fields"]] == ["encoding"]

    token = token_of(upload(editor, cp1251_file()))
    page = editor.get(f"/import/{token}?encoding=martian")
    assert page.status_code == 422 and 'id="err-encoding"' in page.text
    assert "windows-1251" in encoding_shown(page)  # still shown as it was read
    bad_commit = editor.post(
        f"/import/{token}/commit", data={"csrf_token": editor.csrf, "encoding": "martian"}
    )
    assert bad_commit.status_code == 422 and activity_ids(web) == []


def test_the_api_reads_a_file_in_the_encoding_asked_for(web):
    answer = web.client().post(
        "/api/v1/imports?kind=registry&encoding=cp1251&dry_run=false",
        files={"file": ("r.csv", cp1251_file(), "text/csv")},
        headers=web.bearer("editor"),
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["encoding"] == "cp1251" and stored_title(web) == TITLE


TEXT = "Дни культуры Таджикистана в Оше. Фестиваль дружбы прошёл в Баткене. " * 40


def test_documents_are_read_in_the_chosen_encoding_also_as_a_job(web, codebook):
    editor = web.client("editor")
    refused = editor.post(
        "/documents/upload",
        data={"csrf_token": editor.csrf, "encoding": "martian"},
        files=[("files", ("a.txt", TEXT.encode("koi8-r"), "text/plain"))],
    )
    assert refused.status_code == 422 and 'id="err-encoding"' in refused.text
    data = {"csrf_token": editor.csrf, "encoding": "koi8-r", "outlet": "Азаттык"}
    small = editor.post(
        "/documents/upload",
        data=data,
        files=[("files", ("a.txt", ("Короткий. " + TEXT[:200]).encode("koi8-r"), "text/plain"))],
    )
    assert small.status_code == 200 and "1 imported" in small.text.replace("\xa0", " ")

    web.app.state.ctx.jobs = jobs.JobSettings(background_bytes=1000)
    big = editor.post(
        "/documents/upload",
        data=data,
        files=[("files", ("b.txt", TEXT.encode("koi8-r"), "text/plain"))],
        follow_redirects=False,
    )
    assert big.status_code == 303, big.text[:500]
    ctx = web.app.state.ctx
    work_queue(web.engine, codebook, ctx.work_dir, ctx.jobs, threading.Event(), once=True)
    with session_scope(web.engine) as session:
        stored = {d.filename: d for d in session.scalars(select(Document))}
        assert stored["a.txt"].text.startswith("Короткий. Дни культуры")
        assert stored["b.txt"].text.startswith("Дни культуры Таджикистана")
        # the metadata the app wrote itself (UTF-8) is not read as KOI8-R
        assert stored["a.txt"].outlet == stored["b.txt"].outlet == "Азаттык"
