"""Accounts: login, sessions, rate limit, tokens, roles, admin pages, the audit log, CLI."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from conftest import PASSWORD
from lowpolitics.store.accounts import FREE_FAILURES
from lowpolitics.store.db import session_scope


def _login(client, name, password):
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return client.post(
        "/login",
        data={"name": name, "password": password, "csrf_token": token, "next": "/healthz"},
        follow_redirects=False,
    )


def test_login_sets_a_safe_cookie_and_logout_ends_the_session(web):
    client = web.client()
    response = _login(client, "viewer", PASSWORD)
    assert response.status_code == 303 and response.headers["location"] == "/healthz"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert client.get("/api/v1/me").json() == {"name": "viewer", "role": "viewer", "via": "session"}
    csrf = re.search(r'csrf-token" content="([^"]+)"', client.get("/activities").text).group(1)
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 200
    assert client.get("/api/v1/me").status_code == 401


def test_login_refuses_a_missing_csrf_token_and_an_offsite_next(web):
    client = web.client()
    client.get("/login")
    refused = client.post("/login", data={"name": "viewer", "password": PASSWORD})
    assert refused.status_code == 403
    page = client.get("/login?next=https://evil.example/")
    assert 'name="next" value="/"' in page.text


def test_wrong_password_is_rate_limited(web):
    client = web.client()
    for _ in range(FREE_FAILURES):
        assert _login(client, "editor", "wrong password!").status_code == 401
    limited = _login(client, "editor", PASSWORD)  # from here, even the right password waits
    assert limited.status_code == 429 and 0 < int(limited.headers["retry-after"]) <= 31
    assert _login(client, "viewer", PASSWORD).status_code == 303  # other accounts unaffected


def test_a_stranger_guessing_cannot_lock_the_owner_out(web):
    from fastapi.testclient import TestClient

    stranger = TestClient(web.app, client=("203.0.113.7", 40000))
    for _ in range(FREE_FAILURES + 1):
        assert _login(stranger, "editor", "wrong password!").status_code in (401, 429)
    assert _login(stranger, "editor", "wrong password!").status_code == 429
    owner = TestClient(web.app, client=("198.51.100.20", 40001))
    assert _login(owner, "editor", PASSWORD).status_code == 303  # another address logs in


def test_bearer_tokens_and_their_errors(web):
    client = web.client()
    assert client.get("/api/v1/me", headers=web.bearer("coder")).json()["via"] == "token"
    bad = client.get("/api/v1/me", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.json()["error"]["type"] == "auth_required_error"
    assert bad.headers["www-authenticate"] == "Bearer"
    assert client.get("/api/v1/me").status_code == 401


def test_admin_manages_users_and_reads_the_audit_log(web):
    client = web.client()
    admin = web.bearer("admin")
    made = client.post(
        "/api/v1/users",
        json={"name": "zarina", "role": "coder", "password": "x" * 12},
        headers=admin,
    )
    assert made.status_code == 201 and made.json()["version"] == 1
    assert client.get("/api/v1/users", headers=web.bearer("editor")).status_code == 403
    short = client.post(
        "/api/v1/users", json={"name": "b", "role": "coder", "password": "short"}, headers=admin
    )
    assert short.status_code == 422 and short.json()["error"]["fields"][0]["field"] == "password"
    changed = client.put(
        "/api/v1/users/zarina", json={"version": 1, "role": "editor"}, headers=admin
    )
    assert changed.json()["role"] == "editor"
    stale = client.put("/api/v1/users/zarina", json={"version": 1, "active": False}, headers=admin)
    assert stale.status_code == 409
    assert client.delete("/api/v1/users/zarina?version=2", headers=admin).status_code == 204
    log = client.get("/api/v1/audit?entity=user&key=zarina", headers=admin).json()
    assert [e["action"] for e in log["items"]] == ["delete", "update", "create"]
    assert log["items"][1]["before"]["role"] == "coder"
    assert log["items"][1]["after"]["role"] == "editor"
    assert all(e["actor"] == "admin" for e in log["items"])
    assert client.get("/api/v1/audit", headers=web.bearer("editor")).status_code == 403
    # the trail cannot be changed over HTTP …
    first = log["items"][0]["id"]
    assert client.delete(f"/api/v1/audit/{first}", headers=admin).status_code in (404, 405)
    assert client.put("/api/v1/audit", json={}, headers=admin).status_code == 405


def test_audit_entries_cannot_be_edited_in_the_database(web):
    web.client().post(
        "/api/v1/users",
        json={"name": "u1", "role": "viewer", "password": "p" * 12},
        headers=web.bearer("admin"),
    )
    for statement in ("UPDATE audit_entries SET actor = 'x'", "DELETE FROM audit_entries"):
        with pytest.raises(Exception, match="never"), session_scope(web.engine) as session:
            session.execute(text(statement))


def test_the_last_admin_cannot_be_demoted_or_removed(web):
    client = web.client()
    admin = web.bearer("admin")
    demote = client.put("/api/v1/users/admin", json={"version": 1, "role": "viewer"}, headers=admin)
    assert demote.status_code == 409 and "last active admin" in demote.json()["error"]["message"]
    assert client.delete("/api/v1/users/admin?version=1", headers=admin).status_code == 409


def test_admin_pages(web):
    admin = web.client("admin")
    page = admin.get("/admin/users")
    assert page.status_code == 200 and "coder" in page.text
    added = admin.post(
        "/admin/users",
        data={"csrf_token": admin.csrf, "name": "farrukh", "role": "viewer", "password": "y" * 12},
    )
    assert added.status_code == 200 and "farrukh" in added.text
    token = admin.post(
        "/admin/users/farrukh",
        data={"csrf_token": admin.csrf, "action": "token", "version": "1"},
    )
    raw = re.search(r'<code id="new-token">([^<]+)</code>', token.text).group(1)
    me = web.client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.json()["name"] == "farrukh"
    audit = admin.get("/admin/audit?entity=user")
    assert "farrukh" in audit.text and audit.status_code == 200
    assert web.client("editor").get("/admin/audit").status_code == 403
    assert web.client("editor").get("/admin/users").status_code == 403


def test_users_cli(cli, tmp_path, monkeypatch):
    import io

    url = f"sqlite:///{tmp_path / 'u.db'}"
    assert cli("--db", url, "init").code == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    assert (
        cli("--db", url, "users", "add", "aigul", "--role", "editor", "--password-stdin").code == 0
    )
    token = cli("--db", url, "users", "token", "aigul")
    assert token.code == 0 and token.out.startswith("lp_")
    listed = cli("--db", url, "users", "list")
    assert "aigul" in listed.out and "editor" in listed.out
    bad = cli("--db", url, "users", "add", "x", "--role", "boss", "--password-stdin")
    assert bad.code == 2 and "unknown role" in bad.err
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    weak = cli("--db", url, "users", "add", "y", "--role", "viewer", "--password-stdin")
    assert weak.code == 2 and "10 characters" in weak.err
    assert cli("--db", url, "users", "token", "nobody").code == 2


def test_serve_refuses_a_busy_port_and_warns_without_users(cli, tmp_path, monkeypatch):
    import socket

    url = f"sqlite:///{tmp_path / 's.db'}"
    assert cli("--db", url, "init").code == 0
    monkeypatch.setattr("uvicorn.run", lambda app, **options: None)  # do not block the test
    started = cli("--db", url, "serve", "--port", "0")
    assert started.code == 0 and "no users yet" in started.err
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        busy = cli("--db", url, "serve", "--port", str(port))
    assert busy.code == 2 and "choose another with --port" in busy.err
