"""The audit trail over HTTP (admin only), filtered by case id or number."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.integration.conftest import Login
from tests.support.cases import case_body


def test_an_admin_reads_a_case_trail_by_id_or_number(client: FlaskClient, login: Login) -> None:
    cw, admin = login("caseworker", "FIOD"), login("admin")
    case = client.post("/api/v1/cases", json=case_body(), headers=cw).json
    client.get(f"/api/v1/cases/{case['id']}", headers={**cw, "X-Purpose": "checking the draft"})
    by_id = client.get(f"/api/v1/audit?case={case['id']}", headers=admin)
    assert by_id.status_code == 200
    assert [e["action"] for e in by_id.json] == ["case.create", "case.read"]
    assert by_id.json[1]["reason"] == "checking the draft"
    assert by_id.json[1]["actor"] == cw["X-Test-User"]
    assert by_id.json[1]["prev_hash"] != by_id.json[1]["hash"]
    by_number = client.get(f"/api/v1/audit?case={case['number']}", headers=admin)
    assert by_number.json == by_id.json
    assert by_number.headers["X-Total-Count"] == "2"
    assert client.get("/api/v1/audit?case=NL-SN-1900-0001", headers=admin).status_code == 404
    for role in ("screener", "evaluator"):
        assert client.get("/api/v1/audit", headers=login(role)).status_code == 403
    assert client.get("/api/v1/audit", headers=cw).status_code == 403
