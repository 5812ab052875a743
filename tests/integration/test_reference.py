"""Reference data: `flask --app wsgi reference import|delete` and the dataset list, against the
real Neo4j."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient

from silver.bootstrap import Silver as Services
from tests.integration.conftest import Login
from tests.support.cases import case_body, nl_iban


def line(entity_id: str, schema: str, **props: list[str]) -> str:
    return json.dumps({"id": entity_id, "schema": schema, "properties": props})


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / f"{uuid.uuid4().hex}.ndjson"
    path.write_text("\n".join(lines) + "\n")
    return path


def run(app: Flask, *args: str, input: str | None = None) -> Result:
    return app.test_cli_runner().invoke(args=["reference", *args], input=input)


def query(svc: Services, cypher: str, **params: Any) -> list[dict[str, Any]]:
    records, _, _ = svc.driver.execute_query(cypher, params, database_=svc.settings.neo4j_database)
    return [dict(r) for r in records]


def counts(svc: Services, dataset: str) -> dict[str, int]:
    [row] = query(
        svc,
        """
        MATCH (n:Ref) WHERE n.dataset = $d AND n.id IS NOT NULL
        OPTIONAL MATCH (n)-[r]->()
        RETURN count(DISTINCT n) AS nodes, count(r) AS relationships
        """,
        d=dataset,
    )
    [stored] = query(svc, "MATCH (x:Dataset {name: $d}) RETURN x.entities AS n", d=dataset)
    return {**row, "entities": stored["n"]}


def dataset_name() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def test_bad_lines_are_reported_and_skipped_and_the_good_ones_imported(
    app: Flask, svc: Services, tmp_path: Path
) -> None:
    name = dataset_name()
    path = write(
        tmp_path,
        line("c1", "Company", name=["Alpha Holdings Ltd"], jurisdiction=["vg"]),
        "{not json",
        line("p1", "Person", name=["Ivan Petrov"], birthDate=["1970-01-01"]),
        "",
        line("x1", "Pirate", name=["Jack"]),
        json.dumps({"schema": "Person", "properties": {"name": ["no id"]}}),
        line("p2", "Person", shoeSize=["44"]),
        line("o1", "Ownership", owner=["p1"], asset=["c1"], percentage=["60"]),
        line("o2", "Ownership", owner=["p1"]),
        "[1, 2, 3]",
    )
    result = run(app, "import", str(path), "--dataset", name)
    assert result.exit_code == 1, result.output
    assert "imported 3 entities" in result.stdout and "skipped 6 lines" in result.stdout
    reported = [ln for ln in result.stderr.splitlines() if ln.startswith("line ")]
    assert [ln.split(":")[0] for ln in reported] == [
        "line 2",
        "line 5",
        "line 6",
        "line 7",
        "line 9",
        "line 10",
    ]
    assert "unknown schema 'Pirate'" in result.stderr
    assert "'shoeSize' is not a property of Person" in result.stderr
    assert "Ownership without its asset" in result.stderr
    rows = query(
        svc,
        """
        MATCH (p:Ref:Person {dataset: $d, id: 'p1'})-[o:OWNS]->(c:Ref:Company {dataset: $d})
        RETURN p.caption AS person, o.share AS share, c.caption AS company, c.jurisdictions AS j
        """,
        d=name,
    )
    assert rows == [
        {"person": "Ivan Petrov", "share": 0.6, "company": "Alpha Holdings Ltd", "j": ["VG"]}
    ]


def test_a_file_that_is_not_ftm_is_refused_and_nothing_is_written(
    app: Flask, svc: Services, tmp_path: Path
) -> None:
    name = dataset_name()
    path = write(tmp_path, *(f"name,iban\nAlice,{nl_iban()}".splitlines() * 60))
    result = run(app, "import", str(path), "--dataset", name)
    assert result.exit_code == 1
    assert "none of the first 100 non-empty lines is a FollowTheMoney entity" in result.stderr
    assert result.stderr.count("line ") == 100  # it stopped there, not at the end of the file
    assert query(svc, "MATCH (n:Ref) WHERE n.dataset = $d RETURN n", d=name) == []
    assert query(svc, "MATCH (x:Dataset {name: $d}) RETURN x", d=name) == []


def test_reimporting_leaves_the_same_counts_and_standard_input_works(
    app: Flask, svc: Services, tmp_path: Path
) -> None:
    name = dataset_name()
    lines = [
        line("c1", "Company", name=["Alpha"], registrationNumber=["123"], jurisdiction=["pa"]),
        line("a1", "Address", full=["1 Main Street, Panama"]),
        line("c2", "Company", name=["Beta"], addressEntity=["a1"]),
        line("p1", "Person", name=["Ivan"], passportNumber=["753123456"], addressEntity=["a1"]),
        line("d1", "Directorship", director=["p1"], organization=["c1"], role=["director"]),
        line("r1", "Representation", agent=["c2"], client=["c1"]),
        line("b1", "BankAccount", iban=[nl_iban()]),
        line("u1", "UnknownLink", subject=["p1"], object=["b1"], role=["signatory"]),
    ]
    path = write(tmp_path, *lines)
    first = run(app, "import", str(path), "--dataset", name)
    assert first.exit_code == 0, first.output
    before = counts(svc, name)
    assert before == {"nodes": 5, "relationships": 3 + 2 + 3, "entities": 8}
    again = run(app, "import", "-", "--dataset", name, input="\n".join(lines) + "\n")
    assert again.exit_code == 0, again.output
    assert counts(svc, name) == before
    idents = query(
        svc,
        "MATCH (n:Ref {dataset: $d})-[:HAS_IDENTIFIER]->(i) RETURN n.id AS id, i.kind AS kind",
        d=name,
    )
    # The company by its number and by its name in its jurisdiction; the person's passport
    # number names no issuing country, so it is no key (silver/domain/matching.py).
    assert sorted((r["id"], r["kind"]) for r in idents) == [
        ("b1", "iban"),
        ("c1", "org_name"),
        ("c1", "registration_number"),
    ]


def test_a_link_whose_ends_come_later_resolves_and_ends_that_never_come_are_named(
    app: Flask, svc: Services, tmp_path: Path
) -> None:
    name = dataset_name()
    path = write(
        tmp_path,
        line("own", "Ownership", owner=["late-owner"], asset=["late-co"], percentage=["25"]),
        line("dir", "Directorship", director=["late-owner"], organization=["ghost"]),
        line("late-co", "Company", name=["Late Co"]),
        line("late-owner", "Person", name=["Late Owner"]),
    )
    result = run(app, "import", str(path), "--dataset", name, "--batch-size", "100")
    assert result.exit_code == 0, result.output
    assert "1 entities that links name never came, e.g. ghost" in result.stderr
    rows = query(
        svc,
        """
        MATCH (p:Ref {dataset: $d, id: 'late-owner'})-[o:OWNS]->(c:Ref {dataset: $d})
        RETURN labels(p) AS p, labels(c) AS c, o.share AS share
        """,
        d=name,
    )
    assert [(sorted(r["p"]), sorted(r["c"]), r["share"]) for r in rows] == [
        (["Person", "Ref"], ["Company", "Ref"], 0.25)
    ]
    assert counts(svc, name)["entities"] == 4


def test_a_case_and_a_reference_entity_with_one_iban_meet_at_one_identifier(
    app: Flask, svc: Services, client: FlaskClient, login: Login, tmp_path: Path
) -> None:
    iban = nl_iban()
    body = case_body()
    body["assets"][0]["iban"] = iban
    case = client.post("/api/v1/cases", json=body, headers=login("caseworker", "FIOD")).json
    name = dataset_name()
    spaced = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)).lower()
    result = run(
        app, "import", str(write(tmp_path, line("acc", "BankAccount", iban=[spaced]))),
        "--dataset", name,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = query(
        svc,
        """
        MATCH (:Case {id: $case})-[:HAS_ASSET]->(:Asset)-[:HAS_IDENTIFIER]->(i:Identifier)
              <-[:HAS_IDENTIFIER]-(r:Ref {dataset: $d})
        RETURN i.kind AS kind, r.id AS id
        """,
        case=case["id"],
        d=name,
    )
    assert rows == [{"kind": "iban", "id": "acc"}]


def test_delete_removes_the_dataset_and_nothing_else(
    app: Flask, svc: Services, client: FlaskClient, login: Login, tmp_path: Path
) -> None:
    shared, own = nl_iban(), nl_iban()
    body = case_body()
    body["assets"][0]["iban"] = shared
    case = client.post("/api/v1/cases", json=body, headers=login("caseworker", "FIOD")).json
    doomed, kept = dataset_name(), dataset_name()
    doomed_lines = [
        line("acc", "BankAccount", iban=[shared]),
        line("own", "BankAccount", iban=[own]),
        line("p", "Person", name=["Owner"]),
        line("o", "Ownership", owner=["p"], asset=["acc"]),
        *(
            line(f"c{i}", "Company", name=[f"Company {i}"], addressEntity=["hub"])
            for i in range(30)
        ),
        line("hub", "Address", full=["1 Registered Agent Street"]),
    ]
    assert (
        run(app, "import", str(write(tmp_path, *doomed_lines)), "--dataset", doomed).exit_code == 0
    )
    kept_file = write(
        tmp_path, line("acc", "BankAccount", iban=[shared]), line("p", "Person", name=["Owner"])
    )
    assert run(app, "import", str(kept_file), "--dataset", kept).exit_code == 0
    [own_ident] = query(
        svc,
        "MATCH (:Ref {dataset: $d, id: 'own'})-[:HAS_IDENTIFIER]->(i) RETURN elementId(i) AS i",
        d=doomed,
    )
    kept_before = counts(svc, kept)

    from silver.services import reference

    deleted = reference.delete_dataset(doomed, uow_factory=svc.uow, batch_size=7)
    assert deleted == 34
    assert query(svc, "MATCH (n) WHERE n.dataset = $d RETURN n", d=doomed) == []
    assert query(svc, "MATCH ()-[r]->() WHERE r.dataset = $d RETURN r", d=doomed) == []
    assert query(svc, "MATCH (x:Dataset {name: $d}) RETURN x", d=doomed) == []
    assert query(svc, "MATCH (i) WHERE elementId(i) = $i RETURN i", i=own_ident["i"]) == []
    assert counts(svc, kept) == kept_before
    shared_rows = query(
        svc,
        """
        MATCH (:Case {id: $case})-[:HAS_ASSET]->(:Asset)-[:HAS_IDENTIFIER]->(i:Identifier)
              <-[:HAS_IDENTIFIER]-(r:Ref)
        RETURN r.dataset AS dataset
        """,
        case=case["id"],
    )
    assert shared_rows == [{"dataset": kept}]
    again = run(app, "delete", "--dataset", doomed)
    assert again.exit_code == 1 and "no reference dataset" in again.stderr
    assert run(app, "delete", "--dataset", kept).exit_code == 0


def test_the_dataset_list_is_for_caseworkers_screeners_and_admins(
    app: Flask, client: FlaskClient, login: Login, tmp_path: Path
) -> None:
    name = dataset_name()
    result = run(
        app, "import", str(write(tmp_path, line("p", "Person", name=["X"]))), "--dataset", name
    )
    assert result.exit_code == 0, result.output
    for role, agency in (("caseworker", "OM"), ("screener", None), ("admin", None)):
        response = client.get("/api/v1/reference/datasets", headers=login(role, agency))
        assert response.status_code == 200, role
        [item] = [i for i in response.json["items"] if i["name"] == name]
        assert item["entities"] == 1 and item["imported_at"]
    assert client.get("/api/v1/reference/datasets", headers=login("evaluator")).status_code == 403
    assert client.get("/api/v1/reference/datasets").status_code == 401


def test_a_big_file_parsed_by_worker_processes_gives_the_same_dataset(
    svc: Services, monkeypatch: Any
) -> None:
    from silver.services import reference

    monkeypatch.setattr(reference, "CHUNK_LINES", 37)  # many chunks, some ahead at once

    lines = [line(f"p{i}", "Person", name=[f"Person {i}"]) for i in range(300)]
    lines += [line(f"o{i}", "Ownership", owner=[f"p{i}"], asset=[f"p{i + 1}x"]) for i in range(50)]
    lines.insert(120, "{broken")
    lines += [line(f"p{i + 1}x", "Company", name=[f"Company {i}"]) for i in range(50)]
    data = [(text + "\n").encode() for text in lines]
    bad: list[tuple[int, str]] = []
    inline, parallel = dataset_name(), dataset_name()
    results = {}
    for name, workers in ((inline, 0), (parallel, 2)):
        report = reference.import_reference(
            iter(data),
            name,
            uow_factory=svc.uow,
            index_key=svc.keys.index_key,
            batch_size=100,
            workers=workers,
            on_bad_line=lambda n, reason: bad.append((n, reason)),
        )
        results[name] = (report.imported, report.skipped, report.pending, report.dataset.entities)
    assert results[inline] == results[parallel] == (400, 1, 0, 400)
    assert [n for n, _ in bad] == [121, 121]
    assert counts(svc, inline) == counts(svc, parallel)
