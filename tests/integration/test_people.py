"""People management against the real graph: admins change roles and agencies, deactivate and
reactivate users, reset passwords; users change their own; all audited; a deactivated user's
tokens stop working at once. Over the API and on the pages."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from silver.bootstrap import Silver as Services
from silver.services import auth
from tests.integration import test_web
from tests.integration.conftest import PASSWORD, Login
from tests.integration.test_web import WebLogin, log_in, text

web = test_web.web
NEW_PASSWORD = "a-brand-new-password-42"


def _user(svc: Services, role: str = "caseworker", agency: str | None = "FIOD") -> str:
    username = f"ppl-{uuid.uuid4().hex[:12]}"
    auth.create_user(username, role, agency, PASSWORD, svc.uow())
    return username


def _token(client: FlaskClient, username: str, password: str = PASSWORD) -> Any:
    return client.post("/api/v1/auth/token", json={"username": username, "password": password})


def _bearer(response: Any) -> dict[str, str]:
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['access_token']}"}


def _audit(svc: Services, username: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(action, actor, detail) of the changes made to `username` (its creation aside)."""
    with svc.uow() as uow:
        rows = uow._tx.run(  # type: ignore[attr-defined]
            """
            MATCH (e:AuditEvent)
            WHERE e.action STARTS WITH 'user.' AND e.action <> 'user.create'
              AND e.detail CONTAINS $name
            RETURN e.action AS action, e.actor AS actor, e.detail AS detail ORDER BY e.seq
            """,
            name=f'"{username}"',
        )
        found = [(r["action"], r["actor"], json.loads(r["detail"])) for r in rows]
    return [f for f in found if f[2].get("username") == username]


def test_only_admins_manage_users(client: FlaskClient, login: Login, svc: Services) -> None:
    username = _user(svc)
    for headers in (login("caseworker", "OM"), login("screener"), login("evaluator")):
        assert client.get("/api/v1/users", headers=headers).status_code == 403
        assert client.get(f"/api/v1/users/{username}", headers=headers).status_code == 403
        patch = client.patch(f"/api/v1/users/{username}", json={"active": False}, headers=headers)
        assert patch.status_code == 403
        reset = client.post(f"/api/v1/users/{username}/password-reset", headers=headers)
        assert reset.status_code == 403
    assert client.get("/api/v1/users").status_code == 401


def test_an_admin_changes_role_and_agency_against_the_version_read(
    client: FlaskClient, login: Login, svc: Services
) -> None:
    admin = login("admin")
    username = _user(svc, "caseworker", "FIOD")
    listed = client.get("/api/v1/users", headers=admin).json
    mine = next(u for u in listed if u["username"] == username)
    assert mine["role"] == "caseworker" and mine["agency"] == "FIOD" and mine["active"] is True
    assert "password_hash" not in mine and mine["must_change_password"] is False
    read = client.get(f"/api/v1/users/{username}", headers=admin)
    etag = read.headers["ETag"]
    url = f"/api/v1/users/{username}"
    assert client.patch(url, json={"agency": "OM"}, headers=admin).status_code == 428
    moved = client.patch(url, json={"agency": "OM"}, headers={**admin, "If-Match": etag})
    assert moved.status_code == 200, moved.json
    assert moved.json["agency"] == "OM" and moved.headers["ETag"] != etag
    stale = client.patch(url, json={"role": "screener"}, headers={**admin, "If-Match": etag})
    assert stale.status_code == 412
    # Another role drops the agency: only caseworkers belong to one.
    promoted = client.patch(
        url, json={"role": "screener"}, headers={**admin, "If-Match": moved.headers["ETag"]}
    )
    assert promoted.status_code == 200
    assert promoted.json["role"] == "screener" and promoted.json["agency"] is None
    bad = client.patch(
        url, json={"role": "caseworker"}, headers={**admin, "If-Match": promoted.headers["ETag"]}
    )
    assert bad.status_code == 422 and "agency" in bad.json["errors"]
    unknown = client.patch(url, json={"password": "x"}, headers={**admin, "If-Match": '"9"'})
    assert unknown.status_code == 422 and "password" in unknown.json["errors"]
    missing = client.patch(
        "/api/v1/users/nobody-here", json={"active": False}, headers={**admin, "If-Match": '"1"'}
    )
    assert missing.status_code == 404
    # The screener's token says so at once.
    me = client.get("/api/v1/auth/me", headers=_bearer(_token(client, username)))
    assert me.json == {"username": username, "role": "screener", "agency": None}
    events = _audit(svc, username)
    assert [e[0] for e in events] == ["user.update", "user.update"]
    assert events[0][2]["changes"] == {"agency": ["FIOD", "OM"]}
    assert events[1][2]["changes"] == {"role": ["caseworker", "screener"], "agency": ["OM", None]}
    assert events[0][1] != username


def test_a_deactivated_users_tokens_stop_working_at_once(
    client: FlaskClient, login: Login, svc: Services
) -> None:
    admin = login("admin")
    username = _user(svc)
    headers = _bearer(_token(client, username))
    assert client.get("/api/v1/cases", headers=headers).status_code == 200
    url = f"/api/v1/users/{username}"
    etag = client.get(url, headers=admin).headers["ETag"]
    off = client.patch(url, json={"active": False}, headers={**admin, "If-Match": etag})
    assert off.status_code == 200 and off.json["active"] is False
    assert client.get("/api/v1/cases", headers=headers).status_code == 401
    assert _token(client, username).status_code == 401
    on = client.patch(
        url, json={"active": True}, headers={**admin, "If-Match": off.headers["ETag"]}
    )
    assert on.status_code == 200 and on.json["active"] is True
    # Back in with the password; the old token stays revoked.
    assert client.get("/api/v1/cases", headers=_bearer(_token(client, username))).status_code == 200
    assert client.get("/api/v1/cases", headers=headers).status_code == 401
    assert [e[0] for e in _audit(svc, username)] == ["user.deactivate", "user.reactivate"]


def test_a_reset_password_must_be_changed_before_a_token_is_given(
    client: FlaskClient, login: Login, svc: Services
) -> None:
    admin = login("admin")
    username = _user(svc)
    old_token = _bearer(_token(client, username))
    reset = client.post(f"/api/v1/users/{username}/password-reset", headers=admin)
    assert reset.status_code == 200
    assert reset.headers["Cache-Control"] == "no-store"
    one_time = reset.json["one_time_password"]
    assert len(one_time) >= 12 and reset.json["must_change_password"] is True
    assert client.get("/api/v1/cases", headers=old_token).status_code == 401
    assert _token(client, username).status_code == 401  # the old password is gone
    refused = _token(client, username, one_time)
    assert refused.status_code == 403
    assert refused.content_type == "application/problem+json"
    assert refused.json["title"] == "Password change required"
    assert "POST /api/v1/auth/password" in refused.json["detail"]
    listed = client.get(f"/api/v1/users/{username}", headers=admin).json
    assert listed["must_change_password"] is True

    change = {"username": username, "current_password": one_time, "new_password": "short"}
    assert client.post("/api/v1/auth/password", json=change).status_code == 422
    change["new_password"] = one_time
    same = client.post("/api/v1/auth/password", json=change)
    assert same.status_code == 422 and "new_password" in same.json["errors"]
    change["new_password"] = NEW_PASSWORD
    changed = client.post("/api/v1/auth/password", json=change)
    fresh = _bearer(changed)
    assert client.get("/api/v1/auth/me", headers=fresh).json["username"] == username
    assert _token(client, username, NEW_PASSWORD).status_code == 200
    assert _token(client, username, one_time).status_code == 401
    assert (
        client.get(f"/api/v1/users/{username}", headers=admin).json["must_change_password"] is False
    )
    actions = [(e[0], e[2]) for e in _audit(svc, username)]
    assert actions[0][0] == "user.password_reset" and actions[0][1]["tokens_revoked"] == 1
    assert actions[1][0] == "user.password_change" and actions[1][1]["required"] is True
    # Nothing of the one-time password is in the trail.
    with svc.uow() as uow:
        hits = uow._tx.run(  # type: ignore[attr-defined]
            "MATCH (e:AuditEvent) WHERE e.detail CONTAINS $p RETURN count(e) AS n", p=one_time
        ).single()["n"]
    assert hits == 0


def test_a_user_changes_their_own_password(client: FlaskClient, svc: Services) -> None:
    username = _user(svc, "evaluator", None)
    first, second = _bearer(_token(client, username)), _bearer(_token(client, username))
    wrong = {
        "username": username,
        "current_password": "not-my-password",
        "new_password": NEW_PASSWORD,
    }
    assert client.post("/api/v1/auth/password", json=wrong).status_code == 401
    right = {**wrong, "current_password": PASSWORD}
    fresh = _bearer(client.post("/api/v1/auth/password", json=right))
    # Every earlier session ends; the fresh token works.
    assert client.get("/api/v1/auth/me", headers=first).status_code == 401
    assert client.get("/api/v1/auth/me", headers=second).status_code == 401
    assert client.get("/api/v1/auth/me", headers=fresh).status_code == 200
    assert _token(client, username).status_code == 401
    assert _token(client, username, NEW_PASSWORD).status_code == 200
    assert [e[0] for e in _audit(svc, username)] == ["user.password_change"]


# --- The pages ---------------------------------------------------------------------------------


def test_the_admin_pages_change_a_user_and_reset_a_password(
    app: Flask, web: WebLogin, svc: Services
) -> None:
    admin = web("admin")
    username = _user(svc, "caseworker", "POLITIE")
    person = log_in(app, username)
    assert person.get("/cases").status_code == 200
    listing = admin.get("/admin/users")
    assert f'href="/admin/users/{username}"' in listing.get_data(as_text=True)
    page = admin.get(f"/admin/users/{username}")
    assert page.status_code == 200
    version = re.search(r'name="version" value="(\d+)"', page.get_data(as_text=True))
    assert version
    saved = admin.post(
        f"/admin/users/{username}",
        {"role": "caseworker", "agency": "POLITIE", "version": version.group(1)},
        form_page=f"/admin/users/{username}",
    )
    assert saved.status_code == 303
    # Saved without "active": deactivated, and the user's session ends on its next request.
    assert person.get("/cases").status_code == 302
    shown = text(admin.get(f"/admin/users/{username}"))
    assert "Active no" in shown

    stale = admin.post(
        f"/admin/users/{username}",
        {"role": "caseworker", "agency": "POLITIE", "active": "on", "version": version.group(1)},
        form_page=f"/admin/users/{username}",
    )
    assert stale.status_code == 412
    page = admin.get(f"/admin/users/{username}").get_data(as_text=True)
    current = re.search(r'name="version" value="(\d+)"', page)
    assert current
    back = admin.post(
        f"/admin/users/{username}",
        {"role": "caseworker", "agency": "POLITIE", "active": "on", "version": current.group(1)},
        form_page=f"/admin/users/{username}",
    )
    assert back.status_code == 303

    reset = admin.post(
        f"/admin/users/{username}/password-reset", {}, form_page=f"/admin/users/{username}"
    )
    assert reset.status_code == 200
    assert reset.headers["Cache-Control"] == "no-store"
    found = re.search(r'<code id="one-time-password">([^<]+)</code>', reset.get_data(as_text=True))
    assert found
    one_time = found.group(1)

    # The user logs in with it and must choose a new password first.
    fresh = app.test_client()
    token = test_web.CSRF.search(fresh.get("/login").get_data(as_text=True))
    assert token
    forced = fresh.post(
        "/login", data={"csrf_token": token.group(1), "username": username, "password": one_time}
    )
    assert forced.status_code == 200
    body = forced.get_data(as_text=True)
    assert 'id="password-form"' in body and 'name="username"' in body
    assert fresh.get("/cases").status_code == 302  # not logged in yet
    differ = fresh.post(
        "/password",
        data={
            "csrf_token": token.group(1),
            "username": username,
            "current_password": one_time,
            "new_password": NEW_PASSWORD,
            "new_password_repeat": NEW_PASSWORD + "x",
        },
    )
    assert differ.status_code == 422
    assert "new_password_repeat" in differ.get_data(as_text=True)
    done = fresh.post(
        "/password",
        data={
            "csrf_token": token.group(1),
            "username": username,
            "current_password": one_time,
            "new_password": NEW_PASSWORD,
            "new_password_repeat": NEW_PASSWORD,
        },
    )
    assert done.status_code == 303 and done.headers["Location"] == "/cases"
    assert fresh.get("/cases").status_code == 200


def test_a_logged_in_user_changes_their_password_on_a_page(
    app: Flask, web: WebLogin, svc: Services
) -> None:
    user = web("screener")
    page = user.get("/password")
    assert page.status_code == 200 and 'name="username"' not in page.get_data(as_text=True)
    assert 'href="/password"' in user.get("/screening").get_data(as_text=True)
    wrong = user.post(
        "/password",
        {
            "current_password": "not-my-password",
            "new_password": NEW_PASSWORD,
            "new_password_repeat": NEW_PASSWORD,
        },
    )
    assert wrong.status_code == 401  # counted by the login limits like a failed login
    assert "This is not your current password." in wrong.get_data(as_text=True)
    assert user.get("/screening").status_code == 200  # still logged in
    done = user.post(
        "/password",
        {
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_repeat": NEW_PASSWORD,
        },
    )
    assert done.status_code == 303
    assert user.get("/screening").status_code == 200
    assert _token(app.test_client(), user.username, NEW_PASSWORD).status_code == 200
    assert app.test_client().get("/password").status_code == 302
