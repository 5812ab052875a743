"""Reference lines -> graph rows: validation by the FtM model, link types, identifiers keyed
exactly as a case's."""

from __future__ import annotations

import json
from typing import Any

import pytest
from followthemoney import model

from silver.domain import projection, reference
from silver.domain.case_body import validate_case_body
from silver.infra import crypto, ftm_reference
from tests.support import identifiers as demo
from tests.support.cases import case_body, imo, nl_iban

KEY = crypto.new_secret_key()


def line(entity_id: str, schema: str, **props: Any) -> bytes:
    return json.dumps({"id": entity_id, "schema": schema, "properties": props}).encode()


def test_the_tables_name_what_the_ftm_model_has() -> None:
    for schema in reference.LINK_TYPES:
        found = model.get(schema)
        assert found is not None and found.edge, schema
    for qname in reference.PROPERTY_LINKS:
        prop = model.get_qname(qname)
        assert prop is not None and prop.type.name == "entity", qname
    projected = {*projection.HOLDING_TYPES.values(), *projection.RELATION_TYPES.values()}
    assert {"OWNS", "BENEFICIAL_OWNER_OF", "CONTROLS", "DIRECTOR_OF"} <= projected
    assert set(reference.LINK_TYPES.values()) & projected == {
        "OWNS",
        "CONTROLS",
        "DIRECTOR_OF",
        "FAMILY_OF",
        "ASSOCIATE_OF",
    }


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (b"{not json", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        (b"[1]", "not a JSON object"),
        (json.dumps({"id": "x", "properties": {}}).encode(), "no schema"),
        (line("x", "Pirate"), "unknown schema 'Pirate'"),
        (line("x", "Thing"), "abstract"),
        (json.dumps({"schema": "Person", "properties": {}}).encode(), "no id"),
        (line("x_y", "Person"), "no id, or an id FtM does not accept"),
        (json.dumps({"id": "x", "schema": "Person", "properties": [1]}).encode(), "not an object"),
        (line("x", "Person", shoeSize=["44"]), "'shoeSize' is not a property of Person"),
        (line("x", "Person", name=[{"a": 1}]), "name is not a text or a list of texts"),
        (line("x", "Person", name=7), "name is not a text or a list of texts"),
        (line("x", "Ownership", owner=["p"]), "Ownership without its asset"),
        (line("x", "Family", relative=["p"]), "Family without its person"),
    ],
)
def test_lines_that_are_not_valid_ftm_are_refused_with_a_reason(raw: bytes, fragment: str) -> None:
    with pytest.raises(ftm_reference.BadEntity) as caught:
        ftm_reference.read(raw, KEY)
    assert fragment in str(caught.value)


def test_an_entity_keeps_what_was_published_and_drops_what_ftm_rejects() -> None:
    entity, links = ftm_reference.read(
        line(
            "c1",
            "Company",
            name=["Alpha  Holdings Ltd"],
            jurisdiction=["vg"],
            country=["pa", "Panama"],
            incorporationDate=["2004-03-01", "not a date"],
            sourceUrl=["https://offshoreleaks.icij.org/nodes/1"],
        ),
        KEY,
    )
    assert entity is not None and links == []
    assert entity.schema == "Company" and entity.caption == "Alpha Holdings Ltd"
    assert entity.names == ("Alpha Holdings Ltd",)
    assert entity.jurisdictions == ("VG",) and entity.countries == ("PA",)
    published = json.loads(entity.properties)
    assert published["incorporationDate"] == ["2004-03-01"]
    assert published["sourceUrl"] == ["https://offshoreleaks.icij.org/nodes/1"]


@pytest.mark.parametrize(
    ("schema", "props", "expected"),
    [
        ("Ownership", {"owner": ["a"], "asset": ["b"], "percentage": ["60"]}, ("OWNS", 0.6)),
        (
            "Ownership",
            {"owner": ["a"], "asset": ["b"], "ownershipType": ["Beneficial"]},
            ("BENEFICIAL_OWNER_OF", None),
        ),
        ("Ownership", {"owner": ["a"], "asset": ["b"], "percentage": ["lots"]}, ("OWNS", None)),
        ("Directorship", {"director": ["a"], "organization": ["b"]}, ("DIRECTOR_OF", None)),
        ("Control", {"controller": ["a"], "controlled": ["b"]}, ("CONTROLS", None)),
        ("Representation", {"agent": ["a"], "client": ["b"]}, ("REPRESENTS", None)),
        ("Family", {"person": ["a"], "relative": ["b"]}, ("FAMILY_OF", None)),
        ("Associate", {"person": ["a"], "associate": ["b"]}, ("ASSOCIATE_OF", None)),
        ("UnknownLink", {"subject": ["a"], "object": ["b"]}, ("LINKED_TO", None)),
        ("Payment", {"payer": ["a"], "beneficiary": ["b"]}, ("LINKED_TO", None)),
    ],
)
def test_interval_entities_are_typed_directed_links(
    schema: str, props: dict[str, list[str]], expected: tuple[str, float | None]
) -> None:
    entity, links = ftm_reference.read(line("l1", schema, startDate=["2001"], **props), KEY)
    assert entity is None
    [link] = links
    assert (link.type, link.share) == expected
    assert (link.source, link.target, link.id, link.schema) == ("a", "b", "l1", schema)
    assert link.start_date == "2001"


def test_an_interval_entity_with_several_ends_is_a_link_per_pair() -> None:
    _, links = ftm_reference.read(line("l1", "Ownership", owner=["a", "b"], asset=["c"]), KEY)
    assert [(x.source, x.target, x.id) for x in links] == [
        ("a", "c", "l1:a:c"),
        ("b", "c", "l1:b:c"),
    ]


def test_entity_properties_that_name_entities_are_links_in_the_right_direction() -> None:
    _, company = ftm_reference.read(
        line("c1", "Company", name=["C"], addressEntity=["adr"], parent=["mother"]), KEY
    )
    _, vessel = ftm_reference.read(line("v1", "Vessel", owner=["c1"], operator=["c2"]), KEY)
    _, passport = ftm_reference.read(line("pp", "Passport", holder=["p1"], number=["1"]), KEY)
    found = {(x.type, x.source, x.target, x.via) for x in company + vessel + passport}
    assert found == {
        ("HAS_ADDRESS", "c1", "adr", "addressEntity"),
        ("CONTROLS", "mother", "c1", "parent"),
        ("OWNS", "c1", "v1", "owner"),
        ("USES", "c2", "v1", "operator"),
        ("LINKED_TO", "pp", "p1", "holder"),
    }
    assert all(x.id is None for x in company + vessel + passport)


def case_indexes(body: dict[str, Any]) -> set[tuple[str, str]]:
    rows = projection.project("case", validate_case_body(body), KEY).identifiers
    return {(r["kind"], r["index"]) for r in rows}


def ref_indexes(raw: bytes) -> set[tuple[str, str]]:
    entity, _ = ftm_reference.read(raw, KEY)
    assert entity is not None
    return {(i.kind, i.blind_index) for i in entity.identifiers}


def test_identifiers_are_keyed_exactly_as_a_cases() -> None:
    iban, vessel = nl_iban(), imo()
    vin = demo.vin("1M8GDM9A", "KP042788")
    wallet = demo.eth_address("reference test")
    lei = demo.lei("DEMO00FICTIEFHLD01")
    body = case_body()
    body["subjects"][0]["identifiers"] = [
        {"type": "passport", "value": "NX 123-456", "country": "NL"}
    ]
    body["subjects"][1].update(registration_number="12.34.56", jurisdiction="NL", lei=lei)
    body["assets"] = [
        {"key": "a1", "type": "bank_account", "iban": iban},
        {"key": "a2", "type": "bank_account", "account_number": "0012 3456", "bic": "CHASUS33XXX"},
        {"key": "a3", "type": "vessel", "imo": vessel},
        {
            "key": "a4",
            "type": "vehicle",
            "vin": vin,
            "registration_plate": "XX-12-YY",
            "registration_country": "NL",
            "country": "NL",
        },
        {"key": "a5", "type": "aircraft", "registration_mark": "PH-ABC"},
        {"key": "a6", "type": "crypto_wallet", "currency": "ETH", "address": wallet},
        {
            "key": "a7",
            "type": "company_share",
            "organisation": "o1",
            "isin": demo.isin("MT000DEMO01"),
        },
        {"key": "a8", "type": "real_estate", "cadastral_reference": "AB 12/3", "country": "ES"},
    ]
    body["holdings"] = []
    spaced = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)).lower()
    person, company = body["subjects"][0], body["subjects"][1]
    published = [
        # The same person written another way, and the same company with its legal form
        # spelt out: one name key each (persons by name and birth date, companies by name
        # and jurisdiction).
        line(
            "p",
            "Person",
            name=[", ".join(reversed(person["full_name"].upper().split(" ", 1)))],
            birthDate=[person["date_of_birth"]],
            passportNumber=["nx123456"],  # no issuing country: not a key
        ),
        line("pp", "Passport", number=["nx123456"], country=["nl"]),
        line(
            "o",
            "Company",
            name=[company["name"].replace(" BV", " B.V.")],
            registrationNumber=["123456"],
            jurisdiction=["nl"],
            leiCode=[lei.lower()],
        ),
        line("b1", "BankAccount", iban=[spaced]),
        line("b2", "BankAccount", accountNumber=["00123456"], bic=["CHASUS33"]),
        line("v", "Vessel", imoNumber=[vessel.replace("IMO", "IMO ")]),
        line("car", "Vehicle", registrationNumber=[vin.lower(), "xx 12 yy"], country=["nl"]),
        line("air", "Airplane", registrationNumber=["ph-abc"]),
        line("w", "CryptoWallet", currency=["eth"], publicKey=[wallet.upper().replace("0X", "0x")]),
        line("s", "Security", isin=[demo.isin("MT000DEMO01")]),
        line("re", "RealEstate", cadastralCode=["ab123"], country=["es"]),
    ]
    from_reference: set[tuple[str, str]] = set()
    for raw in published:
        from_reference |= ref_indexes(raw)
    assert from_reference == case_indexes(body)


def test_invalid_identifiers_are_not_indexed_and_the_entity_is_kept() -> None:
    assert ref_indexes(line("b", "BankAccount", accountNumber=["123"])) == set()
    assert ref_indexes(line("v", "Vessel", imoNumber=["IMO 1234568"], name=["X"])) == set()
