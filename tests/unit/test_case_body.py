"""Validation of case bodies (silver.domain.case_body): every error names its field path and
why, all at once; a wrong JSON type anywhere is an error, never a crash."""

from __future__ import annotations

from typing import Any

import pytest

from silver.domain.case_body import validate_asset, validate_case_body, validate_case_patch
from silver.domain.errors import ValidationFailed
from tests.support.cases import case_body


def errors_of(body: dict[str, Any]) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        validate_case_body(body)
    return caught.value.errors


def with_asset(asset: dict[str, Any]) -> dict[str, Any]:
    return case_body(assets=[{"key": "x1", **asset}], holdings=[])


def test_a_valid_case_comes_back_canonical() -> None:
    body = case_body()
    body["assets"][0]["iban"] = "nl91 abna 0417 1643 00"
    body["assets"][0]["estimated_value"] = {"amount": "1250", "currency": "eur"}
    out = validate_case_body(body)
    assert out["assets"][0]["iban"] == "NL91ABNA0417164300"
    assert out["assets"][0]["estimated_value"] == {"amount": "1250.00", "currency": "EUR"}
    assert out["relations"][0]["from"] == "s1"
    assert validate_case_body(out) == out


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
    validate_case_body(with_asset(asset))


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
    assert validate_case_body({"title": "Draft"}) == {"title": "Draft"}


def test_the_netherlands_is_never_a_target_country_however_written() -> None:
    body = case_body(target_countries=["ES", "NL", " nl ", "N L", "\uff2e\uff2c"])
    errors = errors_of(body)
    for i in (1, 2, 3, 4):
        assert errors[f"target_countries.{i}"] == [
            "the Netherlands is the requesting country, never a recipient"
        ]
    assert "target_countries.0" not in errors
    repeated = errors_of(case_body(target_countries=["NL", "NL", "ZZ"]))
    assert "target_countries.0" in repeated and "target_countries.1" in repeated
    assert "ISO 3166" in repeated["target_countries.2"][0]


def test_keys_are_unique_across_subjects_and_assets() -> None:
    body = case_body()
    body["assets"][1]["key"] = "s1"
    errors = errors_of(body)
    assert errors["assets.1.key"] == ["key 's1' is used twice in this case (also in subjects.0)"]


def test_holdings_and_relations_name_keys_of_the_case() -> None:
    body = case_body(
        holdings=[
            {"subject": "a1", "asset": "s1", "relation": "owns"},
            {"subject": "s1", "asset": "a1", "relation": "owns", "share": 0.5},
        ],
        relations=[
            {"from": "s1", "to": "s1", "relation": "relative_of"},
            {"from": "nobody", "to": "o1", "relation": "director_of"},
        ],
    )
    errors = errors_of(body)
    assert errors == {
        "holdings.0.subject": ["does not name a subject key of this case"],
        "holdings.0.asset": ["does not name an asset key of this case"],
        "relations.0.to": ["a subject cannot be related to itself"],
        "relations.1.from": ["does not name a subject key of this case"],
    }


def test_a_company_share_names_an_organisation_subject() -> None:
    share = {"type": "company_share", "percentage": 10}
    assert errors_of(with_asset({**share, "organisation": "s1"}))["assets.0.organisation"] == [
        "does not name an organisation subject of this case"
    ]
    assert errors_of(with_asset({**share, "organisation": "ghost"}))["assets.0.organisation"] == [
        "does not name an organisation subject of this case"
    ]
    assert errors_of(with_asset(share))["assets.0.organisation"] == [
        "a company share names its organisation (a subject key)"
    ]
    assert validate_case_body(with_asset({**share, "organisation": "o1"}))["assets"][0] == {
        "key": "x1",
        "type": "company_share",
        "organisation": "o1",
        "percentage": 10.0,
    }


def test_person_and_organisation_fields_do_not_mix() -> None:
    body = case_body()
    body["subjects"][0]["lei"] = "5493001KJTIIGC8Y1R12"
    body["subjects"][1]["nationalities"] = ["BE"]
    body["subjects"][1]["aliases"] = []
    body["subjects"][1]["name"] = "  "
    errors = errors_of(body)
    assert errors == {
        "subjects.0.lei": ["is a field of an organisation, not of a person"],
        "subjects.1.nationalities": ["is a field of a person, not of an organisation"],
        "subjects.1.name": ["an organisation needs a name"],
    }


def test_a_third_party_needs_a_justification() -> None:
    body = case_body()
    body["subjects"][0]["role"] = "third_party"
    body["subjects"][0]["justification"] = "   "
    assert errors_of(body) == {
        "subjects.0.justification": [
            "a third party (not a suspect) may only be included with a justification"
        ]
    }
    body["subjects"][0]["justification"] = "holds the joint account"
    assert validate_case_body(body)["subjects"][0]["role"] == "third_party"


def test_a_crypto_wallet_needs_both_its_currency_and_its_address() -> None:
    errors = errors_of(with_asset({"type": "crypto_wallet"}))
    assert errors == {
        "assets.0.currency": ["a crypto wallet needs its currency (e.g. BTC, ETH)"],
        "assets.0.address": ["a crypto wallet needs its address"],
    }
    wrong_type = errors_of(with_asset({"type": "crypto_wallet", "currency": "BTC", "address": 5}))
    assert wrong_type["assets.0.address"] == [
        "Not a valid string.",
        "Wallet address must be given as text",
    ]


def test_a_wrong_json_type_anywhere_is_an_error_not_a_crash() -> None:
    body = case_body(
        relations=[{"to": {}}],
        holdings=[{"subject": [], "asset": {"a": 1}, "relation": "owns"}],
    )
    body["assets"][0] = {"key": "a1", "type": "company_share", "organisation": {}}
    body["subjects"].append("a person")
    body["subjects"].append(None)
    errors = errors_of(body)
    assert errors["relations.0.to"] == [
        "Not a valid string.",
        "does not name a subject key of this case",
    ]
    assert errors["relations.0.from"] == [
        "Missing data for required field.",
        "does not name a subject key of this case",
    ]
    assert errors["relations.0.relation"] == ["Missing data for required field."]
    assert errors["holdings.0.subject"] == [
        "Not a valid string.",
        "does not name a subject key of this case",
    ]
    assert errors["holdings.0.asset"][0] == "Not a valid string."
    assert errors["assets.0.organisation"] == [
        "Not a valid string.",
        "does not name an organisation subject of this case",
    ]
    assert errors["subjects.2"] == ["Invalid input type."]
    assert errors["subjects.3"] == ["Field may not be null."]
    assert errors_of([]) == {"_body": ["Invalid input type."]}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Length must be between 1 and 300."),
        ("title", "x" * 301, "Length must be between 1 and 300."),
        ("title", None, "Field may not be null."),
        ("title", 7, "Not a valid string."),
        ("national_reference", "x" * 101, "Longer than maximum length 100."),
        ("urgency", "asap", "Must be one of: normal, urgent."),
        ("urgency", None, "Field may not be null."),
        ("requested_instrument", "fax", "Must be one of: notice, diffusion."),
        ("max_penalty_years", "six", "Not a valid number."),
        ("max_penalty_years", True, "Not a valid number."),
        ("max_penalty_years", 10**400, "Number too large."),
        (
            "max_penalty_years",
            "nan",
            "Special numeric values (nan or infinity) are not permitted.",
        ),
        (
            "max_penalty_years",
            101,
            "Must be greater than or equal to 0 and less than or equal to 100.",
        ),
        ("contains_special_categories", "maybe", "Not a valid boolean."),
        ("contains_special_categories", [], "Not a valid boolean."),
        ("crime_types", "fraud", "Not a valid list."),
        ("crime_types", ["fraud", "fraud"], "crime_types must not repeat a value"),
        ("legal_basis", "RC 2026/12", "Invalid input type."),
        ("subjects", [{"key": f"p{i}"} for i in range(501)], None),
    ],
)
def test_the_generic_messages_are_the_apis(field: str, value: Any, message: str | None) -> None:
    errors = errors_of(case_body(**{field: value}))
    if message is None:  # the list's own limit waits until every item is valid
        assert field not in errors and f"{field}.0.kind" in errors
    else:
        assert errors[field] == [message]


def test_list_limits_apply_once_the_items_are_valid() -> None:
    body = case_body()
    body["subjects"][0]["aliases"] = ["alias"] * 51
    assert errors_of(body) == {"subjects.0.aliases": ["Longer than maximum length 50."]}
    body["subjects"][0]["aliases"] = ["alias"] * 50 + [None]
    assert errors_of(body) == {"subjects.0.aliases.50": ["Field may not be null."]}


def test_unknown_fields_are_refused_at_every_level() -> None:
    body = case_body(surprise=1)
    body["subjects"][0]["nickname"] = "JT"
    body["assets"][0]["estimated_value"]["cents"] = 5
    body["relations"][0]["from_"] = "s1"
    assert errors_of(body) == {
        "surprise": ["Unknown field."],
        "subjects.0.nickname": ["Unknown field."],
        "assets.0.estimated_value.cents": ["Unknown field."],
        "relations.0.from_": ["Unknown field."],
    }


def test_values_come_back_in_canonical_form() -> None:
    body = case_body(max_penalty_years="6", contains_special_categories="yes")
    body["special_categories_justification"] = "needed"
    body["subjects"][0]["date_of_birth"] = "19700501"
    body["subjects"][0]["identifiers"] = [{"type": "passport", "value": "nx-12.34 5"}]
    body["subjects"][0]["nationalities"] = [" nl", "be"]
    body["assets"][1]["imo"] = "IMO " + body["assets"][1]["imo"][3:]
    out = validate_case_body(body)
    assert out["max_penalty_years"] == 6.0
    assert out["contains_special_categories"] is True
    assert out["subjects"][0]["date_of_birth"] == "1970-05-01"
    assert out["subjects"][0]["identifiers"] == [
        {"type": "passport", "value": "NX12345", "country": None}
    ]
    assert out["subjects"][0]["nationalities"] == ["NL", "BE"]
    assert out["assets"][1]["imo"] == body["assets"][1]["imo"].replace(" ", "")
    assert validate_case_body(out) == out


def test_a_patch_checks_each_field_given_and_nothing_across_them() -> None:
    assert validate_case_patch({}) == {}
    assert validate_case_patch({"urgency": "urgent", "max_penalty_years": 4}) == {
        "urgency": "urgent",
        "max_penalty_years": 4.0,
    }
    # the references are checked on the corrected case, where the subjects are
    holdings = [{"subject": "s1", "asset": "a1", "relation": "owns"}]
    assert validate_case_patch({"holdings": holdings}) == {"holdings": holdings}
    with pytest.raises(ValidationFailed) as caught:
        validate_case_patch(
            {
                "title": None,
                "subjects": [{"key": "p1", "kind": "person"}],
                "target_countries": ["nl"],
                "surprise": True,
            }
        )
    assert caught.value.errors == {
        "title": ["Field may not be null."],
        "subjects.0.role": ["Missing data for required field."],
        "subjects.0.full_name": ["a person needs a full_name"],
        "target_countries.0": ["the Netherlands is the requesting country, never a recipient"],
        "surprise": ["Unknown field."],
    }
    with pytest.raises(ValidationFailed) as not_an_object:
        validate_case_patch("title")
    assert not_an_object.value.errors == {"_body": ["Invalid input type."]}


def test_one_asset_is_validated_on_its_own() -> None:
    asset = {"key": "n1", "type": "bank_account", "iban": "nl91 abna 0417 1643 00"}
    assert validate_asset(asset) == {
        "key": "n1",
        "type": "bank_account",
        "iban": "NL91ABNA0417164300",
    }
    with pytest.raises(ValidationFailed) as caught:
        validate_asset({"type": "vessel", "estimated_value": {"amount": "1,5", "currency": "EUR"}})
    assert caught.value.errors == {
        "key": ["Missing data for required field."],
        "estimated_value.amount": [
            'must be a non-negative decimal string with at most two decimals, e.g. "1250.00"'
        ],
        "imo": ["a vessel needs an imo number or a name"],
    }
    with pytest.raises(ValidationFailed) as not_an_object:
        validate_asset(["n1"])
    assert not_an_object.value.errors == {"_body": ["Invalid input type."]}
