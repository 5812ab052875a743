from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from silver.infra import crypto
from silver.services import demo, messages
from tests.support.cases import case_body

EXCLUDED_FIELDS = {
    "national_reference",
    "remarks",
    "refugee_status",
    "special_categories_justification",
    "contains_special_categories",
    "justification",
    "title",
    "residence_country",
    "target_countries",
    "requested_instrument",
}

SENT = datetime(2026, 3, 2, 9, 30, 15, tzinfo=UTC)


def _demo(reference: str) -> dict[str, Any]:
    return next(body for _, body in demo.DEMO_CASES if body["national_reference"] == reference)


def _keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


def _subject_keys(payload: dict[str, Any]) -> set[str]:
    return {s["key"] for s in payload["subjects"]}


def _asset_keys(payload: dict[str, Any]) -> set[str]:
    return {a["key"] for a in payload["assets"]}


def _message(
    payload: dict[str, Any], instrument: str = "diffusion", recipient: str = "ES"
) -> dict[str, Any]:
    return messages.build_message(
        message_id=messages.message_id_for("case-1", recipient, 1),
        case_number="NL-SN-2026-0001",
        instrument=instrument,
        recipient=recipient,
        created_at=SENT,
        expires_at=SENT + timedelta(days=180),
        sender="NL",
        payload=payload,
    )


def _body_with_third_parties() -> dict[str, Any]:
    body = case_body()
    body["subjects"] += [
        {
            "key": "t-holder",
            "kind": "person",
            "role": "third_party",
            "justification": "Holds the yacht in Spain on paper.",
            "full_name": "Tess Holder",
            "date_of_birth": "1980-01-01",
            "nationalities": ["ES"],
        },
        {
            "key": "t-idle",
            "kind": "person",
            "role": "third_party",
            "justification": "Sister of the suspect.",
            "full_name": "Ida Idle",
        },
        {
            "key": "t-org-related",
            "kind": "organisation",
            "role": "third_party",
            "justification": "Employer of the suspect.",
            "name": "Related Employer SL",
        },
        {
            "key": "t-org-shares",
            "kind": "organisation",
            "role": "third_party",
            "justification": "Company whose shares are traced.",
            "name": "Share Issuer SA",
        },
        {
            "key": "t-org-far",
            "kind": "organisation",
            "role": "third_party",
            "justification": "Unconnected to anything sent.",
            "name": "Far Away GmbH",
        },
    ]
    body["assets"].append(
        {
            "key": "a3",
            "type": "company_share",
            "organisation": "t-org-shares",
            "percentage": 40,
            "country": "ES",
            "estimated_value": None,
            "description": None,
        }
    )
    body["holdings"].append({"subject": "t-holder", "asset": "a2", "relation": "owns"})
    body["relations"] += [
        {"from": "s1", "to": "t-org-related", "relation": "director_of"},
        {"from": "t-idle", "to": "s1", "relation": "relative_of"},
        {"from": "t-idle", "to": "t-org-far", "relation": "director_of"},
    ]
    return body


def test_a_diffusion_carries_only_the_assets_located_in_the_recipient_country() -> None:
    body = _demo("DEMO-FIOD-0001")
    payload = messages.payload_for(body, "diffusion", "ES")
    assert _asset_keys(payload) == {"villa", "acc2", "car1"}
    assert payload["assets_located_in"] == "ES"
    encoded = messages.encode(payload).decode()
    assert "Demo Horizon" not in encoded
    (dutch_account,) = (a["iban"] for a in body["assets"] if a["key"] == "acc1")
    assert dutch_account not in encoded


def test_a_notice_carries_every_asset() -> None:
    body = _demo("DEMO-FIOD-0001")
    payload = messages.payload_for(body, "notice", "INTERPOL-GS")
    assert _asset_keys(payload) == {a["key"] for a in body["assets"]}
    assert "assets_located_in" not in payload


def test_a_third_party_is_sent_only_with_an_asset_it_holds() -> None:
    body = _demo("DEMO-FIOD-0001")
    assert _subject_keys(messages.payload_for(body, "notice", "INTERPOL-GS")) == {
        "p1",
        "org1",
        "p2",
    }
    assert _subject_keys(messages.payload_for(body, "diffusion", "ES")) == {"p1", "org1"}


def test_subjects_are_suspects_holders_and_linked_organisations_only() -> None:
    payload = messages.payload_for(_body_with_third_parties(), "diffusion", "ES")
    assert _asset_keys(payload) == {"a2", "a3"}
    assert _subject_keys(payload) == {"s1", "o1", "t-holder", "t-org-related", "t-org-shares"}
    encoded = messages.encode(payload).decode()
    assert "Ida Idle" not in encoded
    assert "Far Away GmbH" not in encoded


def test_holdings_and_relations_join_only_included_keys() -> None:
    payload = messages.payload_for(_body_with_third_parties(), "diffusion", "ES")
    assert payload["holdings"] == [{"subject": "t-holder", "asset": "a2", "relation": "owns"}]
    assert payload["relations"] == [
        {"from": "s1", "to": "o1", "relation": "director_of"},
        {"from": "s1", "to": "t-org-related", "relation": "director_of"},
    ]


def test_no_asset_in_the_country_says_so_with_an_empty_list() -> None:
    payload = messages.payload_for(_demo("DEMO-FIOD-0001"), "diffusion", "US")
    assert payload["assets"] == []
    assert payload["holdings"] == []
    assert payload["assets_located_in"] == "US"
    assert _subject_keys(payload) == {"p1", "org1"}


@pytest.mark.parametrize("reference", [body["national_reference"] for _, body in demo.DEMO_CASES])
def test_excluded_fields_appear_nowhere_in_the_bytes(reference: str) -> None:
    body = _demo(reference)
    for instrument, recipient in (("notice", "INTERPOL-GS"), ("diffusion", "GB")):
        payload = messages.payload_for(body, instrument, recipient)
        encoded = messages.encode(_message(payload, instrument, recipient))
        assert not EXCLUDED_FIELDS & set(_keys(json.loads(encoded)))
        text = encoded.decode()
        assert body["title"] not in text
        assert body["national_reference"] not in text
        for subject in body["subjects"]:
            for field in ("justification", "remarks"):
                if subject.get(field):
                    assert subject[field] not in text
        if body.get("special_categories_justification"):
            assert body["special_categories_justification"] not in text


def test_the_payload_keeps_what_the_recipient_needs() -> None:
    body = _demo("DEMO-POL-0002")
    payload = messages.payload_for(body, "diffusion", "SE")
    person = next(s for s in payload["subjects"] if s["key"] == "p1")
    assert person == {
        "key": "p1",
        "kind": "person",
        "role": "suspect",
        "full_name": "Demo Persoon Twaalf",
        "date_of_birth": "1979-08-08",
        "nationalities": ["GE"],
        "identifiers": [{"type": "other", "value": "DEMO-VRN-0012", "country": "NL"}],
    }
    assert payload["crime_types"] == ["human_trafficking", "money_laundering"]
    assert payload["legal_basis"] == {
        "type": "criminal_investigation",
        "reference": "DEMO-RC-POL-0002",
    }
    assert payload["urgency"] == "normal"
    assert payload["max_penalty_years"] == 12
    assert "not coercive" in payload["requested_action"]
    assert payload["assets"] == [
        {
            "key": "acc-se",
            "type": "bank_account",
            "iban": body["assets"][0]["iban"],
            "country": "SE",
            "estimated_value": {"amount": "410000.00", "currency": "SEK"},
        },
    ]


def test_the_payload_does_not_alias_the_case() -> None:
    body = _demo("DEMO-FIOD-0001")
    payload = messages.payload_for(body, "notice", "INTERPOL-GS")
    payload["subjects"][0]["aliases"].append("changed")
    assert body["subjects"][0]["aliases"] == ["D. P. Een"]


@pytest.mark.parametrize(
    ("instrument", "recipient"),
    [
        ("notice", "ES"),
        ("diffusion", "INTERPOL-GS"),
        ("diffusion", "NL"),
        ("diffusion", "es"),
        ("red_notice", "INTERPOL-GS"),
    ],
)
def test_a_recipient_that_does_not_fit_the_instrument_is_refused(
    instrument: str, recipient: str
) -> None:
    with pytest.raises(ValueError):
        messages.payload_for(_demo("DEMO-FIOD-0001"), instrument, recipient)


def test_categories_name_the_personal_data_sent() -> None:
    body = _demo("DEMO-FIOD-0001")
    assert messages.categories_of(messages.payload_for(body, "notice", "INTERPOL-GS")) == [
        "bank_accounts",
        "date_of_birth",
        "identity",
        "identity_documents",
        "nationality",
        "offence",
        "organisations",
        "real_estate",
        "relationships",
        "vehicles",
        "vessels",
    ]
    assert messages.categories_of(messages.payload_for(body, "diffusion", "US")) == [
        "date_of_birth",
        "identity",
        "identity_documents",
        "nationality",
        "offence",
        "organisations",
        "relationships",
    ]


def test_the_message_carries_its_envelope_and_handling_restrictions() -> None:
    created = datetime(2026, 3, 2, 10, 30, 15, 999, tzinfo=timezone(timedelta(hours=1)))
    message = messages.build_message(
        message_id="m-1",
        case_number="NL-SN-2026-0001",
        instrument="notice",
        recipient="INTERPOL-GS",
        created_at=created,
        expires_at=created + timedelta(days=1),
        sender="NL",
        payload={"assets": []},
    )
    assert message["created_at"] == "2026-03-02T09:30:15Z"
    assert message["expires_at"] == "2026-03-03T09:30:15Z"
    assert message["schema_version"] == 1
    assert message["handling"]["classification"] == "INTERPOL RESTRICTED"
    assert "prior consent of the Netherlands" in message["handling"]["onward_transfer"]
    assert "mutual legal assistance" in message["handling"]["evidential_use"]
    assert message["payload"] == {"assets": []}
    assert {"message_id", "case_number", "instrument", "recipient", "sender"} <= set(message)


def test_a_message_refuses_naive_times_and_an_expiry_before_creation() -> None:
    naive = datetime(2026, 3, 2, 9, 30)
    with pytest.raises(ValueError, match="timezone-aware"):
        messages.build_message(
            message_id="m",
            case_number="n",
            instrument="notice",
            recipient="INTERPOL-GS",
            created_at=naive,
            expires_at=naive + timedelta(days=1),
            sender="NL",
            payload={},
        )
    with pytest.raises(ValueError, match="expire"):
        messages.build_message(
            message_id="m",
            case_number="n",
            instrument="notice",
            recipient="INTERPOL-GS",
            created_at=SENT,
            expires_at=SENT,
            sender="NL",
            payload={},
        )


def _reversed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _reversed(v) for k, v in reversed(list(value.items()))}
    if isinstance(value, list):
        return [_reversed(v) for v in value]
    return value


def test_encoding_is_canonical_and_stable() -> None:
    message = _message(messages.payload_for(_demo("DEMO-POL-0001"), "diffusion", "ES"))
    reordered = _reversed(message)
    assert list(reordered) != list(message)
    data = messages.encode(message)
    assert data == messages.encode(reordered)
    assert data == messages.encode(json.loads(data))
    assert b'": ' not in data and b', "' not in data and b"\n" not in data
    assert data.startswith(b'{"case_number":')


def test_encoding_keeps_non_ascii_as_utf8() -> None:
    data = messages.encode({"name": "Cocaïne-import Señor Ødegård"})
    assert data == '{"name":"Cocaïne-import Señor Ødegård"}'.encode()


def test_signature_round_trip_and_a_changed_byte_fails() -> None:
    key = crypto.SigningKey.generate()
    data = messages.encode(
        _message(messages.payload_for(_demo("DEMO-FIOD-0001"), "diffusion", "ES"))
    )
    signature = messages.sign(key, data)
    assert messages.verify(key.public_pem(), data, signature)
    changed = bytearray(data)
    changed[len(changed) // 2] ^= 0x01
    assert not messages.verify(key.public_pem(), bytes(changed), signature)
    assert not messages.verify(crypto.SigningKey.generate().public_pem(), data, signature)


@pytest.mark.parametrize("signature", ["", "not base64!", "QUJD", "A" * 85 + "=", "====", "é"])
def test_a_malformed_signature_is_simply_invalid(signature: str) -> None:
    key = crypto.SigningKey.generate()
    assert messages.verify(key.public_pem(), b"{}", signature) is False


def _write_signed(directory: Path, key: crypto.SigningKey) -> tuple[Path, dict[str, Any]]:
    message = _message(messages.payload_for(_demo("DEMO-FIOD-0001"), "diffusion", "ES"))
    data = messages.encode(message)
    path = directory / f"{message['message_id']}.json"
    path.write_bytes(data)
    path.with_suffix(".sig").write_text(messages.sign(key, data))
    return path, message


def test_verify_file_accepts_a_signed_message(tmp_path: Path) -> None:
    key = crypto.SigningKey.generate()
    path, message = _write_signed(tmp_path, key)
    report = messages.verify_file(path, key.public_pem())
    assert report.ok, report.problem
    assert report.message_id == message["message_id"]
    assert report.recipient == "ES"
    assert report.key_id == key.key_id
    assert report.problem is None


def test_verify_file_reports_a_missing_signature(tmp_path: Path) -> None:
    key = crypto.SigningKey.generate()
    path, message = _write_signed(tmp_path, key)
    path.with_suffix(".sig").unlink()
    report = messages.verify_file(path, key.public_pem())
    assert not report.ok
    assert report.message_id == message["message_id"]
    assert report.problem is not None and ".sig does not exist" in report.problem


def test_verify_file_takes_an_explicit_signature_path(tmp_path: Path) -> None:
    key = crypto.SigningKey.generate()
    path, _ = _write_signed(tmp_path, key)
    elsewhere = tmp_path / "detached.signature"
    path.with_suffix(".sig").rename(elsewhere)
    assert messages.verify_file(path, key.public_pem(), elsewhere).ok


def test_verify_file_reports_a_tampered_message_and_another_key(tmp_path: Path) -> None:
    key = crypto.SigningKey.generate()
    path, _ = _write_signed(tmp_path, key)
    assert not messages.verify_file(path, crypto.SigningKey.generate().public_pem()).ok
    path.write_bytes(path.read_bytes().replace(b'"ES"', b'"PT"'))
    report = messages.verify_file(path, key.public_pem())
    assert not report.ok
    assert report.problem is not None and "does not match" in report.problem


def test_verify_file_reports_missing_and_unreadable_files(tmp_path: Path) -> None:
    key = crypto.SigningKey.generate()
    missing = messages.verify_file(tmp_path / "nothing.json", key.public_pem())
    assert not missing.ok
    assert missing.problem is not None and "does not exist" in missing.problem
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\xff not json")
    garbage.with_suffix(".sig").write_text(messages.sign(key, garbage.read_bytes()))
    report = messages.verify_file(garbage, key.public_pem())
    assert not report.ok
    assert report.message_id is None
    assert report.problem is not None and "not a JSON object" in report.problem


def test_verify_file_reports_an_unreadable_public_key(tmp_path: Path) -> None:
    path, _ = _write_signed(tmp_path, crypto.SigningKey.generate())
    report = messages.verify_file(path, "not a key")
    assert not report.ok
    assert report.problem is not None and report.problem.startswith("public key:")


def test_verify_file_refuses_a_renamed_message(tmp_path: Path) -> None:
    key = crypto.SigningKey.generate()
    path, _ = _write_signed(tmp_path, key)
    renamed = tmp_path / "other-id.json"
    path.rename(renamed)
    path.with_suffix(".sig").rename(renamed.with_suffix(".sig"))
    report = messages.verify_file(renamed, key.public_pem())
    assert not report.ok
    assert report.problem is not None and "file name" in report.problem


def test_message_ids_are_deterministic_uuids() -> None:
    first = messages.message_id_for("case-1", "ES", 1)
    assert first == messages.message_id_for("case-1", "ES", 1)
    assert uuid.UUID(first).version == 5
    others = {
        messages.message_id_for("case-2", "ES", 1),
        messages.message_id_for("case-1", "PT", 1),
        messages.message_id_for("case-1", "ES", 2),
    }
    assert first not in others and len(others) == 3
