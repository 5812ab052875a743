"""Data-subject rights against the real Neo4j and Redis: the privacy officer finds a person's
cases across agencies by the blind index, reports what was held and sent, and rectifies, erases
and restricts; every recipient that received the person gets exactly one signed correction."""

from __future__ import annotations

import json
import os
import random
import signal
import string
from typing import Any

from flask.testing import FlaskClient

from silver.bootstrap import Silver as Services
from silver.services import messages
from tests.integration.conftest import TEST_ENV, Login
from tests.integration.test_dissemination import (
    _start_worker,
    _wait_for,
    rows_by_recipient,
    run_jobs,
)
from tests.support.cases import case_body
from tests.support.gateway import Gateway

SEARCH = "/api/v1/privacy/subject-search"
REPORT = "/api/v1/privacy/subject-report"


def _letters() -> str:
    return "".join(random.choices(string.ascii_lowercase, k=10))


def person_case(
    client: FlaskClient, login: Login, agency: str, name: str, born: str, **overrides: Any
) -> tuple[dict[str, Any], dict[str, str]]:
    cw = login("caseworker", agency)
    body = case_body(**overrides)
    body["subjects"][0]["full_name"] = name
    body["subjects"][0]["date_of_birth"] = born
    response = client.post("/api/v1/cases", json=body, headers=cw)
    assert response.status_code == 201, response.json
    return response.json, cw


def disseminated(
    client: FlaskClient,
    svc: Services,
    login: Login,
    case: dict[str, Any],
    cw: dict[str, str],
    countries: tuple[str, ...] = ("ES", "BE"),
) -> dict[str, str]:
    screener = login("screener")
    assert client.post(f"/api/v1/cases/{case['id']}/submit", headers=cw).status_code == 200
    warnings = [
        f["rule"]
        for f in client.get(f"/api/v1/cases/{case['id']}/screening", headers=screener).json[
            "findings"
        ]
        if f["severity"] == "warn"
    ]
    decision = {
        "decision": "approve",
        "instrument": "diffusion",
        "countries": list(countries),
        "acknowledged_rules": warnings,
    }
    path = f"/api/v1/cases/{case['id']}/decisions"
    approved = client.post(path, json=decision, headers=screener)
    assert approved.status_code == 201, approved.json
    if approved.json.get("case_status") == "awaiting_second_approval":
        second = client.post(path, json={"decision": "approve"}, headers=login("screener"))
        assert second.status_code == 201, second.json
    run_jobs(svc)
    return screener


def correction_rows(svc: Services, case_id: str) -> list[dict[str, Any]]:
    with svc.driver.session() as session:
        return [
            dict(r["n"])
            for r in session.run(
                "MATCH (:Case {id: $id})-[:CORRECTED_AS]->(n:Notice) RETURN properties(n) AS n",
                id=case_id,
            )
        ]


def test_a_person_is_found_across_agencies_with_the_name_written_another_way(
    svc: Services, client: FlaskClient, login: Login
) -> None:
    family, given = _letters(), _letters()
    fiod, _ = person_case(client, login, "FIOD", f"{given.title()} {family.title()}", "1970-05-01")
    politie, _ = person_case(
        client, login, "POLITIE", f"{given.title()} Zilvérberg-{family.title()}", "1970-05-01"
    )
    politie_same, _ = person_case(
        client, login, "POLITIE", f"{family.upper()}, {given.title()}", "1970-05-01"
    )
    other_birthday, _ = person_case(client, login, "OM", f"{given} {family}", "1970-05-02")
    officer = login("privacy_officer")

    found = client.post(
        SEARCH,
        json={
            "full_name": f"  {family.upper()},  {given.upper()}  ",
            "date_of_birth": "1970-05-01",
            "request_reference": "AVG-2026-0042",
        },
        headers=officer,
    )
    assert found.status_code == 200, found.json
    items = found.json["items"]
    assert {i["case_id"] for i in items} == {fiod["id"], politie_same["id"]}
    assert {i["agency"] for i in items} == {"FIOD", "POLITIE"}
    for item in items:
        assert item["subject"] == "s1" and item["status"] == "draft"
        assert item["number"].startswith("NL-SN-")
    assert other_birthday["id"] not in {i["case_id"] for i in items}
    assert politie["id"] not in {i["case_id"] for i in items}  # another name

    nobody = client.post(
        SEARCH,
        json={"full_name": f"{given} {family}", "date_of_birth": "1970-05-03"},
        headers=officer,
    )
    assert nobody.status_code == 200 and nobody.json["items"] == []

    # Audited with the officer and the request reference, never with the name.
    with svc.uow() as uow:
        events = [
            e for e in uow.audit.page(None, 0, 100000)[0] if e.event.action == "privacy.search"
        ]
    mine = [e for e in events if e.event.actor == officer["X-Test-User"]]
    assert len(mine) == 2
    assert mine[0].event.reason == "AVG-2026-0042"
    assert family not in json.dumps(mine[0].event.detail).lower()


def test_every_other_role_is_refused_and_bad_input_names_the_field(
    client: FlaskClient, login: Login
) -> None:
    query = {"full_name": "Jan Zilverberg", "date_of_birth": "1970-05-01"}
    assert client.post(SEARCH, json=query).status_code == 401
    for role, agency in (
        ("caseworker", "FIOD"),
        ("screener", None),
        ("evaluator", None),
        ("admin", None),
    ):
        headers = login(role, agency)
        assert client.post(SEARCH, json=query, headers=headers).status_code == 403, role
        report = client.get(f"{REPORT}?case=x&subject=s1", headers=headers)
        assert report.status_code == 403, role
    officer = login("privacy_officer")
    bad = client.post(
        SEARCH, json={"full_name": "Jan", "date_of_birth": "1970-13-01"}, headers=officer
    )
    assert bad.status_code == 422 and "date_of_birth" in bad.json["errors"]
    missing = client.post(SEARCH, json={"date_of_birth": "1970-01-01"}, headers=officer)
    assert missing.status_code == 422 and "full_name" in missing.json["errors"]
    # No case list, no screening, no statistics for the privacy officer.
    assert client.get("/api/v1/cases", headers=officer).status_code == 403
    assert client.get("/api/v1/screening/queue", headers=officer).status_code == 403
    assert client.get("/api/v1/stats/pilot", headers=officer).status_code == 403


def test_the_report_lists_what_is_held_every_decision_transfer_and_read(
    svc: Services, client: FlaskClient, login: Login, monkeypatch: Any
) -> None:
    monkeypatch.setenv("SILVER_TRANSPORT", "outbox")
    name = f"Anna {_letters().title()}"
    case, cw = person_case(client, login, "FIOD", name, "1981-02-03")
    disseminated(client, svc, login, case, cw)
    sent = rows_by_recipient(client, case["id"], cw)
    read = client.get(f"/api/v1/cases/{case['id']}", headers={**cw, "X-Purpose": "answer ES"})
    assert read.status_code == 200
    officer = login("privacy_officer")

    response = client.get(
        f"{REPORT}?case={case['id']}&subject=s1&request_reference=AVG-7", headers=officer
    )
    assert response.status_code == 200, response.json
    report = response.json
    assert report["subject"]["full_name"] == name
    assert report["case"]["number"] == case["number"]
    assert [d["decision"] for d in report["decisions"]] == ["approve"]
    transfers = {t["recipient"]: t for t in report["transfers"]}
    assert set(transfers) == {"ES", "BE"}
    assert report["transfer"] == report["transfers"]
    for code, transfer in transfers.items():
        assert transfer["message_id"] == sent[code]["message_id"]
        assert transfer["sent_at"] and transfer["categories"]
        assert transfer["legal_basis"] and transfer["subject_included"] is True
    assert {"by": cw["X-Test-User"], "purpose": "answer ES", "action": "case.read"}.items() <= (
        next(r for r in report["reads"] if r["purpose"] == "answer ES").items()
    )

    html = client.get(f"{REPORT}?case={case['id']}&subject=s1&format=html", headers=officer)
    assert html.status_code == 200 and html.mimetype == "text/html"
    text = html.get_data(as_text=True)
    assert name in text and "Richtlijn (EU) 2016/680" in text and case["number"] in text
    pdf = client.get(f"{REPORT}?case={case['id']}&subject=s1&format=pdf", headers=officer)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")

    unknown = client.get(f"{REPORT}?case={case['id']}&subject=nobody", headers=officer)
    assert unknown.status_code == 404


def test_a_rectification_after_a_diffusion_to_two_countries_sends_exactly_two_signed_messages(
    svc: Services, client: FlaskClient, login: Login, monkeypatch: Any
) -> None:
    monkeypatch.setenv("SILVER_TRANSPORT", "outbox")
    case, cw = person_case(client, login, "POLITIE", f"Piet {_letters()}", "1975-01-01")
    disseminated(client, svc, login, case, cw)
    officer = login("privacy_officer")
    before = client.get(f"/api/v1/cases/{case['id']}", headers=cw).json

    bad = client.post(
        f"/api/v1/cases/{case['id']}/rectifications",
        json={"subject": "s1", "changes": {"date_of_birth": "1975-02-30"}, "reason": "typo"},
        headers=officer,
    )
    assert bad.status_code == 422 and "changes.date_of_birth" in bad.json["errors"]
    for headers in (login("screener"), login("evaluator"), login("admin")):
        refused = client.post(
            f"/api/v1/cases/{case['id']}/rectifications",
            json={"subject": "s1", "changes": {"date_of_birth": "1975-01-02"}, "reason": "r"},
            headers=headers,
        )
        assert refused.status_code == 403
    other_agency = client.post(
        f"/api/v1/cases/{case['id']}/rectifications",
        json={"subject": "s1", "changes": {"date_of_birth": "1975-01-02"}, "reason": "r"},
        headers=login("caseworker", "FIOD"),
    )
    assert other_agency.status_code == 404

    done = client.post(
        f"/api/v1/cases/{case['id']}/rectifications",
        json={
            "subject": "s1",
            "changes": {"date_of_birth": "1975-01-02"},
            "reason": "Verzoek AVG-11: geboortedatum onjuist",
        },
        headers=officer,
    )
    assert done.status_code == 201, done.json
    assert sorted(done.json["recipients"]) == ["BE", "ES"]
    assert done.json["fields"] == ["date_of_birth"]
    run_jobs(svc)
    run_jobs(svc)  # again: nothing more is sent

    now = client.get(f"/api/v1/cases/{case['id']}", headers=cw).json
    assert now["subjects"][0]["date_of_birth"] == "1975-01-02"
    assert now["version"] == before["version"] + 1
    rows = correction_rows(svc, case["id"])
    assert len(rows) == 2 and {r["status"] for r in rows} == {"sent"}
    public_pem = svc.keys.signing.public_pem()
    for row in rows:
        data = (svc.settings.outbox_dir / f"{row['message_id']}.json").read_bytes()
        signature = (svc.settings.outbox_dir / f"{row['message_id']}.sig").read_text()
        assert messages.verify(public_pem, data, signature)
        assert (svc.settings.outbox_dir / f"{row['message_id']}.jws").exists()
        message = json.loads(data)
        assert message["instrument"] == "rectification"
        assert message["case_number"] == case["number"]
        assert message["recipient"] == row["recipient"]
        assert message["payload"]["subject"] == "s1"
        assert message["payload"]["corrected_fields"] == {"date_of_birth": "1975-01-02"}
        assert message["payload"]["reason"].startswith("Verzoek AVG-11")
    # The dissemination itself is untouched: still one message per recipient, still sent.
    assert {r["status"] for r in rows_by_recipient(client, case["id"], cw).values()} == {"sent"}

    # The old value stays only sealed in the audit trail.
    with svc.uow() as uow:
        events = [
            e
            for e in uow.audit.page(case["id"], 0, 1000)[0]
            if e.event.action == "privacy.rectification"
        ]
    assert len(events) == 1
    assert "1975-01-01" not in json.dumps(events[0].event.detail)

    # The owning caseworker may rectify too; a remark reaches no recipient.
    by_owner = client.post(
        f"/api/v1/cases/{case['id']}/rectifications",
        json={"subject": "s1", "changes": {"remarks": "gecorrigeerd"}, "reason": "intern"},
        headers=cw,
    )
    assert by_owner.status_code == 201 and by_owner.json["recipients"] == []
    report = client.get(f"{REPORT}?case={case['id']}&subject=s1", headers=officer).json
    assert [t["instrument"] for t in report["transfers"]].count("rectification") == 2
    told = client.get(f"/api/v1/cases/{case['id']}/corrections", headers=officer).json
    assert sorted(t["recipient"] for t in told) == ["BE", "ES"]


def test_a_rectification_reaches_each_recipient_once_when_the_worker_is_killed(
    svc: Services, client: FlaskClient, login: Login, monkeypatch: Any
) -> None:
    monkeypatch.setenv("SILVER_TRANSPORT", "outbox")
    case, cw = person_case(client, login, "FIOD", f"Kees {_letters()}", "1966-06-06")
    disseminated(client, svc, login, case, cw)
    officer = login("privacy_officer")
    with Gateway(hold_after_accept=30) as gateway:
        env = {
            **os.environ,
            **TEST_ENV,
            "SILVER_TRANSPORT": "http",
            "SILVER_GATEWAY_URL": gateway.url,
            "SILVER_GATEWAY_TIMEOUT_SECONDS": "60",
        }
        done = client.post(
            f"/api/v1/cases/{case['id']}/rectifications",
            json={"subject": "s1", "changes": {"date_of_birth": "1966-06-07"}, "reason": "AVG-3"},
            headers=officer,
        )
        assert done.status_code == 201, done.json
        ids = {r["message_id"] for r in correction_rows(svc, case["id"])}
        assert len(ids) == 2

        first = _start_worker(env)
        try:
            _wait_for(lambda: ids & set(gateway.accepted), "the gateway to receive one")
        finally:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
        gateway.hold_after_accept = 0
        second = _start_worker(env)
        try:
            _wait_for(
                lambda: {r["status"] for r in correction_rows(svc, case["id"])} == {"sent"},
                "the restarted worker to send both",
            )
        finally:
            os.killpg(second.pid, signal.SIGTERM)
            second.wait()
    for message_id in ids:
        assert [k for k in gateway.accepted if k == message_id] == [message_id]
    assert sum(gateway.duplicates[m] for m in ids) >= 1, "the restarted worker sent one again"


def _with_third_party(name: str) -> dict[str, Any]:
    body = case_body()
    body["subjects"].append(
        {
            "key": "t1",
            "kind": "person",
            "role": "third_party",
            "justification": "Partner holding the second account.",
            "full_name": name,
            "date_of_birth": "1980-01-01",
            "nationalities": ["ES"],
        }
    )
    body["holdings"].append({"subject": "t1", "asset": "a2", "relation": "uses", "share": None})
    body["relations"].append({"from": "t1", "to": "s1", "relation": "relative_of", "share": None})
    return body


def test_erasing_a_third_party_keeps_a_valid_case_and_tells_the_recipients(
    svc: Services, client: FlaskClient, login: Login, monkeypatch: Any
) -> None:
    monkeypatch.setenv("SILVER_TRANSPORT", "outbox")
    cw = login("caseworker", "OM")
    third = f"Marta {_letters().title()}"
    case = client.post("/api/v1/cases", json=_with_third_party(third), headers=cw).json
    disseminated(client, svc, login, case, cw)
    officer = login("privacy_officer")
    stats_before = client.get("/api/v1/stats/pilot?audience=internal", headers=login("evaluator"))

    assert (
        client.post(
            f"/api/v1/cases/{case['id']}/subjects/t1/erasure",
            json={"reason": "r"},
            headers=cw,
        ).status_code
        == 403
    )
    erased = client.post(
        f"/api/v1/cases/{case['id']}/subjects/t1/erasure",
        json={"reason": "AVG-9: onrechtmatig opgenomen"},
        headers=officer,
    )
    assert erased.status_code == 201, erased.json
    assert erased.json["case_closed"] is False
    run_jobs(svc)

    now = client.get(f"/api/v1/cases/{case['id']}", headers=cw).json
    assert [s["key"] for s in now["subjects"]] == ["s1", "o1"]
    assert all(h["subject"] != "t1" for h in now["holdings"])
    assert all("t1" not in (r["from"], r["to"]) for r in now["relations"])
    assert now["status"] == "disseminated"
    # The case is still valid: it can be read, screened and its graph drawn.
    assert client.get(f"/api/v1/cases/{case['id']}/graph", headers=cw).status_code == 200
    assert third not in json.dumps(now)
    # The recipient that received the third party (Spain: the vessel they use is there) is told.
    rows = correction_rows(svc, case["id"])
    assert [(r["recipient"], r["instrument"], r["status"]) for r in rows] == [
        ("ES", "erasure", "sent")
    ]
    message = json.loads((svc.settings.outbox_dir / f"{rows[0]['message_id']}.json").read_bytes())
    assert message["payload"]["subject"] == "t1" and third not in json.dumps(message)
    # Statistics unaffected.
    stats_after = client.get("/api/v1/stats/pilot?audience=internal", headers=login("evaluator"))
    assert stats_after.json["sections"] == stats_before.json["sections"]


def test_erasing_the_suspect_closes_the_case(
    svc: Services, client: FlaskClient, login: Login
) -> None:
    case, _cw = person_case(client, login, "FIOD", f"Joost {_letters()}", "1960-01-01")
    officer = login("privacy_officer")
    erased = client.post(
        f"/api/v1/cases/{case['id']}/subjects/s1/erasure",
        json={"reason": "AVG-1"},
        headers=officer,
    )
    assert erased.status_code == 201, erased.json
    assert erased.json["case_closed"] is True and erased.json["status"] == "closed"
    organisation = client.post(
        f"/api/v1/cases/{case['id']}/subjects/o1/erasure", json={"reason": "x"}, headers=officer
    )
    assert organisation.status_code == 422 and "subject" in organisation.json["errors"]
    no_reason = client.post(
        f"/api/v1/cases/{case['id']}/subjects/o1/restriction", json={}, headers=officer
    )
    assert no_reason.status_code == 422 and "reason" in no_reason.json["errors"]


def test_a_restricted_subject_is_left_out_of_a_new_dissemination(
    svc: Services, client: FlaskClient, login: Login, monkeypatch: Any
) -> None:
    monkeypatch.setenv("SILVER_TRANSPORT", "outbox")
    cw = login("caseworker", "FIOD")
    third = f"Lotte {_letters().title()}"
    case = client.post("/api/v1/cases", json=_with_third_party(third), headers=cw).json
    officer = login("privacy_officer")
    restricted = client.post(
        f"/api/v1/cases/{case['id']}/subjects/t1/restriction",
        json={"reason": "AVG-5: juistheid betwist"},
        headers=officer,
    )
    assert restricted.status_code == 201, restricted.json
    disseminated(client, svc, login, case, cw)
    for row in rows_by_recipient(client, case["id"], cw).values():
        data = (svc.settings.outbox_dir / f"{row['message_id']}.json").read_text()
        assert third not in data and '"t1"' not in data
    report = client.get(f"{REPORT}?case={case['id']}&subject=t1", headers=officer).json
    assert report["restricted"]["by"] == officer["X-Test-User"]
    assert all(t["subject_included"] is False for t in report["transfers"])


def test_no_plaintext_name_reaches_neo4j(svc: Services, client: FlaskClient, login: Login) -> None:
    family = _letters()
    case, _ = person_case(client, login, "POLITIE", f"Henk {family.title()}", "1950-05-05")
    officer = login("privacy_officer")
    client.post(
        SEARCH,
        json={"full_name": f"Henk {family}", "date_of_birth": "1950-05-05"},
        headers=officer,
    )
    client.post(
        f"/api/v1/cases/{case['id']}/rectifications",
        json={"subject": "s1", "changes": {"full_name": f"Hendrik {family}"}, "reason": "AVG"},
        headers=officer,
    )
    client.get(f"{REPORT}?case={case['id']}&subject=s1", headers=officer)
    with svc.driver.session() as session:
        nodes = session.run("MATCH (n) RETURN labels(n) AS labels, properties(n) AS p").data()
        edges = session.run("MATCH ()-[r]->() RETURN properties(r) AS p").data()
    held = [json.dumps(row, default=str).lower() for row in nodes + edges]
    assert len(nodes) > 10
    assert [row for row in held if family in row] == []


def test_the_privacy_officer_works_on_the_pages(
    app: Any, svc: Services, client: FlaskClient, login: Login, monkeypatch: Any
) -> None:
    from tests.integration.test_web import WebUser, log_in, text

    monkeypatch.setenv("SILVER_TRANSPORT", "outbox")
    family = _letters()
    case, cw = person_case(client, login, "OM", f"Els {family.title()}", "1971-07-07")
    disseminated(client, svc, login, case, cw)
    username = _web_user(svc, "privacy_officer", None)
    officer = WebUser(log_in(app, username), username, "privacy_officer", None)
    landing = officer.get("/")
    assert landing.status_code in (302, 303) and landing.headers["Location"].endswith("/privacy")

    found = officer.post(
        "/privacy",
        {
            "full_name": f"{family.upper()}, Els",
            "date_of_birth": "1971-07-07",
            "request_reference": "AVG-W1",
        },
        "/privacy",
    )
    assert found.status_code == 200
    assert case["number"] in text(found)
    page_url = f"/privacy/cases/{case['id']}/subjects/s1"
    page = officer.get(page_url)
    assert page.status_code == 200
    shown = text(page)
    assert f"Els {family.title()}" in shown and "ES" in shown and "BE" in shown

    done = officer.post(
        f"{page_url}/rectify",
        {"field": "date_of_birth", "value": "1971-07-08", "reason": "AVG-W1"},
        page_url,
    )
    assert done.status_code == 303, text(done)
    run_jobs(svc)
    after = text(officer.get(page_url))
    assert "1971-07-08" in after and "rectification" in after
    bad = officer.post(
        f"{page_url}/rectify",
        {"field": "date_of_birth", "value": "1971-02-30", "reason": "AVG-W1"},
        page_url,
    )
    assert bad.status_code == 303  # back to the page, with the message
    assert "changes.date_of_birth" in text(officer.get(page_url))

    # The pages in Dutch: the catalog's words, country names and the instruments translated.
    officer.post("/language", {"lang": "nl", "next": page_url}, page_url)
    dutch = text(officer.get(page_url))
    assert "Wat wordt verwerkt" in dutch and "Verstrekkingen" in dutch, dutch
    assert "Spanje (ES)" in dutch and "rectificatie" in dutch and "privacyfunctionaris" in dutch
    assert "Verzoeken van betrokkenen" in text(officer.get("/privacy"))
    officer.post("/language", {"lang": "en", "next": page_url}, page_url)

    letter = officer.get(f"{page_url}/report.pdf")
    assert letter.status_code == 200 and letter.data.startswith(b"%PDF")
    for role, agency in (
        ("caseworker", "OM"),
        ("screener", None),
        ("evaluator", None),
        ("admin", None),
    ):
        other = log_in(app, _web_user(svc, role, agency))
        assert other.get("/privacy").status_code == 403, role
        assert other.get(page_url).status_code == 403, role


def _web_user(svc: Services, role: str, agency: str | None) -> str:
    from silver.services import auth
    from tests.integration.test_web import PASSWORD

    username = f"web{role[:4]}-{_letters()}"
    auth.create_user(username, role, agency, PASSWORD, svc.uow())
    return username


def test_bad_input_to_the_privacy_endpoints_is_a_clear_4xx_never_a_500(
    svc: Services, client: FlaskClient, login: Login
) -> None:
    case, _cw = person_case(client, login, "FIOD", f"Bad {_letters()}", "1970-01-01")
    officer = login("privacy_officer")
    rectify = f"/api/v1/cases/{case['id']}/rectifications"
    erase = f"/api/v1/cases/{case['id']}/subjects/s1/erasure"
    bodies: list[tuple[str, str, Any]] = [
        (SEARCH, "full_name", {"full_name": "Jan\ud800", "date_of_birth": "1970-01-01"}),
        (SEARCH, "full_name", {"full_name": "Jan\x00", "date_of_birth": "1970-01-01"}),
        (SEARCH, "full_name", {"full_name": {"a": 1}, "date_of_birth": "1970-01-01"}),
        (SEARCH, "date_of_birth", {"full_name": "Jan", "date_of_birth": 19700101}),
        (
            SEARCH,
            "request_reference",
            {"full_name": "J", "date_of_birth": "1970-01-01", "request_reference": ["x"]},
        ),
        (SEARCH, "extra", {"full_name": "J", "date_of_birth": "1970-01-01", "extra": 1}),
        (rectify, "changes", {"subject": "s1", "changes": [1], "reason": "r"}),
        (rectify, "changes", {"subject": "s1", "changes": "x", "reason": "r"}),
        (rectify, "subject", {"subject": {"k": 1}, "changes": {"remarks": "x"}, "reason": "r"}),
        (rectify, "reason", {"subject": "s1", "changes": {"remarks": "x"}, "reason": 5}),
        (rectify, "reason", {"subject": "s1", "changes": {"remarks": "x"}, "reason": "a\ud800"}),
        (rectify, "reason", {"subject": "s1", "changes": {"remarks": "x"}, "reason": "a\x07"}),
        (
            rectify,
            "changes.full_name",
            {"subject": "s1", "changes": {"full_name": "J\ud800"}, "reason": "r"},
        ),
        (
            rectify,
            "changes.date_of_birth",
            {"subject": "s1", "changes": {"date_of_birth": [1]}, "reason": "r"},
        ),
        (rectify, "changes.key", {"subject": "s1", "changes": {"key": "s9"}, "reason": "r"}),
        (erase, "reason", {"reason": ""}),
        (erase, "reason", {"reason": None}),
        (erase, "other", {"reason": "r", "other": 1}),
    ]
    for url, field, body in bodies:
        response = client.post(url, json=body, headers=officer)
        assert response.status_code in (400, 422), (url, body, response.status_code)
        assert response.mimetype == "application/problem+json"
        if response.status_code == 422:
            assert field in response.json["errors"], (body, response.json)
    not_json = client.post(SEARCH, data="full_name=x", headers=officer)
    assert not_json.status_code in (400, 415, 422)
    assert (
        client.post(rectify, data="{", headers=officer, content_type="application/json").status_code
        == 400
    )
    for query in ("", "?case=x", "?subject=s1", f"?case={case['id']}&subject=s1&format=doc"):
        assert client.get(f"{REPORT}{query}", headers=officer).status_code == 422, query
    assert client.get(f"{REPORT}?case=nope&subject=s1", headers=officer).status_code == 404
    assert (
        client.post(
            "/api/v1/cases/nope/subjects/s1/restriction", json={"reason": "r"}, headers=officer
        ).status_code
        == 404
    )


def test_erasing_the_suspect_after_a_diffusion_closes_the_case_and_tells_each_recipient_once(
    svc: Services, client: FlaskClient, login: Login, monkeypatch: Any
) -> None:
    monkeypatch.setenv("SILVER_TRANSPORT", "outbox")
    name = f"Ria {_letters().title()}"
    case, cw = person_case(client, login, "POLITIE", name, "1969-09-09")
    disseminated(client, svc, login, case, cw)
    officer = login("privacy_officer")
    erased = client.post(
        f"/api/v1/cases/{case['id']}/subjects/s1/erasure",
        json={"reason": "AVG-12: verdenking vervallen"},
        headers=officer,
    )
    assert erased.status_code == 201, erased.json
    assert erased.json["case_closed"] is True
    assert sorted(erased.json["recipients"]) == ["BE", "ES"]
    run_jobs(svc)
    run_jobs(svc)
    rows = correction_rows(svc, case["id"])
    assert sorted((r["recipient"], r["instrument"], r["status"]) for r in rows) == [
        ("BE", "erasure", "sent"),
        ("ES", "erasure", "sent"),
    ]
    public_pem = svc.keys.signing.public_pem()
    for row in rows:
        data = (svc.settings.outbox_dir / f"{row['message_id']}.json").read_bytes()
        signature = (svc.settings.outbox_dir / f"{row['message_id']}.sig").read_text()
        assert messages.verify(public_pem, data, signature)
        message = json.loads(data)
        assert message["instrument"] == "erasure" and message["payload"]["subject"] == "s1"
        assert name not in data.decode()
    now = client.get(f"/api/v1/cases/{case['id']}", headers=cw).json
    assert now["status"] == "closed" and [s["key"] for s in now["subjects"]] == ["o1"]
    assert name not in json.dumps(now)


def test_a_refused_correction_is_sent_again_by_the_privacy_officer(
    svc: Services, client: FlaskClient, login: Login, monkeypatch: Any
) -> None:
    monkeypatch.setenv("SILVER_TRANSPORT", "outbox")
    case, cw = person_case(client, login, "FIOD", f"Wim {_letters()}", "1958-08-08")
    disseminated(client, svc, login, case, cw, countries=("ES",))
    officer = login("privacy_officer")
    with Gateway(
        public_pem=svc.keys.signing.public_pem(), reject_with=(422, "unknown subject")
    ) as gateway:
        monkeypatch.setenv("SILVER_TRANSPORT", "http")
        monkeypatch.setenv("SILVER_GATEWAY_URL", gateway.url)
        done = client.post(
            f"/api/v1/cases/{case['id']}/rectifications",
            json={"subject": "s1", "changes": {"date_of_birth": "1958-08-09"}, "reason": "AVG"},
            headers=officer,
        )
        assert done.status_code == 201, done.json
        run_jobs(svc)
        [row] = correction_rows(svc, case["id"])
        assert row["status"] == "failed" and "unknown subject" in row["last_error"]
        retry = f"/api/v1/cases/{case['id']}/corrections/{row['message_id']}/retry"
        assert client.post(retry, headers=login("screener")).status_code == 403
        gateway.reject_with = None
        again = client.post(retry, headers=officer)
        assert again.status_code == 200, again.json
        run_jobs(svc)
        assert client.post(retry, headers=officer).status_code == 409
    [row] = correction_rows(svc, case["id"])
    assert row["status"] == "sent"
    assert [k for k in gateway.accepted if k == row["message_id"]] == [row["message_id"]]


def test_the_command_line_creates_a_privacy_officer_without_an_agency(
    client: FlaskClient,
) -> None:
    runner = client.application.test_cli_runner()
    name = f"dpo-{_letters()}"
    created = runner.invoke(
        args=["users", "create", name, "--role", "privacy_officer", "--password-stdin"],
        input="a-long-enough-password\n",
    )
    assert created.exit_code == 0, created.output
    token = client.post(
        "/api/v1/auth/token", json={"username": name, "password": "a-long-enough-password"}
    )
    me = client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {token.json['access_token']}"}
    )
    assert me.json == {"username": name, "role": "privacy_officer", "agency": None}
    with_agency = runner.invoke(
        args=[
            "users",
            "create",
            f"x{name}",
            "--role",
            "privacy_officer",
            "--agency",
            "FIOD",
            "--password-stdin",
        ],
        input="a-long-enough-password\n",
    )
    assert with_agency.exit_code != 0
