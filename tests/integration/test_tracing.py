"""Matching and tracing against the real Neo4j: a case's subjects and assets against reference
data and other cases, and ownership chains followed down and up."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from silver.bootstrap import Silver
from silver.services import reference
from tests.integration.conftest import Login
from tests.support.cases import case_body, imo
from tests.support.reference import chain, entity, own

Lines = list[dict[str, Any]]


@pytest.fixture
def load(svc: Silver) -> Iterator[Any]:
    """load(entities) imports them as a dataset of their own, deleted after the test."""
    loaded: list[str] = []

    def _load(entities: Lines) -> str:
        name = f"trace-{uuid.uuid4().hex[:10]}"
        report = reference.import_reference(
            [json.dumps(e).encode() for e in entities],
            name,
            uow_factory=svc.uow,
            index_key=svc.keys.index_key,
        )
        assert report.skipped == 0
        loaded.append(name)
        return name

    yield _load
    for name in loaded:
        reference.delete_dataset(name, uow_factory=svc.uow)


def suspect_case(name: str, born: str = "1970-05-01", **overrides: Any) -> dict[str, Any]:
    body = case_body(**overrides)
    body["subjects"][0].update(full_name=name, date_of_birth=born)
    return body


def trace(
    client: FlaskClient, case_id: str, headers: dict[str, str], **query: Any
) -> dict[str, Any]:
    response = client.get(f"/api/v1/cases/{case_id}/trace", query_string=query, headers=headers)
    assert response.status_code == 200, response.json
    body: dict[str, Any] = response.json
    return body


def reached_refs(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        r["node"]["entity_id"]: r for r in result["reached"] if r["node"]["kind"] == "reference"
    }


def test_a_suspect_matching_a_reference_person_leads_to_a_vessel_three_companies_away(
    client: FlaskClient, login: Login, load: Any
) -> None:
    tag = uuid.uuid4().hex[:6]
    dataset = load(chain(tag, imo()))
    cw = login("caseworker", "FIOD")
    case = client.post("/api/v1/cases", json=suspect_case("ZILVÉRBERG, Jan"), headers=cw).json

    found = client.get(f"/api/v1/cases/{case['id']}/matches", headers=cw).json["items"]
    person = [m for m in found if m.get("dataset") == dataset]
    assert person == [
        {
            "subject": "s1",
            "dataset": dataset,
            "entity_id": f"{tag}-p",
            "schema": "Person",
            "caption": "Jan Zilverberg",
            "case": None,
            "basis": "name_and_birth_date",
            "kind": "person_name_dob",
            "score": 0.9,
        }
    ]

    result = trace(client, case["id"], cw, **{"from": "s1", "direction": "down", "depth": 4})
    refs = reached_refs(result)
    vessel = refs[f"{tag}-v"]
    assert vessel["hops"] == 4 and vessel["effective_share"] == pytest.approx(0.3)
    assert vessel["node"]["schema"] == "Vessel"
    assert refs[f"{tag}-pa1"]["node"]["country"] == "PA"
    assert refs[f"{tag}-pa1"]["effective_share"] == pytest.approx(0.6)
    steps = [
        s.get("relation") or s["node"].get("key") or s["node"].get("entity_id")
        for s in vessel["path"]
    ]
    assert steps == [
        "s1", "same_person_name_dob", f"{tag}-p", "owns", f"{tag}-cy", "owns", f"{tag}-pa1",
        "owns", f"{tag}-pa2", "owns", f"{tag}-v",
    ]  # fmt: skip
    assert result["truncated"] is False

    shallow = reached_refs(trace(client, case["id"], cw, **{"from": "s1", "depth": 2}))
    assert set(shallow) == {f"{tag}-p", f"{tag}-cy", f"{tag}-pa1"}, "depth bounds the steps"


def test_a_different_birth_date_does_not_match(
    client: FlaskClient, login: Login, load: Any
) -> None:
    tag = uuid.uuid4().hex[:6]
    dataset = load(chain(tag, imo()))
    cw = login("caseworker", "OM")
    case = client.post(
        "/api/v1/cases", json=suspect_case("Jan Zilverberg", "1971-05-01"), headers=cw
    ).json
    found = client.get(f"/api/v1/cases/{case['id']}/matches", headers=cw).json["items"]
    assert [m for m in found if m.get("dataset") == dataset] == []
    assert reached_refs(trace(client, case["id"], cw, **{"from": "s1"})) == {}


def test_up_from_an_asset_reaches_its_beneficial_owner_through_a_shared_imo(
    client: FlaskClient, login: Login, load: Any
) -> None:
    tag, vessel_imo = uuid.uuid4().hex[:6], imo()
    load(chain(tag, vessel_imo))
    cw = login("caseworker", "POLITIE")
    body = suspect_case("Someone Else")
    body["assets"][1]["imo"] = vessel_imo
    case = client.post("/api/v1/cases", json=body, headers=cw).json
    matches = client.get(f"/api/v1/cases/{case['id']}/matches", headers=cw).json["items"]
    assert {"asset": "a2", "basis": "identifier", "score": 1.0, "kind": "imo"}.items() <= next(
        m for m in matches if m.get("entity_id") == f"{tag}-v"
    ).items()

    refs = reached_refs(trace(client, case["id"], cw, **{"from": "a2", "direction": "up"}))
    owner = refs[f"{tag}-p"]
    assert owner["node"]["schema"] == "Person"
    assert owner["hops"] == 4 and owner["effective_share"] == pytest.approx(0.3)


def test_a_cycle_ends_and_every_node_is_reached_once(
    client: FlaskClient, login: Login, load: Any
) -> None:
    tag, vessel_imo = uuid.uuid4().hex[:6], imo()
    entities = [*chain(tag, vessel_imo), own(f"{tag}-back", f"{tag}-pa2", f"{tag}-cy", "10")]
    load(entities)
    cw = login("caseworker", "FIOD")
    case = client.post("/api/v1/cases", json=suspect_case("Jan Zilverberg"), headers=cw).json
    result = trace(client, case["id"], cw, **{"from": "s1", "depth": 6})
    ids = [
        r["node"].get("entity_id") for r in result["reached"] if r["node"]["kind"] == "reference"
    ]
    assert len(ids) == len(set(ids)) and f"{tag}-v" in ids


def test_a_hub_is_cut_at_a_thousand_and_says_so(
    client: FlaskClient, login: Login, load: Any
) -> None:
    tag = uuid.uuid4().hex[:6]
    person = entity(f"{tag}-p", "Person", name=f"Hubert Hub {tag}", birthDate="1960-01-02")
    agent = entity(f"{tag}-agent", "Company", name=f"Formation Agent {tag}", jurisdiction="vg")
    companies = [entity(f"{tag}-c{i}", "Company", name=f"Shell {i}") for i in range(1200)]
    links = [own(f"{tag}-l{i}", f"{tag}-agent", f"{tag}-c{i}", "100") for i in range(1200)]
    load([person, agent, own(f"{tag}-pa", f"{tag}-p", f"{tag}-agent", "100"), *companies, *links])
    cw = login("caseworker", "FIOD")
    body = suspect_case(f"Hubert Hub {tag}", "1960-01-02")
    case = client.post("/api/v1/cases", json=body, headers=cw).json

    result = trace(client, case["id"], cw, **{"from": "s1", "depth": 3})
    assert result["truncated"] is True
    assert len(result["reached"]) == 1000
    hub = reached_refs(result)[f"{tag}-agent"]
    assert hub["node"]["caption"] == f"Formation Agent {tag}"


def test_another_agencys_case_shows_as_number_and_agency_and_is_not_followed(
    client: FlaskClient, login: Login
) -> None:
    fiod, om = login("caseworker", "FIOD"), login("caseworker", "OM")
    mine = client.post("/api/v1/cases", json=case_body(), headers=fiod).json
    theirs_body = case_body()
    theirs_body["assets"][0]["iban"] = mine["assets"][0]["iban"]
    theirs = client.post("/api/v1/cases", json=theirs_body, headers=om).json

    result = trace(client, mine["id"], fiod, **{"from": "s1"})
    others = [r for r in result["reached"] if r["node"]["kind"] == "case"]
    assert others and {r["node"]["number"] for r in others} == {theirs["number"]}
    assert all(set(r["node"]) == {"kind", "number", "agency"} for r in others)
    assert all(r["node"]["agency"] == "OM" for r in others)
    # OM's suspect (who holds the shared account) is reached, but nothing beyond it.
    assert len(others) == 1 and others[0]["hops"] == 1

    found = client.get(f"/api/v1/cases/{mine['id']}/matches", headers=fiod).json["items"]
    assert {"asset": "a1", "case": {"number": theirs["number"], "agency": "OM"}}.items() <= next(
        m for m in found if m.get("case")
    ).items()


def test_who_may_trace_and_what_is_refused(client: FlaskClient, login: Login) -> None:
    cw, other, evaluator = (
        login("caseworker", "FIOD"),
        login("caseworker", "OM"),
        login("evaluator"),
    )
    case = client.post("/api/v1/cases", json=case_body(), headers=cw).json
    url = f"/api/v1/cases/{case['id']}"
    assert client.get(f"{url}/trace?from=s1", headers=evaluator).status_code == 403
    assert client.get(f"{url}/matches", headers=evaluator).status_code == 403
    assert client.get(f"{url}/trace?from=s1", headers=other).status_code == 404
    assert client.get(f"{url}/trace?from=s1").status_code == 401
    for query, field in (
        ("from=nobody", "from"),
        ("from=s1&depth=7", "depth"),
        ("from=s1&depth=0", "depth"),
        ("from=s1&depth=deep", "depth"),
        ("from=s1&direction=sideways", "direction"),
        ("", "from"),
    ):
        response = client.get(f"{url}/trace?{query}", headers=cw)
        assert response.status_code == 422, (query, response.json)
        assert field in response.json["errors"], (query, response.json)


def test_no_name_reaches_neo4j_in_plaintext(client: FlaskClient, login: Login, svc: Silver) -> None:
    name = f"Plaintext Probe {uuid.uuid4().hex[:8]}"
    cw = login("caseworker", "FIOD")
    client.post("/api/v1/cases", json=suspect_case(name), headers=cw)
    records, _, _ = svc.driver.execute_query(
        "MATCH (n) WHERE NOT n:Ref AND any(k IN keys(n) WHERE "
        "  (n[k] IS :: STRING AND n[k] CONTAINS $probe) OR "
        "  (n[k] IS :: LIST<STRING NOT NULL> AND any(x IN n[k] WHERE x CONTAINS $probe))) "
        "RETURN count(n) AS n",
        probe=name.split()[-1],
    )
    assert records[0]["n"] == 0
    keys, _, _ = svc.driver.execute_query(
        "MATCH (i:Identifier) WHERE i.kind STARTS WITH 'person_name' RETURN i LIMIT 5"
    )
    assert keys and all(len(r["i"]["index"]) == 64 for r in keys)


def test_a_caseworker_adds_a_traced_vessel_to_the_case_with_its_country(
    client: FlaskClient, login: Login, load: Any
) -> None:
    tag, vessel_imo = uuid.uuid4().hex[:6], imo()
    dataset = load(chain(tag, vessel_imo))
    cw = login("caseworker", "FIOD")
    case = client.post("/api/v1/cases", json=suspect_case("Jan Zilverberg"), headers=cw).json
    url = f"/api/v1/cases/{case['id']}/assets/from-reference"
    payload = {"dataset": dataset, "entity_id": f"{tag}-v"}

    assert client.post(url, json=payload, headers=cw).status_code == 428
    added = client.post(url, json=payload, headers={**cw, "If-Match": f'"{case["version"]}"'})
    assert added.status_code == 200, added.json
    vessel = added.json["assets"][-1]
    assert vessel["type"] == "vessel" and vessel["imo"] == vessel_imo
    assert vessel["country"] == "PA" and "PA" in added.json["target_countries"]
    assert vessel["key"] == f"ref-{tag}-v"
    # The case now knows the vessel itself: it matches the reference vessel by its IMO.
    found = client.get(f"/api/v1/cases/{case['id']}/matches", headers=cw).json["items"]
    assert any(m.get("asset") == vessel["key"] and m["kind"] == "imo" for m in found)

    company = {"dataset": dataset, "entity_id": f"{tag}-cy"}
    refused = client.post(url, json=company, headers={**cw, "If-Match": f'"{case["version"] + 1}"'})
    assert refused.status_code == 422 and "entity_id" in refused.json["errors"]


def test_every_trace_and_every_match_list_is_an_audited_read(
    client: FlaskClient, login: Login
) -> None:
    cw, admin = login("caseworker", "FIOD"), login("admin")
    case = client.post("/api/v1/cases", json=case_body(), headers=cw).json
    url = f"/api/v1/cases/{case['id']}"
    reader = {**cw, "X-Purpose": "tracing the suspect"}
    trace(client, case["id"], reader, **{"from": "s1", "direction": "down", "depth": 3})
    assert client.get(f"{url}/matches", headers=reader).status_code == 200
    # A refused query reads nothing, so it leaves no read behind.
    assert client.get(f"{url}/trace?from=nobody", headers=reader).status_code == 422
    trail = client.get(f"/api/v1/audit?case={case['id']}&page_size=200", headers=admin).json
    reads = [e for e in trail if e["action"] == "case.read"]
    assert [e["detail"]["view"] for e in reads] == ["trace", "matches"]
    assert {e["actor"] for e in reads} == {cw["X-Test-User"]}
    assert {e["reason"] for e in reads} == {"tracing the suspect"}
    assert reads[0]["detail"] == {"view": "trace", "from": "s1", "direction": "down", "depth": 3}
