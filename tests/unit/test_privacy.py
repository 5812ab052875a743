"""Data-subject rights, the pure part: searching keys, rectifying, erasing, restricting, what a
recipient is told, and the guards on the evaluators' windows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from silver.domain import privacy
from silver.domain.case_body import validate_case_body
from silver.domain.errors import ValidationFailed
from silver.domain.stats.guards import check_public_window, default_audience, one_month_after
from silver.domain.users import Agency, Role, User
from silver.services import messages
from tests.support.cases import case_body


def body_with_third_party() -> dict[str, Any]:
    body = case_body()
    body["subjects"].append(
        {
            "key": "t1",
            "kind": "person",
            "role": "third_party",
            "justification": "Partner using the vessel.",
            "full_name": "Marta Visser",
            "date_of_birth": "1980-01-01",
        }
    )
    body["holdings"].append({"subject": "t1", "asset": "a2", "relation": "uses", "share": None})
    body["relations"].append({"from": "t1", "to": "s1", "relation": "relative_of", "share": None})
    return validate_case_body(body)


@pytest.mark.parametrize(
    "written", ["Jan Zilverberg", "ZILVÉRBERG, Jan", "  zilverberg   jan ", "Mr. Jan Zilverberg"]
)
def test_a_name_written_another_way_gives_the_same_search_key(written: str) -> None:
    assert privacy.search_key(written, "1970-05-01") == privacy.search_key(
        "Jan Zilverberg", "1970-05-01"
    )
    assert privacy.search_key(written, "1970-05-02") != privacy.search_key(
        "Jan Zilverberg", "1970-05-01"
    )


def test_a_search_names_each_bad_field() -> None:
    with pytest.raises(ValidationFailed) as bad:
        privacy.validate_search({"full_name": "", "date_of_birth": "1970-02-30", "x": 1})
    assert set(bad.value.errors) == {"full_name", "date_of_birth", "x"}
    with pytest.raises(ValidationFailed) as punctuation:
        privacy.validate_search({"full_name": "...", "date_of_birth": "1970-02-03"})
    assert set(punctuation.value.errors) == {"full_name"}


def test_a_rectification_is_validated_like_intake_and_names_the_changed_field() -> None:
    body = validate_case_body(case_body())
    with pytest.raises(ValidationFailed) as bad:
        privacy.rectify(body, "s1", {"date_of_birth": "1975-02-30"})
    assert bad.value.errors == {"changes.date_of_birth": ["Not a valid date."]}
    with pytest.raises(ValidationFailed) as wrong_kind:
        privacy.rectify(body, "o1", {"date_of_birth": "1975-02-03"})
    assert "changes.date_of_birth" in wrong_kind.value.errors
    with pytest.raises(ValidationFailed) as role:
        privacy.rectify(body, "s1", {"role": "third_party"})
    assert "changes.role" in role.value.errors
    with pytest.raises(ValidationFailed) as nobody:
        privacy.rectify(body, "zz", {"date_of_birth": "1975-02-03"})
    assert set(nobody.value.errors) == {"subject"}
    with pytest.raises(ValidationFailed) as same:
        privacy.rectify(body, "s1", {"date_of_birth": body["subjects"][0]["date_of_birth"]})
    assert set(same.value.errors) == {"changes"}

    done = privacy.rectify(body, "s1", {"date_of_birth": "1975-02-03", "nationalities": ["be"]})
    assert done.fields == ["date_of_birth", "nationalities"]
    assert done.corrected == {"date_of_birth": "1975-02-03", "nationalities": ["BE"]}
    assert done.previous == {"date_of_birth": "1970-05-01", "nationalities": ["NL"]}
    assert done.body["subjects"][0]["date_of_birth"] == "1975-02-03"
    assert body["subjects"][0]["date_of_birth"] == "1970-05-01"  # the input is untouched


def test_erasing_a_third_party_leaves_a_valid_case_and_the_suspect_closes_it() -> None:
    body = body_with_third_party()
    third = privacy.erase(body, "t1")
    assert [s["key"] for s in third.body["subjects"]] == ["s1", "o1"]
    assert all(h["subject"] != "t1" for h in third.body["holdings"])
    assert all("t1" not in (r["from"], r["to"]) for r in third.body["relations"])
    assert validate_case_body(third.body) == third.body
    assert third.closes_case is False
    suspect = privacy.erase(body, "s1")
    assert suspect.closes_case is True
    with pytest.raises(ValidationFailed) as organisation:
        privacy.erase(body, "o1")
    assert set(organisation.value.errors) == {"subject"}


def test_a_restricted_subject_goes_with_no_new_message() -> None:
    body = body_with_third_party()
    payload = messages.payload_for(privacy.without_subjects(body, {"t1"}), "diffusion", "ES")
    assert "t1" not in {s["key"] for s in payload["subjects"]}
    assert all(h["subject"] != "t1" for h in payload["holdings"])
    full = messages.payload_for(body, "diffusion", "ES")
    assert "t1" in {s["key"] for s in full["subjects"]}


def test_a_correction_tells_only_what_a_recipient_received() -> None:
    body = validate_case_body(case_body())
    sent = messages.payload_for(body, "diffusion", "ES")
    received = messages.received_subject({"payload": sent}, "s1")
    assert received is not None
    rectified = messages.correction_payload(
        "rectification", received, {"date_of_birth": "1975-02-03"}, "AVG-1", "m-1"
    )
    assert rectified is not None
    assert rectified["corrected_fields"] == {"date_of_birth": "1975-02-03"}
    assert rectified["subject"] == "s1" and rectified["corrects_message_id"] == "m-1"
    # Remarks never travel, so their correction tells no one anything.
    assert (
        messages.correction_payload("rectification", received, {"remarks": "x"}, "r", "m") is None
    )
    erased = messages.correction_payload("erasure", received, {}, "AVG-2", "m-1")
    assert erased is not None and "corrected_fields" not in erased
    assert messages.received_subject({"payload": sent}, "nobody") is None
    message = messages.build_correction(
        message_id="m-2",
        case_number="NL-SN-2026-0001",
        instrument="rectification",
        recipient="ES",
        created_at=messages_time(0),
        expires_at=messages_time(1),
        sender="NL",
        payload=rectified,
    )
    assert message["instrument"] == "rectification"
    with pytest.raises(ValueError, match="rectification or an erasure"):
        messages.build_correction(**{**message_args(), "instrument": "diffusion"})


def messages_time(days: int) -> Any:
    from datetime import UTC, datetime, timedelta

    return datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=days)


def message_args() -> dict[str, Any]:
    return {
        "message_id": "m",
        "case_number": "NL-SN-2026-0001",
        "instrument": "rectification",
        "recipient": "ES",
        "created_at": messages_time(0),
        "expires_at": messages_time(1),
        "sender": "NL",
        "payload": {},
    }


def test_the_public_window_is_at_least_a_month() -> None:
    assert one_month_after(date(2026, 1, 31)) == date(2026, 2, 28)
    assert one_month_after(date(2026, 12, 15)) == date(2027, 1, 15)
    check_public_window(date(2026, 1, 1), date(2026, 1, 31), date(2026, 6, 1))
    check_public_window(None, date(2026, 1, 1), date(2026, 6, 1))
    for start, end in ((date(2026, 1, 1), date(2026, 1, 30)), (date(2026, 3, 5), None)):
        with pytest.raises(ValidationFailed) as short:
            check_public_window(start, end, date(2026, 3, 20))
        assert set(short.value.errors) == {"from"}


def test_an_evaluator_gets_the_public_figures_by_default() -> None:
    assert default_audience(User("e", Role.EVALUATOR, None)) == "public"
    assert default_audience(User("a", Role.ADMIN, None)) == "internal"
    assert default_audience(User("c", Role.CASEWORKER, Agency.FIOD)) == "internal"
