"""The FollowTheMoney mapper: every asset type, holding and relation both ways, and its errors."""

from __future__ import annotations

import copy
from typing import Any, cast

import pytest
from followthemoney import model

from silver.domain.case_body import validate_case_body
from silver.domain.errors import ValidationFailed
from silver.infra import ftm
from tests.support import identifiers as demo
from tests.support.cases import case_body, imo, nl_iban

PARTS = ("subjects", "assets", "holdings", "relations")
CASE_ID = "6f1c0a52-8d1e-4a53-a0f4-3c1f0e0d9a11"


def full_body() -> dict[str, Any]:
    """A valid case body with every asset type, holding and relation Silver knows."""
    person = {
        "key": "jan_de.vries-1",
        "kind": "person",
        "role": "suspect",
        "full_name": "Jan de Vries",
        "aliases": ["J. de Vries", "Johnny V"],
        "date_of_birth": "1970-05-01",
        "nationalities": ["NL", "BE"],
        "residence_country": "ES",
        "refugee_status": None,
        "identifiers": [
            {"type": "passport", "value": "NX1234567", "country": "NL"},
            {"type": "national_id", "value": "123456782", "country": "NL"},
            {"type": "tax_id", "value": "BE0123456789", "country": "BE"},
            {"type": "other", "value": "DL-998877", "country": None},
        ],
        "remarks": "Known to use front men.",
    }
    return case_body(
        subjects=[
            person,
            {
                "key": "s2",
                "kind": "person",
                "role": "third_party",
                "justification": "Wife; the villa is in her name.",
                "full_name": "Maria Lopez",
                "aliases": [],
                "nationalities": ["ES"],
                "identifiers": [],
            },
            {
                "key": "o1",
                "kind": "organisation",
                "role": "suspect",
                "name": "Zilvervos Holding B.V.",
                "registration_number": "12345678",
                "jurisdiction": "NL",
                "lei": demo.lei("DEMO00FICTIEFHLD01"),
                "remarks": None,
            },
            {
                "key": "o2",
                "kind": "organisation",
                "role": "convicted",
                "name": "Blue Fox Shipping Ltd",
                "jurisdiction": "CY",
            },
        ],
        assets=[
            {
                "key": "a1",
                "type": "bank_account",
                "iban": nl_iban(),
                "country": "NL",
                "estimated_value": {"amount": "1250.00", "currency": "EUR"},
            },
            {
                "key": "a2",
                "type": "bank_account",
                "account_number": "000123456789",
                "bic": "CHASUS33",
                "country": "US",
                "description": "correspondent account",
            },
            {
                "key": "a3",
                "type": "real_estate",
                "address": "Calle Ficticia 1, Marbella",
                "cadastral_reference": "9872023VH5797S0001WX",
                "country": "ES",
                "estimated_value": {"amount": "2400000.00", "currency": "EUR"},
            },
            {
                "key": "a4",
                "type": "vehicle",
                "vin": demo.vin("1M8GDM9A", "KP042788"),
                "registration_plate": "XX-123-B",
                "country": "NL",
            },
            {"key": "a5", "type": "vessel", "imo": imo(), "name": "Blue Fox", "country": "MT"},
            {"key": "a6", "type": "aircraft", "registration_mark": "N-DEMO6", "country": "US"},
            {
                "key": "a7",
                "type": "crypto_wallet",
                "currency": "BTC",
                "address": demo.btc_address("mapper test"),
                "estimated_value": {"amount": "50000.00", "currency": "EUR"},
            },
            {
                "key": "a8",
                "type": "company_share",
                "organisation": "o2",
                "isin": demo.isin("MT000DEMO01"),
                "country": "CY",
            },
            {
                "key": "a9",
                "type": "cash_or_valuables",
                "description": "Rolex watches in a safe",
                "estimated_value": {"amount": "80000.00", "currency": "CHF"},
            },
            {"key": "a10", "type": "other", "description": "racehorse", "country": "IE"},
        ],
        holdings=[
            {"subject": "jan_de.vries-1", "asset": "a1", "relation": "owns", "share": 1.0},
            {"subject": "jan_de.vries-1", "asset": "a2", "relation": "controls", "share": None},
            {"subject": "s2", "asset": "a3", "relation": "owns", "share": 0.5},
            {"subject": "jan_de.vries-1", "asset": "a3", "relation": "beneficial_owner"},
            {"subject": "jan_de.vries-1", "asset": "a4", "relation": "uses"},
            {"subject": "o1", "asset": "a5", "relation": "owns", "share": 0.333},
            {"subject": "o2", "asset": "a6", "relation": "owns"},
            {"subject": "jan_de.vries-1", "asset": "a7", "relation": "owns"},
            {"subject": "o1", "asset": "a8", "relation": "owns", "share": 1.0},
            {"subject": "jan_de.vries-1", "asset": "a9", "relation": "owns"},
            {"subject": "jan_de.vries-1", "asset": "a10", "relation": "beneficial_owner"},
        ],
        relations=[
            {"from": "jan_de.vries-1", "to": "o1", "relation": "director_of"},
            {"from": "jan_de.vries-1", "to": "o1", "relation": "shareholder_of", "share": 0.6},
            {"from": "s2", "to": "o2", "relation": "beneficial_owner_of", "share": 0.25},
            {"from": "jan_de.vries-1", "to": "s2", "relation": "relative_of"},
            {"from": "s2", "to": "jan_de.vries-1", "relation": "associate_of"},
            {"from": "o1", "to": "o2", "relation": "shareholder_of", "share": 0.05},
            {"from": "jan_de.vries-1", "to": "o2", "relation": "associate_of"},
        ],
    )


def compact(value: Any) -> Any:
    """Drop the fields a body leaves empty (None, []), which the mapper does not write."""
    if isinstance(value, dict):
        return {k: compact(v) for k, v in value.items() if v not in (None, [])}
    if isinstance(value, list):
        return [compact(v) for v in value]
    return value


def travelling(body: dict[str, Any]) -> dict[str, Any]:
    """The four parts of a body without what the module docstring says does not travel."""
    out = compact({part: copy.deepcopy(body.get(part) or []) for part in PARTS})
    for subject in out["subjects"]:
        subject.pop("refugee_status", None)
    for asset in out["assets"]:
        if asset["type"] == "company_share":
            asset.pop("percentage", None)
    kinds = {a["key"]: a["type"] for a in out["assets"]}
    for holding in out["holdings"]:
        if (
            holding["relation"] in ("controls", "uses")
            or kinds[holding["asset"]] == "crypto_wallet"
        ):
            holding.pop("share", None)
    return out


def by_schema(entities: list[dict[str, Any]], schema: str) -> list[dict[str, Any]]:
    return [e for e in entities if e["schema"] == schema]


def export(body: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    return ftm.case_to_entities(CASE_ID, validate_case_body(body or full_body()))


def reimport(entities: list[dict[str, Any]]) -> dict[str, Any]:
    parts, errors = ftm.entities_to_body(entities)
    assert errors == {}
    return parts


# --- Silver -> FtM --------------------------------------------------------------------------


def test_every_exported_entity_is_valid_ftm_that_cleaning_keeps_unchanged() -> None:
    entities = export()
    assert len({e["id"] for e in entities}) == len(entities)
    for entity in entities:
        proxy = model.get_proxy(entity, cleaned=False)
        assert proxy.to_dict()["properties"] == entity["properties"], entity
        assert proxy.schema.validate(cast(Any, entity)) is None


def test_subjects_are_persons_and_companies_with_identifiers_in_ftm_properties() -> None:
    entities = export()
    person = next(e for e in entities if e["id"] == ftm.key_id(CASE_ID, "jan_de.vries-1"))
    assert person["schema"] == "Person"
    props = person["properties"]
    assert props["name"] == ["Jan de Vries"]
    assert props["alias"] == ["J. de Vries", "Johnny V"]
    assert props["birthDate"] == ["1970-05-01"]
    assert props["nationality"] == ["nl", "be"]
    assert props["country"] == ["es"]
    assert props["passportNumber"] == ["NX1234567"]
    assert props["idNumber"] == ["123456782"]
    assert props["taxNumber"] == ["BE0123456789"]
    assert props["keywords"] == ["suspect"]
    assert props["notes"] == ["Known to use front men."]
    idents = by_schema(entities, "Identification") + by_schema(entities, "Passport")
    assert {(e["schema"], e["properties"]["number"][0]) for e in idents} == {
        ("Passport", "NX1234567"),
        ("Identification", "123456782"),
        ("Identification", "BE0123456789"),
        ("Identification", "DL998877"),
    }
    assert all(e["properties"]["holder"] == [person["id"]] for e in idents)
    company = next(e for e in entities if e["id"] == ftm.key_id(CASE_ID, "o1"))
    assert company["schema"] == "Company"
    assert company["properties"]["registrationNumber"] == ["12345678"]
    assert company["properties"]["jurisdiction"] == ["nl"]
    assert company["properties"]["leiCode"] == [demo.lei("DEMO00FICTIEFHLD01")]
    third = next(e for e in entities if e["id"] == ftm.key_id(CASE_ID, "s2"))
    assert third["properties"]["keywords"] == ["third_party"]
    assert third["properties"]["summary"] == ["Wife; the villa is in her name."]


@pytest.mark.parametrize(
    ("key", "schema", "expected"),
    [
        ("a1", "BankAccount", {"country": ["nl"], "amount": ["1250.00"], "currency": ["EUR"]}),
        ("a2", "BankAccount", {"accountNumber": ["000123456789"], "bic": ["CHASUS33"]}),
        ("a3", "RealEstate", {"address": ["Calle Ficticia 1, Marbella"]}),
        ("a4", "Vehicle", {"registrationNumber": ["XX123B", "1M8GDM9AXKP042788"]}),
        ("a5", "Vessel", {"name": ["Blue Fox"], "country": ["mt"]}),
        ("a6", "Airplane", {"registrationNumber": ["NDEMO6"]}),
        ("a7", "CryptoWallet", {"currency": ["BTC"], "amountEur": ["50000.00"]}),
        ("a8", "Security", {"country": ["cy"]}),
        ("a9", "Asset", {"keywords": ["cash_or_valuables"], "currency": ["CHF"]}),
        ("a10", "Asset", {"description": ["racehorse"]}),
    ],
)
def test_each_asset_type_has_its_schema(key: str, schema: str, expected: dict[str, Any]) -> None:
    body = validate_case_body(full_body())
    entity = next(
        e for e in ftm.case_to_entities(CASE_ID, body) if e["id"] == ftm.key_id(CASE_ID, key)
    )
    assert entity["schema"] == schema
    for prop, values in expected.items():
        assert entity["properties"][prop] == values
    asset = next(a for a in body["assets"] if a["key"] == key)
    for field, prop in ftm.ASSET_FORMS[asset["type"]].fields:
        if asset.get(field) and field != "organisation":
            assert asset[field] in entity["properties"][prop]
    if asset["type"] == "company_share":
        assert entity["properties"]["issuer"] == [ftm.key_id(CASE_ID, "o2")]
    if asset["type"] == "other":
        assert "keywords" not in entity["properties"]


def link(entities: list[dict[str, Any]], source: str, target: str) -> list[dict[str, Any]]:
    src, tgt = ftm.key_id(CASE_ID, source), ftm.key_id(CASE_ID, target)
    found = []
    for e in entities:
        schema = model.get(e["schema"])
        assert schema is not None
        props = e["properties"]
        if schema.edge and props.get(schema.edge_source) == [src]:
            found += [e] if props.get(schema.edge_target) == [tgt] else []
    return found


def test_holdings_are_ownerships_or_unknown_links_naming_the_relation() -> None:
    entities = export()
    [owns] = link(entities, "jan_de.vries-1", "a1")
    assert owns["schema"] == "Ownership"
    assert owns["properties"]["percentage"] == ["100"]
    assert "ownershipType" not in owns["properties"]
    [half] = link(entities, "s2", "a3")
    assert half["properties"]["percentage"] == ["50"]
    [third] = link(entities, "o1", "a5")
    assert third["properties"]["percentage"] == ["33.3"]
    [beneficial] = link(entities, "jan_de.vries-1", "a3")
    assert beneficial["schema"] == "Ownership"
    assert beneficial["properties"]["ownershipType"] == ["beneficial"]
    for asset, role in (("a2", "controls"), ("a4", "uses"), ("a7", "owns")):
        [unknown] = link(entities, "jan_de.vries-1", asset)
        assert unknown["schema"] == "UnknownLink"
        assert unknown["properties"]["role"] == [role]


def test_relations_are_directorship_ownership_family_and_associate() -> None:
    entities = export()
    schemata = {e["schema"] for e in link(entities, "jan_de.vries-1", "o1")}
    assert schemata == {"Directorship", "Ownership"}
    [ubo] = link(entities, "s2", "o2")
    assert ubo["schema"] == "Ownership"
    assert ubo["properties"] == {
        "owner": [ftm.key_id(CASE_ID, "s2")],
        "asset": [ftm.key_id(CASE_ID, "o2")],
        "ownershipType": ["beneficial"],
        "percentage": ["25"],
    }
    [family] = link(entities, "jan_de.vries-1", "s2")
    assert family["schema"] == "Family"
    [associate] = link(entities, "s2", "jan_de.vries-1")
    assert associate["schema"] == "Associate"
    # An Associate is between two persons in FtM: with a company it is an UnknownLink.
    [other] = link(entities, "jan_de.vries-1", "o2")
    assert other["schema"] == "UnknownLink"
    assert other["properties"]["role"] == ["associate_of"]


def test_ids_are_stable_across_exports_and_differ_between_cases() -> None:
    body = validate_case_body(full_body())
    first = ftm.case_to_entities(CASE_ID, body)
    again = ftm.case_to_entities(CASE_ID, copy.deepcopy(body))
    other = ftm.case_to_entities("another-case", body)
    assert [e["id"] for e in first] == [e["id"] for e in again]
    assert not {e["id"] for e in first} & {e["id"] for e in other}


def test_the_same_holding_twice_gets_two_ids() -> None:
    body = case_body()
    body["holdings"] = [body["holdings"][0], dict(body["holdings"][0])]
    entities = export(body)
    ownerships = by_schema(entities, "Ownership")
    assert len(ownerships) == 2 and ownerships[0]["id"] != ownerships[1]["id"]


@pytest.mark.parametrize("key", ["s1", "a_b", "x.y-z", "A-", "9.", "a_" * 32])
def test_keys_survive_in_ids(key: str) -> None:
    entity_id = ftm.key_id(CASE_ID, key)
    assert len(entity_id) <= 200
    assert model.get_proxy({"id": entity_id, "schema": "Person"}, cleaned=False).id == entity_id
    assert ftm.key_of(entity_id) == key


# --- FtM -> Silver --------------------------------------------------------------------------


def test_round_trip_gives_the_same_subjects_assets_holdings_and_relations() -> None:
    original = validate_case_body(full_body())
    parts = reimport(ftm.case_to_entities(CASE_ID, original))
    assert travelling(parts) == travelling(original)
    case = {k: v for k, v in original.items() if k not in PARTS}
    again = validate_case_body({**case, **parts})
    assert travelling(again) == travelling(original)


def test_what_does_not_travel_is_only_what_the_docstring_names() -> None:
    body = full_body()
    body["subjects"][0]["refugee_status"] = {"country_of_origin": "SY"}
    body["assets"][7]["percentage"] = 40
    original = validate_case_body(body)
    parts = reimport(ftm.case_to_entities(CASE_ID, original))
    assert "refugee_status" not in parts["subjects"][0]
    assert "percentage" not in parts["assets"][7]
    controls = next(h for h in parts["holdings"] if h["relation"] == "controls")
    assert "share" not in controls


def test_a_wallet_value_in_another_currency_does_not_travel_but_eur_and_usd_do() -> None:
    body = full_body()
    wallet = body["assets"][6]
    for currency, expected in (("USD", {"amountUsd": ["10.00"]}), ("GBP", {})):
        wallet["estimated_value"] = {"amount": "10.00", "currency": currency}
        entity = export(body)
        found = next(e for e in entity if e["schema"] == "CryptoWallet")["properties"]
        assert {k: v for k, v in found.items() if k.startswith("amount")} == expected


def foreign(schema: str, entity_id: str, **props: list[str]) -> dict[str, Any]:
    return {"id": entity_id, "schema": schema, "properties": props}


def test_foreign_entities_get_keys_from_their_ids() -> None:
    long_id = "a" * 80
    parts = reimport(
        [
            foreign(
                "Person", "NK-8gRa4JEkPcZfEwxvbqNfPo", name=["Ivan Petrov"], keywords=["suspect"]
            ),
            foreign("LegalEntity", long_id, name=["Shell Co"], keywords=["suspect"]),
            foreign("Organization", "Q7747", name=["Org"], keywords=["third_party"]),
        ]
    )
    keys = [s["key"] for s in parts["subjects"]]
    assert keys[0] == "NK-8gRa4JEkPcZfEwxvbqNfPo"
    assert keys[1] == "e" + ftm._hash(long_id)
    assert keys[2] == "Q7747"
    assert [s["kind"] for s in parts["subjects"]] == ["person", "organisation", "organisation"]


def test_a_persons_further_names_become_aliases_and_identifications_merge() -> None:
    parts = reimport(
        [
            foreign(
                "Person",
                "p1",
                name=["Ivan Petrov", "Ivan Petroff"],
                alias=["Vanya"],
                passportNumber=["753123456"],
                keywords=["suspect"],
            ),
            foreign("Passport", "pp1", holder=["p1"], number=["753123456"], country=["ru"]),
            foreign(
                "Identification", "id1", holder=["p1"], number=["X1"], type=["driving licence"]
            ),
        ]
    )
    person = parts["subjects"][0]
    assert person["full_name"] == "Ivan Petrov"
    assert person["aliases"] == ["Ivan Petroff", "Vanya"]
    assert person["identifiers"] == [
        {"type": "passport", "value": "753123456", "country": "RU"},
        {"type": "other", "value": "X1", "country": None},
    ]


def test_vehicle_numbers_split_into_vin_and_plate() -> None:
    vin = demo.vin("1M8GDM9A", "KP042788")
    parts = reimport(
        [foreign("Vehicle", "v1", registrationNumber=["AB-12-CD", vin.lower()], country=["nl"])]
    )
    assert parts["assets"][0] == {
        "key": "v1",
        "type": "vehicle",
        "registration_plate": "AB-12-CD",
        "vin": vin.lower(),
        "country": "NL",
    }


def test_a_company_owning_a_company_is_a_shareholder_relation() -> None:
    parts = reimport(
        [
            foreign("Company", "c1", name=["Parent"], keywords=["suspect"]),
            foreign("Company", "c2", name=["Child"], keywords=["suspect"]),
            foreign("Ownership", "own1", owner=["c1"], asset=["c2"], percentage=["75%"]),
        ]
    )
    assert parts["relations"] == [
        {"from": "c1", "to": "c2", "relation": "shareholder_of", "share": 0.75}
    ]


def errors_of(entities: list[Any]) -> dict[str, list[str]]:
    _, errors = ftm.entities_to_body(entities)
    assert errors
    return errors


PERSON = foreign("Person", "p1", name=["Ivan Petrov"], keywords=["suspect"])


@pytest.mark.parametrize(
    ("entities", "key", "fragment"),
    [
        ([foreign("Pirate", "x1")], "entities.0.schema", "not a schema"),
        ([foreign("Thing", "x1")], "entities.0.schema", "abstract"),
        (
            [PERSON, foreign("Address", "x1", full=["Main St 1"])],
            "entities.1.schema",
            "cannot hold Address entities",
        ),
        (
            [PERSON, foreign("Control", "x1", controller=["p1"], controlled=["p1"])],
            "entities.1.schema",
            "cannot hold Control entities",
        ),
        (
            [
                {
                    **PERSON,
                    "properties": {**PERSON["properties"], "sourceUrl": ["https://example.org"]},
                }
            ],
            "entities.0.sourceUrl",
            "cannot hold the sourceUrl of a Person",
        ),
        (
            [{**PERSON, "properties": {**PERSON["properties"], "shoeSize": ["44"]}}],
            "entities.0.shoeSize",
            "not a property of Person",
        ),
        (
            [{**PERSON, "properties": {**PERSON["properties"], "birthDate": ["last tuesday"]}}],
            "entities.0.birthDate",
            "not a valid date",
        ),
        (
            [foreign("BankAccount", "b1", iban=["NL91ABNA0417164301"])],
            "entities.0.iban",
            "not a valid",
        ),
        (
            [PERSON, foreign("Ownership", "o1", owner=["p1"], asset=["b9"])],
            "entities.1.asset",
            "names no subject or asset",
        ),
        (
            [
                PERSON,
                foreign("Ownership", "o1", owner=["p1"], asset=["p1x"]),
                foreign("Person", "p1x", name=["X"], keywords=["suspect"]),
            ],
            "entities.1.asset",
            "must be an Asset, not a Person",
        ),
        (
            [PERSON, foreign("Passport", "pp", holder=["nobody"], number=["1"])],
            "entities.1.holder",
            "names no subject",
        ),
        ([PERSON, PERSON], "entities.1.id", "also the id of entity 0"),
        (["not an entity"], "entities.0", "must be an FtM entity"),
        ([{"schema": "Person", "properties": {}}], "entities.0.id", "required"),
        (
            [{"id": "p1", "schema": "Person", "properties": {"name": "Ivan"}}],
            "entities.0.properties",
            "list of text",
        ),
        (
            [foreign("Company", "c1", name=["A", "B"], keywords=["suspect"])],
            "entities.0.name",
            "one value",
        ),
        ([foreign("Person", "p1", name=["A"], keywords=["pep"])], "entities.0.keywords", "role"),
        (
            [foreign("CryptoWallet", "w1", currency=["BTC"], amount=["1"])],
            "entities.0.amount",
            "amountEur",
        ),
        (
            [
                PERSON,
                foreign("UnknownLink", "l1", subject=["p1"], object=["p2"]),
                foreign("Person", "p2", name=["B"], keywords=["suspect"]),
            ],
            "entities.1.role",
            "director_of",
        ),
        (
            [
                PERSON,
                foreign("Ownership", "o1", owner=["p1"], asset=["a1"], ownershipType=["indirect"]),
                foreign("Asset", "a1", description=["x"]),
            ],
            "entities.1.ownershipType",
            "beneficial",
        ),
        (
            [
                PERSON,
                foreign(
                    "Directorship", "d1", director=["p1"], organization=["c1"], role=["Secretary"]
                ),
                foreign("Company", "c1", name=["C"], keywords=["suspect"]),
            ],
            "entities.1.role",
            "cannot hold the role of a Directorship",
        ),
        (
            [
                PERSON,
                foreign("Ownership", "o1", owner=["p1"], asset=["a1"], percentage=["a lot"]),
                foreign("Asset", "a1", description=["x"]),
            ],
            "entities.1.percentage",
            "not a number",
        ),
    ],
)
def test_entities_silver_cannot_hold_are_errors_keyed_by_entity_and_property(
    entities: list[Any], key: str, fragment: str
) -> None:
    errors = errors_of(entities)
    assert key in errors, errors
    assert any(fragment in message for message in errors[key]), errors[key]


def test_errors_of_the_case_validation_are_translated_to_entities() -> None:
    entities = [
        foreign("Person", "p1", name=["Ivan Petrov"], birthDate=["1970"]),
        foreign("BankAccount", "b1", iban=[nl_iban()], amount=["12.345"], currency=["EUR"]),
        foreign("Asset", "a1", description=["gold"]),
        foreign("Ownership", "o1", owner=["p1"], asset=["a1"], percentage=["150"]),
        foreign("Vessel", "v1", country=["mt"]),  # neither IMO number nor name
    ]
    mapped = ftm.map_entities(entities)
    assert mapped.errors == {}
    case = {k: v for k, v in case_body().items() if k not in PARTS}
    with pytest.raises(ValidationFailed) as caught:
        validate_case_body({**case, **mapped.body})
    errors = mapped.translate(caught.value.errors)
    assert "entities.0.keywords" in errors  # the role is missing
    assert "entities.0.birthDate" in errors
    assert "entities.1.amount" in errors
    assert "entities.3.percentage" in errors
    assert "entities.4.imoNumber" in errors
    assert not [k for k in errors if not k.startswith("entities.")], errors


def test_translation_keeps_keys_no_entity_gave() -> None:
    mapped = ftm.map_entities([PERSON])
    assert mapped.translate({"title": ["required"], "subjects.0.full_name": ["x"]}) == {
        "title": ["required"],
        "entities.0.name": ["x"],
    }
