"""The automated screening runs on submit and is shown to screeners and the owning caseworker."""

from __future__ import annotations

from flask.testing import FlaskClient

from silver.bootstrap import Silver as Services
from tests.integration.conftest import Login
from tests.support.cases import case_body


def test_submit_screens_the_case_and_stores_the_judged_version(
    client: FlaskClient, login: Login, svc: Services
) -> None:
    cw, om, screener, evaluator = (
        login("caseworker", "FIOD"),
        login("caseworker", "OM"),
        login("screener"),
        login("evaluator"),
    )
    body = case_body(crime_types=["drug_trafficking"], target_countries=["SG", "ES"])
    body["subjects"][0]["remarks"] = "Zijn BSN is 1112.22.333 volgens de gemeente."
    case = client.post("/api/v1/cases", json=body, headers=cw).json
    submitted = client.post(f"/api/v1/cases/{case['id']}/submit", headers=cw)
    assert submitted.status_code == 200

    full = client.get(f"/api/v1/cases/{case['id']}/screening", headers=screener)
    assert full.status_code == 200
    result = full.json
    assert result["case_version"] == submitted.json["version"]
    assert result["verdict"] == "blocked"
    bsn = [f for f in result["findings"] if f["rule"] == "GDPR.NATIONAL_ID"]
    assert bsn and bsn[0]["severity"] == "block" and bsn[0]["field"] == "subjects.0.remarks"
    assert "1112" not in bsn[0]["message"]
    rows = {row["country"]: row for row in result["countries"]}
    assert "NL" not in rows and len(rows) == 50
    assert rows["SG"]["risk"] == "prohibited"
    assert "MISUSE.DEATH_PENALTY" in {r["rule"] for r in rows["SG"]["reasons"]}
    assert rows["ES"]["transfer_basis"] == "eu_member"
    assert rows["GB"]["transfer_basis"] == "adequacy"
    assert result["quota"]["limit"] == svc.settings.quota
    assert result["quota"]["remaining"] == svc.settings.quota - result["quota"]["used"]

    own = client.get(f"/api/v1/cases/{case['id']}/screening", headers=cw)
    assert own.status_code == 200 and "countries" not in own.json
    assert own.json["findings"] == result["findings"]
    assert client.get(f"/api/v1/cases/{case['id']}/screening", headers=om).status_code == 404
    assert client.get(f"/api/v1/cases/{case['id']}/screening", headers=evaluator).status_code == 403


def test_a_draft_is_screened_on_demand_for_its_caseworker(
    client: FlaskClient, login: Login
) -> None:
    cw, screener = login("caseworker", "POLITIE"), login("screener")
    case = client.post("/api/v1/cases", json=case_body(max_penalty_years=4), headers=cw).json
    result = client.get(f"/api/v1/cases/{case['id']}/screening", headers=cw).json
    assert "CASE.PENALTY_THRESHOLD" in {f["rule"] for f in result["findings"]}
    assert result["case_version"] == 1
    assert client.get(f"/api/v1/cases/{case['id']}/screening", headers=screener).status_code == 404
