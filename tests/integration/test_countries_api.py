"""Countries and their risk profiles in the graph: the list, reviews with history, roles."""

from __future__ import annotations

import uuid

from flask.testing import FlaskClient

from tests.integration.conftest import Login
from tests.support.cases import case_body


def test_every_iso_country_is_listed_with_the_51_participants(
    client: FlaskClient, login: Login
) -> None:
    response = client.get("/api/v1/countries", headers=login("evaluator"))
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json}
    assert len(rows) == int(response.headers["X-Total-Count"]) >= 249
    assert rows["CH"]["participant"] is False
    assert rows["SG"]["participant"] is True
    assert rows["SG"]["profile"]["death_penalty_status"] == "retentionist"
    assert rows["SG"]["profile"]["sources"], "the seed keeps its sources"
    participants = client.get(
        "/api/v1/countries?participant=true", headers=login("caseworker", "OM")
    )
    assert len(participants.json) == 51
    assert "NL" in {row["code"] for row in participants.json}
    assert client.get("/api/v1/countries").status_code == 401


def test_a_screener_reviews_a_profile_and_every_version_is_kept(
    client: FlaskClient, login: Login
) -> None:
    screener = login("screener")
    before = client.get("/api/v1/countries/aq", headers=screener)
    assert before.status_code == 200 and before.json["code"] == "AQ"
    etag = before.headers["ETag"]
    assert (
        client.put(
            "/api/v1/countries/AQ/profile", json={"notes": "x"}, headers=screener
        ).status_code
        == 428
    )

    score = ((before.json["profile"]["cpi_score"] or 0) + 1) % 101
    note = f"Reviewed for the pilot ({uuid.uuid4().hex[:8]})."
    changed = client.put(
        "/api/v1/countries/AQ/profile",
        json={"cpi_score": score, "notes": note, "eu_member": False},
        headers={**screener, "If-Match": etag},
    )
    assert changed.status_code == 200, changed.json
    profile = changed.json["profile"]
    assert profile["cpi_score"] == score and profile["notes"] == note
    assert profile["reviewed_by"] == screener["X-Test-User"]
    assert profile["reviewed_at"] is not None
    assert profile["eu_member"] is before.json["profile"]["eu_member"], "omitted fields stay"
    assert changed.json["version"] == before.json["version"] + 1

    stale = client.put(
        "/api/v1/countries/AQ/profile",
        json={"notes": "lost?"},
        headers={**screener, "If-Match": etag},
    )
    assert stale.status_code == 412
    history = client.get("/api/v1/countries/AQ/profile/history", headers=screener).json
    assert history[0]["version"] == changed.json["version"]
    assert history[0]["by"] == screener["X-Test-User"]
    assert history[0]["changed"] == ["cpi_score", "notes"], "eu_member did not change"
    assert history[0]["profile"]["notes"] == note
    assert history[-1]["version"] == 1, "the seed version is part of the history"
    assert [h["version"] for h in history] == sorted((h["version"] for h in history), reverse=True)


def test_profile_values_are_validated_and_nothing_is_stored_on_error(
    client: FlaskClient, login: Login
) -> None:
    screener = login("screener")
    before = client.get("/api/v1/countries/BV", headers=screener)
    bad = client.put(
        "/api/v1/countries/BV/profile",
        json={"cpi_score": 101, "death_penalty_status": "sometimes", "colour": "red"},
        headers={**screener, "If-Match": before.headers["ETag"]},
    )
    assert bad.status_code == 422
    assert set(bad.json["errors"]) == {"cpi_score", "death_penalty_status", "colour"}
    after = client.get("/api/v1/countries/BV", headers=screener)
    assert after.json == before.json
    missing = client.put(
        "/api/v1/countries/XX/profile", json={}, headers={**screener, "If-Match": '"1"'}
    )
    assert missing.status_code == 404


def test_only_an_admin_changes_who_participates(client: FlaskClient, login: Login) -> None:
    screener, admin = login("screener"), login("admin")
    current = client.get("/api/v1/countries/BV", headers=admin)
    assert current.json["participant"] is False
    refused = client.put(
        "/api/v1/countries/BV/profile",
        json={"participant": True},
        headers={**screener, "If-Match": current.headers["ETag"]},
    )
    assert refused.status_code == 403
    for role in ("caseworker", "evaluator"):
        headers = login(role, "FIOD") if role == "caseworker" else login(role)
        forbidden = client.put(
            "/api/v1/countries/BV/profile",
            json={"notes": "x"},
            headers={**headers, "If-Match": current.headers["ETag"]},
        )
        assert forbidden.status_code == 403
    joined = client.put(
        "/api/v1/countries/BV/profile",
        json={"participant": True},
        headers={**admin, "If-Match": current.headers["ETag"]},
    )
    try:
        assert joined.status_code == 200, joined.json
        assert joined.json["participant"] is True
    finally:
        latest = client.get("/api/v1/countries/BV", headers=admin)
        left = client.put(
            "/api/v1/countries/BV/profile",
            json={"participant": False},
            headers={**admin, "If-Match": latest.headers["ETag"]},
        )
        assert left.status_code == 200


def test_a_reviewed_profile_is_no_longer_stale_in_the_screening(
    client: FlaskClient, login: Login
) -> None:
    cw, screener = login("caseworker", "FIOD"), login("screener")
    current = client.get("/api/v1/countries/BE", headers=screener)
    reviewed = client.put(
        "/api/v1/countries/BE/profile",
        json={},
        headers={**screener, "If-Match": current.headers["ETag"]},
    )
    assert reviewed.status_code == 200
    case = client.post("/api/v1/cases", json=case_body(), headers=cw).json
    client.post(f"/api/v1/cases/{case['id']}/submit", headers=cw)
    rows = {
        r["country"]: r
        for r in client.get(f"/api/v1/cases/{case['id']}/screening", headers=screener).json[
            "countries"
        ]
    }
    assert "MISUSE.PROFILE_STALE" not in {r["rule"] for r in rows["BE"]["reasons"]}
    assert "MISUSE.PROFILE_STALE" in {r["rule"] for r in rows["AR"]["reasons"]}
