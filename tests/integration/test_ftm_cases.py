"""A case out and back in as FollowTheMoney entities, over HTTP against the real Neo4j."""

from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient
from followthemoney import model

from silver.bootstrap import Silver as Services
from tests.integration.conftest import Login
from tests.support.cases import case_body

CASE_FIELDS = (
    "title",
    "national_reference",
    "crime_types",
    "offence_summary",
    "max_penalty_years",
    "legal_basis",
    "urgency",
    "requested_instrument",
    "target_countries",
)


def rich_body() -> dict[str, Any]:
    """A case with every kind of holding and relation the mapper knows."""
    body = case_body()
    body["subjects"].append(
        {
            "key": "p2",
            "kind": "person",
            "role": "third_party",
            "justification": "holds the account for the suspect",
            "full_name": "Marie Stroman",
            "date_of_birth": "1975-02-03",
            "nationalities": ["BE"],
        }
    )
    body["assets"].append(
        {"key": "sh", "type": "company_share", "organisation": "o1", "country": "NL"}
    )
    body["holdings"] += [
        {"subject": "s1", "asset": "a2", "relation": "beneficial_owner", "share": None},
        {"subject": "o1", "asset": "a2", "relation": "owns", "share": 0.6},
        {"subject": "p2", "asset": "a1", "relation": "uses", "share": None},
        {"subject": "s1", "asset": "sh", "relation": "owns", "share": 0.5},
    ]
    body["relations"] += [
        {"from": "p2", "to": "s1", "relation": "relative_of", "share": None},
        {"from": "p2", "to": "o1", "relation": "shareholder_of", "share": 0.25},
    ]
    return body


def export(client: FlaskClient, case_id: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/cases/{case_id}/ftm", headers=headers)
    assert response.status_code == 200, response.data
    assert response.mimetype == "application/x-ndjson"
    return [json.loads(line) for line in response.get_data(as_text=True).splitlines()]


def entity_parts(case: dict[str, Any]) -> dict[str, Any]:
    """The four entity parts of a case, each item with only the fields it has a value for
    (a field left empty and a field not given are the same case)."""

    def given(item: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in item.items() if v not in (None, [], "")}

    return {
        name: sorted((given(i) for i in case[name]), key=lambda x: json.dumps(x, sort_keys=True))
        for name in ("subjects", "assets", "holdings", "relations")
    }


def count_cases(svc: Services) -> int:
    records, _, _ = svc.driver.execute_query("MATCH (c:Case) RETURN count(c) AS n")
    return int(records[0]["n"])


def test_export_is_valid_ftm_with_stable_ids_and_is_an_audited_read(
    client: FlaskClient, login: Login, svc: Services
) -> None:
    cw = login("caseworker", "FIOD")
    case = client.post("/api/v1/cases", json=rich_body(), headers=cw).json

    first = export(client, case["id"], cw)
    assert first == export(client, case["id"], cw), "ids and content stable across exports"
    for entity in first:
        proxy = model.get_proxy(entity, cleaned=False)
        assert proxy.schema.name == entity["schema"]
    schemata = {e["schema"] for e in first}
    assert {"Person", "Company", "BankAccount", "Vessel", "Security"} <= schemata
    assert {"Ownership", "Directorship", "Family"} <= schemata
    ibans = {v for e in first for v in e["properties"].get("iban", [])}
    assert case["assets"][0]["iban"] in ibans
    shares = {
        float(v)
        for e in first
        if e["schema"] == "Ownership"
        for v in e["properties"].get("percentage", [])
    }
    assert {60.0, 25.0, 50.0} <= shares

    admin = login("admin")
    trail = client.get(f"/api/v1/audit?case={case['id']}&page_size=200", headers=admin).json
    reads = [e for e in trail if e["action"] == "case.read" and e["detail"].get("format") == "ftm"]
    assert len(reads) == 2


def test_export_then_import_gives_the_same_subjects_assets_holdings_and_relations(
    client: FlaskClient, login: Login
) -> None:
    cw = login("caseworker", "OM")
    original = client.post("/api/v1/cases", json=rich_body(), headers=cw).json
    entities = export(client, original["id"], cw)
    fields = {name: original[name] for name in CASE_FIELDS}

    response = client.post(
        "/api/v1/cases/import", json={"case": fields, "entities": entities}, headers=cw
    )
    assert response.status_code == 201, response.json
    imported = response.json
    assert imported["status"] == "draft" and imported["number"] != original["number"]
    assert entity_parts(imported) == entity_parts(original)
    assert {name: imported[name] for name in CASE_FIELDS} == fields


def test_bad_entities_get_a_422_naming_entity_and_property_and_nothing_is_stored(
    client: FlaskClient, login: Login, svc: Services
) -> None:
    cw = login("caseworker", "POLITIE")
    original = client.post("/api/v1/cases", json=case_body(), headers=cw).json
    entities = export(client, original["id"], cw)
    fields = {name: original[name] for name in CASE_FIELDS}
    account = next(i for i, e in enumerate(entities) if e["schema"] == "BankAccount")
    person = next(i for i, e in enumerate(entities) if e["schema"] == "Person")
    link = next(i for i, e in enumerate(entities) if e["schema"] == "Ownership")

    def broken(index: int, change: dict[str, Any]) -> list[dict[str, Any]]:
        copy = json.loads(json.dumps(entities))
        copy[index].update(change)
        return copy

    bad_iban = broken(
        account, {"properties": {**entities[account]["properties"], "iban": ["NL00ABNA0417164300"]}}
    )
    unknown_schema = broken(person, {"schema": "Spaceship"})
    dangling = broken(
        link, {"properties": {**entities[link]["properties"], "owner": ["nobody-here"]}}
    )
    unholdable = broken(
        person, {"properties": {**entities[person]["properties"], "religion": ["Testism"]}}
    )
    cases = [
        (bad_iban, f"entities.{account}.iban"),
        (unknown_schema, f"entities.{person}.schema"),
        (dangling, f"entities.{link}.owner"),
        (unholdable, f"entities.{person}.religion"),
    ]
    before = count_cases(svc)
    for payload_entities, key in cases:
        response = client.post(
            "/api/v1/cases/import", json={"case": fields, "entities": payload_entities}, headers=cw
        )
        assert response.status_code == 422, (key, response.json)
        assert key in response.json["errors"], (key, response.json["errors"])
    bad_field = client.post(
        "/api/v1/cases/import",
        json={"case": {**fields, "max_penalty_years": "lots"}, "entities": entities},
        headers=cw,
    )
    assert bad_field.status_code == 422 and "case.max_penalty_years" in bad_field.json["errors"]
    assert count_cases(svc) == before


def test_import_and_export_follow_the_case_rules(client: FlaskClient, login: Login) -> None:
    fiod, om, screener = login("caseworker", "FIOD"), login("caseworker", "OM"), login("screener")
    case = client.post("/api/v1/cases", json=case_body(), headers=fiod).json
    assert client.get(f"/api/v1/cases/{case['id']}/ftm", headers=om).status_code == 404
    assert client.get(f"/api/v1/cases/{case['id']}/ftm").status_code == 401
    payload = {"case": {"title": "x"}, "entities": []}
    assert client.post("/api/v1/cases/import", json=payload, headers=screener).status_code == 403
