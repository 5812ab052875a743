"""Case intake through the HTTP API against the real Neo4j."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from silver.bootstrap import Silver as Services
from tests.integration.conftest import Login
from tests.support.cases import case_body, imo, nl_iban


def create(client: FlaskClient, headers: dict[str, str], body: dict[str, Any]) -> Any:
    response = client.post("/api/v1/cases", json=body, headers=headers)
    assert response.status_code == 201, response.json
    return response


def test_create_read_back_and_system_fields(client: FlaskClient, login: Login) -> None:
    cw = login("caseworker", "FIOD")
    body = case_body()
    created = create(client, cw, body)
    case = created.json
    assert case["status"] == "draft" and case["agency"] == "FIOD" and case["version"] == 1
    assert case["proposed_by"] == cw["X-Test-User"]
    assert case["number"].startswith("NL-SN-") and len(case["number"]) == len("NL-SN-2026-0001")
    assert created.headers["ETag"] == '"1"'
    assert created.headers["Location"] == f"/api/v1/cases/{case['id']}"
    read = client.get(f"/api/v1/cases/{case['id']}", headers=cw)
    assert read.status_code == 200 and read.headers["ETag"] == '"1"'
    for field, value in body.items():
        assert read.json[field] == value, field
    assert [h["status"] for h in read.json["status_history"]] == ["draft"]


def test_bad_input_is_422_and_stores_nothing(client: FlaskClient, login: Login) -> None:
    cw = login("caseworker", "OM")
    before = client.get("/api/v1/cases", headers=cw).headers["X-Total-Count"]
    body = case_body()
    body["assets"][0]["iban"] = "NL00ABNA0417164300"
    response = client.post("/api/v1/cases", json=body, headers=cw)
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert "assets.0.iban" in response.json["errors"]
    assert client.get("/api/v1/cases", headers=cw).headers["X-Total-Count"] == before


def test_a_wrong_json_type_anywhere_is_422_naming_the_field(
    client: FlaskClient, login: Login
) -> None:
    cw = login("caseworker", "OM")
    response = client.post("/api/v1/cases", json=case_body(relations=[{"to": {}}]), headers=cw)
    assert response.status_code == 422, response.json
    assert response.content_type == "application/problem+json"
    errors = response.json["errors"]
    assert errors["relations.0.to"] == [
        "Not a valid string.",
        "does not name a subject key of this case",
    ]
    assert "relations.0.from" in errors and "relations.0.relation" in errors
    assert "relations.0.to" in response.json["detail"]


def test_a_patch_is_checked_with_the_stored_case(client: FlaskClient, login: Login) -> None:
    cw = login("caseworker", "FIOD")
    case_id = create(client, cw, case_body()).json["id"]
    url = f"/api/v1/cases/{case_id}"
    holdings = [{"subject": "o1", "asset": "a2", "relation": "controls", "share": None}]
    patched = client.patch(url, json={"holdings": holdings}, headers={**cw, "If-Match": '"1"'})
    assert patched.status_code == 200, patched.json
    assert patched.json["holdings"] == holdings
    unknown = client.patch(url, json={"mood": "calm"}, headers={**cw, "If-Match": '"2"'})
    assert unknown.status_code == 422 and unknown.json["errors"] == {"mood": ["Unknown field."]}
    no_kind = client.patch(
        url,
        json={"subjects": [{"key": "p9", "role": "suspect"}]},
        headers={**cw, "If-Match": '"2"'},
    )
    assert no_kind.status_code == 422
    assert no_kind.json["errors"]["subjects.0.kind"] == ["Missing data for required field."]
    assert client.get(url, headers=cw).json["version"] == 2


_COUNTRIES = st.sampled_from(["ES", "BE", "FR", "GB", "AE", "SG", "US", "PT", "IT", "PL"])
_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40
)


@st.composite
def valid_cases(draw: st.DrawFn) -> dict[str, Any]:
    n_people = draw(st.integers(1, 3))
    subjects: list[dict[str, Any]] = []
    for i in range(n_people):
        role = draw(st.sampled_from(["suspect", "convicted", "third_party"]))
        subject: dict[str, Any] = {
            "key": f"p{i}",
            "kind": "person",
            "role": role,
            "full_name": draw(_TEXT),
            "aliases": draw(st.lists(_TEXT, max_size=2)),
            "date_of_birth": draw(
                st.dates(
                    min_value=__import__("datetime").date(1930, 1, 1),
                    max_value=__import__("datetime").date(2005, 1, 1),
                )
            ).isoformat(),
            "nationalities": draw(st.lists(_COUNTRIES, max_size=2, unique=True)),
            "refugee_status": draw(
                st.one_of(st.none(), _COUNTRIES.map(lambda c: {"country_of_origin": c}))
            ),
        }
        if role == "third_party":
            subject["justification"] = draw(_TEXT)
        subjects.append(subject)
    subjects.append(
        {
            "key": "org",
            "kind": "organisation",
            "role": "suspect",
            "name": draw(_TEXT),
            "jurisdiction": draw(_COUNTRIES),
        }
    )
    assets: list[dict[str, Any]] = []
    for i in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["bank_account", "vessel", "real_estate", "company_share"]))
        asset: dict[str, Any] = {"key": f"a{i}", "type": kind, "country": draw(_COUNTRIES)}
        if kind == "bank_account":
            asset["iban"] = nl_iban()
        elif kind == "vessel":
            asset["imo"] = imo()
        elif kind == "real_estate":
            asset["address"] = draw(_TEXT)
        else:
            asset["organisation"] = "org"
            asset["percentage"] = float(draw(st.integers(0, 100)))
        if draw(st.booleans()):
            cents = draw(st.integers(0, 10**9))
            asset["estimated_value"] = {
                "amount": f"{cents // 100}.{cents % 100:02d}",
                "currency": draw(st.sampled_from(["EUR", "USD", "GBP"])),
            }
        assets.append(asset)
    holdings = [
        {"subject": "p0", "asset": a["key"], "relation": "owns", "share": draw(st.floats(0, 1))}
        for a in assets[:2]
    ]
    return {
        "title": draw(_TEXT),
        "crime_types": draw(
            st.lists(st.sampled_from(["fraud", "corruption", "cybercrime"]), unique=True)
        ),
        "offence_summary": draw(_TEXT),
        "max_penalty_years": float(draw(st.integers(0, 30))),
        "legal_basis": {"type": "conviction", "reference": draw(_TEXT)},
        "urgency": draw(st.sampled_from(["normal", "urgent"])),
        "target_countries": draw(st.lists(_COUNTRIES, max_size=3, unique=True)),
        "subjects": subjects,
        "assets": assets,
        "holdings": holdings,
        "relations": [{"from": "p0", "to": "org", "relation": "director_of"}],
    }


def test_any_valid_case_comes_back_unchanged(client: FlaskClient, login: Login) -> None:
    cw = login("caseworker", "POLITIE")

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(valid_cases())
    def roundtrip(body: dict[str, Any]) -> None:
        created = create(client, cw, body)
        read = client.get(f"/api/v1/cases/{created.json['id']}", headers=cw).json
        for field, value in body.items():
            assert read[field] == value, field

    roundtrip()


def test_agency_isolation_and_roles(client: FlaskClient, login: Login) -> None:
    fiod, om = login("caseworker", "FIOD"), login("caseworker", "OM")
    screener, evaluator = login("screener"), login("evaluator")
    case_id = create(client, fiod, case_body()).json["id"]
    for path in ("", "/links", "/graph"):
        assert client.get(f"/api/v1/cases/{case_id}{path}", headers=om).status_code == 404
        assert client.get(f"/api/v1/cases/{case_id}{path}", headers=evaluator).status_code == 403
        assert client.get(f"/api/v1/cases/{case_id}{path}", headers=screener).status_code == 404
    assert (
        client.patch(
            f"/api/v1/cases/{case_id}", json={"title": "x"}, headers={**om, "If-Match": '"1"'}
        ).status_code
        == 404
    )
    assert client.post(f"/api/v1/cases/{case_id}/submit", headers=om).status_code == 404
    om_ids = {c["id"] for c in client.get("/api/v1/cases?page_size=200", headers=om).json}
    assert case_id not in om_ids
    assert client.get("/api/v1/cases", headers=evaluator).status_code == 403
    assert client.post("/api/v1/cases", json=case_body(), headers=screener).status_code == 403

    assert client.post(f"/api/v1/cases/{case_id}/submit", headers=fiod).status_code == 200
    seen = client.get(f"/api/v1/cases/{case_id}", headers=screener)
    assert seen.status_code == 200 and seen.json["status"] == "submitted"
    assert client.get(f"/api/v1/cases/{case_id}", headers=om).status_code == 404


def test_etag_conflicts_and_submit_forbids_edits(client: FlaskClient, login: Login) -> None:
    cw = login("caseworker", "FIOD")
    case_id = create(client, cw, case_body()).json["id"]
    url = f"/api/v1/cases/{case_id}"
    assert client.patch(url, json={"title": "no etag"}, headers=cw).status_code == 428
    first = client.patch(url, json={"title": "first edit"}, headers={**cw, "If-Match": '"1"'})
    assert first.status_code == 200 and first.headers["ETag"] == '"2"'
    stale = client.patch(url, json={"title": "second edit"}, headers={**cw, "If-Match": '"1"'})
    assert stale.status_code == 412 and stale.content_type == "application/problem+json"
    assert client.get(url, headers=cw).json["title"] == "first edit"

    bad = client.patch(
        url,
        json={"holdings": [{"subject": "s1", "asset": "zz", "relation": "owns"}]},
        headers={**cw, "If-Match": '"2"'},
    )
    assert bad.status_code == 422 and "holdings.0.asset" in bad.json["errors"]
    assert client.get(url, headers=cw).json["version"] == 2

    submitted = client.post(f"{url}/submit", headers=cw)
    assert submitted.status_code == 200 and submitted.json["status"] == "submitted"
    again = client.patch(
        url, json={"title": "late"}, headers={**cw, "If-Match": submitted.headers["ETag"]}
    )
    assert again.status_code == 409
    assert client.post(f"{url}/submit", headers=cw).status_code == 409
    assert client.get(url, headers=cw).json["title"] == "first edit"


def test_same_account_and_vessel_link_across_agencies(client: FlaskClient, login: Login) -> None:
    fiod, om = login("caseworker", "FIOD"), login("caseworker", "OM")
    shared_iban, shared_imo = nl_iban(), imo()
    first = case_body()
    first["assets"][0]["iban"] = shared_iban
    first["assets"][1]["imo"] = shared_imo
    second = case_body()
    second["assets"][0]["iban"] = " ".join(shared_iban[i : i + 4] for i in range(0, 18, 4)).lower()
    second["assets"][1]["imo"] = "IMO " + shared_imo[3:]
    a = create(client, fiod, first).json
    b = create(client, om, second).json
    links = client.get(f"/api/v1/cases/{b['id']}/links", headers=om).json
    by_type = {link["identifier_type"]: link for link in links}
    assert by_type["iban"]["key"] == "a1" and by_type["imo"]["key"] == "a2"
    assert by_type["iban"]["cases"] == [{"number": a["number"], "agency": "FIOD"}]
    assert by_type["imo"]["cases"] == [{"number": a["number"], "agency": "FIOD"}]
    unrelated = create(client, om, case_body()).json
    assert client.get(f"/api/v1/cases/{unrelated['id']}/links", headers=om).json == []


def test_case_graph_for_drawing(client: FlaskClient, login: Login) -> None:
    cw = login("caseworker", "POLITIE")
    body = case_body()
    case = create(client, cw, body).json
    graph = client.get(f"/api/v1/cases/{case['id']}/graph", headers=cw).json
    ids = {n["id"]: n for n in graph["nodes"]}
    assert {"case", "s1", "o1", "a1", "a2", "country:ES", "country:BE", "country:NL"} <= set(ids)
    assert ids["s1"]["label"] == body["subjects"][0]["full_name"]
    edges = {(e["source"], e["target"], e["type"]) for e in graph["edges"]}
    assert ("s1", "a1", "owns") in edges
    assert ("s1", "o1", "director_of") in edges
    assert ("a2", "country:ES", "located_in") in edges
    assert ("case", "country:BE", "targets") in edges


def test_100_concurrent_creates_get_100_distinct_numbers(app: Flask, login: Login) -> None:
    cw = login("caseworker", "FIOD")

    def one(_: int) -> str:
        response = app.test_client().post("/api/v1/cases", json={"title": "concurrent"}, headers=cw)
        assert response.status_code == 201, response.json
        return str(response.json["number"])

    with ThreadPoolExecutor(max_workers=10) as pool:
        numbers = list(pool.map(one, range(100)))
    assert len(set(numbers)) == 100


def test_neo4j_holds_no_plaintext_personal_data(
    client: FlaskClient, login: Login, svc: Services
) -> None:
    cw = login("caseworker", "OM")
    body = case_body()
    create(client, cw, body)
    needles = [
        body["subjects"][0]["full_name"],
        body["assets"][0]["iban"],
        body["subjects"][0]["identifiers"][0]["value"],
        body["title"],
        body["offence_summary"][:30],
        "Jan Testpersoon",
    ]
    for needle in needles:
        records, _, _ = svc.driver.execute_query(
            """
            MATCH (n) WHERE any(k IN keys(n) WHERE
                (n[k] IS :: STRING AND n[k] CONTAINS $needle) OR
                (n[k] IS :: LIST<STRING> AND any(x IN n[k] WHERE x CONTAINS $needle)))
            RETURN count(n) AS nodes
            """,
            needle=needle,
        )
        assert records[0]["nodes"] == 0, needle
        rels, _, _ = svc.driver.execute_query(
            "MATCH ()-[r]->() WHERE any(k IN keys(r) WHERE "
            "r[k] IS :: STRING AND r[k] CONTAINS $needle) "
            "RETURN count(r) AS n",
            needle=needle,
        )
        assert rels[0]["n"] == 0, needle


def test_listing_is_paginated_and_filtered(client: FlaskClient, login: Login) -> None:
    cw = login("caseworker", "POLITIE")
    ids = [create(client, cw, {"title": f"list {i}"}).json["id"] for i in range(3)]
    client.post(f"/api/v1/cases/{ids[0]}/submit", headers=cw)
    page = client.get("/api/v1/cases?page=1&page_size=2", headers=cw)
    assert page.status_code == 200 and len(page.json) == 2
    total = int(page.headers["X-Total-Count"])
    assert total >= 3
    drafts = client.get("/api/v1/cases?status=draft&page_size=200", headers=cw)
    assert ids[0] not in {c["id"] for c in drafts.json}
    assert {ids[1], ids[2]} <= {c["id"] for c in drafts.json}
    bad = client.get("/api/v1/cases?status=lost&page_size=0", headers=cw)
    assert bad.status_code == 422 and {"status", "page_size"} <= set(bad.json["errors"])


def test_a_read_unit_of_work_reads_each_query_on_its_own_and_cannot_commit(
    client: FlaskClient, login: Login, svc: Services
) -> None:
    """Reads audited by the shared read-audit commit run in a read unit of work: each query an
    auto-commit transaction (graph/uow.py)."""
    case = client.post("/api/v1/cases", json=case_body(), headers=login("caseworker", "FIOD")).json
    with svc.read_uow() as uow:
        row = uow.cases.get(case["id"])
        assert row is not None and row["number"] == case["number"]
        with pytest.raises(RuntimeError, match="cannot commit"):
            uow.commit()
    with svc.uow() as uow:
        stored = uow.cases.get(case["id"])
    assert stored is not None and stored["version"] == row["version"]
