from __future__ import annotations

import json

from silver.domain.case_body import validate_case_body
from silver.domain.projection import project
from silver.infra import crypto
from tests.support.cases import case_body


def test_the_same_account_written_differently_meets_at_one_identifier() -> None:
    key = crypto.new_secret_key()
    a = case_body()
    b = case_body()
    b["assets"][0]["iban"] = " ".join(a["assets"][0]["iban"][i : i + 4] for i in range(0, 18, 4))
    pa = project("case-a", validate_case_body(a), key)
    pb = project("case-b", validate_case_body(b), key)
    ia = {r["index"] for r in pa.identifiers if r["kind"] == "iban"}
    ib = {r["index"] for r in pb.identifiers if r["kind"] == "iban"}
    assert ia == ib and len(ia) == 1


def test_projection_rows_hold_no_personal_data() -> None:
    body = validate_case_body(case_body())
    rows = json.dumps(project("case-x", body, crypto.new_secret_key()).__dict__)
    assert body["subjects"][0]["full_name"] not in rows
    assert body["assets"][0]["iban"] not in rows
    assert body["subjects"][0]["identifiers"][0]["value"] not in rows
    assert body["title"] not in rows
