"""Validation of case bodies: every error names its field path and why, all at once."""

from __future__ import annotations

from typing import Any

import pytest

from api.cases.routes import validate_body
from silver.domain.errors import ValidationFailed
from tests.support.cases import case_body


def errors_of(body: dict[str, Any]) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        validate_body(body)
    return caught.value.errors


def with_asset(asset: dict[str, Any]) -> dict[str, Any]:
    return case_body(assets=[{"key": "x1", **asset}], holdings=[])


def test_a_valid_case_comes_back_canonical() -> None:
    body = case_body()
    body["assets"][0]["iban"] = "nl91 abna 0417 1643 00"
    body["assets"][0]["estimated_value"] = {"amount": "1250", "currency": "eur"}
    out = validate_body(body)
    assert out["assets"][0]["iban"] == "NL91ABNA0417164300"
    assert out["assets"][0]["estimated_value"] == {"amount": "1250.00", "currency": "EUR"}
    assert out["relations"][0]["from"] == "s1"
    assert validate_body(out) == out


@pytest.mark.parametrize(
    ("asset", "path", "fragment"),
    [
        ({"type": "bank_account", "iban": "NL91ABNA0417164301"}, "assets.0.iban", "checksum"),
        (
            {"type": "bank_account", "iban": "GB82WEST1234569876543"},
            "assets.0.iban",
            "22 characters",
        ),
        ({"type": "bank_account", "account_number": "123", "bic": "ABNANL2"}, "assets.0.bic", ""),
        ({"type": "bank_account"}, "assets.0.iban", "account_number"),
        ({"type": "vessel", "imo": "IMO 9074728"}, "assets.0.imo", "check digit"),
        ({"type": "vehicle", "vin": "1M8GDM9AXKP042789"}, "assets.0.vin", "check digit"),
        ({"type": "vehicle", "vin": "1M8GDM9AXKP04278"}, "assets.0.vin", "17"),
        (
            {
                "type": "crypto_wallet",
                "currency": "BTC",
                "address": "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3",
            },
            "assets.0.address",
            "",
        ),
        (
            {
                "type": "crypto_wallet",
                "currency": "ETH",
                "address": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",
            },
            "assets.0.address",
            "EIP-55",
        ),
        (
            {"type": "crypto_wallet", "currency": "DOGECOINZ", "address": "x" * 30},
            "assets.0.currency",
            "",
        ),
        (
            {"type": "company_share", "organisation": "o1", "isin": "US0378331006"},
            "assets.0.isin",
            "",
        ),
        ({"type": "company_share", "organisation": "s1"}, "assets.0.organisation", "organisation"),
        ({"type": "aircraft"}, "assets.0.registration_mark", "registration_mark"),
        ({"type": "other"}, "assets.0.description", "description"),
        (
            {"type": "vessel", "imo": "IMO9074729", "iban": "NL91ABNA0417164300"},
            "assets.0.iban",
            "not a field of a vessel",
        ),
        ({"type": "other", "description": "x", "country": "XX"}, "assets.0.country", ""),
        (
            {
                "type": "other",
                "description": "x",
                "estimated_value": {"amount": "-1", "currency": "EUR"},
            },
            "assets.0.estimated_value.amount",
            "non-negative",
        ),
        (
            {
                "type": "other",
                "description": "x",
                "estimated_value": {"amount": "1.005", "currency": "EUR"},
            },
            "assets.0.estimated_value.amount",
            "two decimals",
        ),
        (
            {
                "type": "other",
                "description": "x",
                "estimated_value": {"amount": 12, "currency": "EUR"},
            },
            "assets.0.estimated_value.amount",
            "decimal string",
        ),
        (
            {
                "type": "other",
                "description": "x",
                "estimated_value": {"amount": "1.00", "currency": "EUX"},
            },
            "assets.0.estimated_value.currency",
            "",
        ),
        ({"type": "spaceship", "description": "x"}, "assets.0.type", ""),
    ],
)
def test_asset_errors_name_the_field(asset: dict[str, Any], path: str, fragment: str) -> None:
    errors = errors_of(with_asset(asset))
    assert path in errors, errors
    assert fragment.lower() in " ".join(errors[path]).lower()


@pytest.mark.parametrize(
    "asset",
    [
        {"type": "bank_account", "iban": "GB82 WEST 1234 5698 7654 32"},
        {"type": "bank_account", "account_number": "12-345-678", "bic": "DEUTDEFF500"},
        {"type": "vessel", "imo": "9074729"},
        {"type": "vessel", "name": "Nameless but named"},
        {"type": "vehicle", "vin": "1M8GDM9AXKP042788"},
        {"type": "vehicle", "registration_plate": "12-ABC-3"},
        {"type": "aircraft", "registration_mark": "PH-BXA"},
        {
            "type": "crypto_wallet",
            "currency": "BTC",
            "address": "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        },
        {
            "type": "crypto_wallet",
            "currency": "ETH",
            "address": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        },
        {"type": "company_share", "organisation": "o1", "percentage": 25.5, "isin": "US0378331005"},
        {"type": "real_estate", "address": "Calle Falsa 123, Marbella", "country": "ES"},
        {"type": "cash_or_valuables", "description": "gold bars in a safe"},
    ],
)
def test_valid_assets_pass(asset: dict[str, Any]) -> None:
    validate_body(with_asset(asset))


def test_all_errors_come_back_at_once() -> None:
    body = case_body()
    body["assets"][0]["iban"] = "NL00ABNA0417164300"
    body["subjects"][0]["date_of_birth"] = "2999-01-01"
    body["subjects"][1]["lei"] = "5493001KJTIIGC8Y1R13"
    body["holdings"] = [{"subject": "nobody", "asset": "a1", "relation": "owns", "share": 1.5}]
    body["relations"] = [{"from": "s1", "to": "ghost", "relation": "relative_of"}]
    body["crime_types"] = ["fraud", "jaywalking"]
    body["target_countries"] = ["ES", "NL", "ZZ"]
    body["surprise"] = True
    errors = errors_of(body)
    for path in (
        "assets.0.iban",
        "subjects.0.date_of_birth",
        "subjects.1.lei",
        "holdings.0.subject",
        "holdings.0.share",
        "relations.0.to",
        "crime_types.1",
        "target_countries.1",
        "target_countries.2",
        "surprise",
    ):
        assert path in errors, (path, errors)
    assert "requesting country" in errors["target_countries.1"][0]


def test_subject_rules() -> None:
    body = case_body()
    body["subjects"][0].pop("full_name")
    body["subjects"][1]["date_of_birth"] = "1980-01-01"
    body["subjects"].append(
        {"key": "t1", "kind": "person", "role": "third_party", "full_name": "Partner Testpersoon"}
    )
    body["subjects"].append(
        {
            "key": "s1",
            "kind": "person",
            "role": "suspect",
            "full_name": "Double Key",
            "date_of_birth": "1899-12-31",
        }
    )
    errors = errors_of(body)
    assert "a person needs a full_name" in errors["subjects.0.full_name"]
    assert "not of an organisation" in errors["subjects.1.date_of_birth"][0]
    assert "justification" in errors["subjects.2.justification"][0]
    assert "used twice" in errors["subjects.3.key"][0]
    assert "plausible" in errors["subjects.3.date_of_birth"][0]


def test_title_is_required_and_other_fields_default() -> None:
    assert "title" in errors_of({"subjects": []})
    assert validate_body({"title": "Draft"}) == {"title": "Draft"}
