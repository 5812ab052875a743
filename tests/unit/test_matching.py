"""Matching keys: what makes two records the same, and what must not."""

from __future__ import annotations

from typing import Any

import pytest

from silver.domain import matching
from tests.support import identifiers as demo


def keys(subject: dict[str, Any]) -> set[tuple[str, str]]:
    return set(matching.subject_keys(subject))


def person(name: str, born: str = "1970-05-01", **more: Any) -> dict[str, Any]:
    return {"kind": "person", "full_name": name, "date_of_birth": born, **more}


@pytest.mark.parametrize(
    "other",
    [
        "Jan Zilverberg",
        "ZILVÉRBERG, Jan",
        "zilverberg jan",
        "Dr. Jan Zilverberg",
        "JAN  ZILVERBERG.",
    ],
)
def test_a_person_written_another_way_has_the_same_name_keys(other: str) -> None:
    assert keys(person(other)) == keys(person("Jan Zilverberg"))


def test_a_different_birth_date_is_a_different_person_but_the_same_year_still_hints() -> None:
    a, b = keys(person("Jan Zilverberg")), keys(person("Jan Zilverberg", "1970-06-02"))
    assert {k for k in a if k[0] == "person_name_dob"}.isdisjoint(b)
    assert {k for k in a if k[0] == "person_name_year"} <= b
    assert matching.score("person_name_dob") > matching.score("person_name_year")


def test_a_birth_year_alone_gives_only_the_weaker_key_and_no_date_no_key() -> None:
    assert {k for k, _ in keys(person("Jan Zilverberg", "1970"))} == {"person_name_year"}
    assert keys(person("Jan Zilverberg", "")) == set()


def test_aliases_give_keys_too() -> None:
    found = keys(person("Jan Zilverberg", aliases=["Johnny Silver"]))
    assert keys(person("Johnny Silver")) <= found


@pytest.mark.parametrize(
    "other", ["Fictief Holding B.V.", "FICTIEF HOLDING BV", "Fictief Holding", "holding fictief bv"]
)
def test_an_organisation_matches_without_its_legal_form_in_its_jurisdiction(other: str) -> None:
    org = {"kind": "organisation", "jurisdiction": "NL"}
    assert keys({**org, "name": other}) == keys({**org, "name": "Fictief Holding B.V."})
    assert keys({**org, "name": other, "jurisdiction": "BE"}) != keys({**org, "name": other})
    assert keys({"kind": "organisation", "name": other}) == set(), "no jurisdiction, no name key"


def test_legal_forms_of_other_countries_fold_too() -> None:
    org = {"kind": "organisation", "jurisdiction": "GB"}
    assert keys({**org, "name": "Acme Limited"}) == keys({**org, "name": "ACME LTD."})


def test_a_passport_is_keyed_with_its_issuing_country() -> None:
    nl = {"kind": "person", "identifiers": [{"type": "passport", "value": "X1", "country": "NL"}]}
    be = {"kind": "person", "identifiers": [{"type": "passport", "value": "X1", "country": "BE"}]}
    bare = {"kind": "person", "identifiers": [{"type": "passport", "value": "X1"}]}
    assert keys(nl) != keys(be)
    assert keys(bare) == set()


def test_a_registration_number_needs_its_jurisdiction() -> None:
    assert keys({"kind": "organisation", "registration_number": "123"}) == set()
    assert keys({"kind": "organisation", "registration_number": "123", "jurisdiction": "NL"})


def asset_keys(asset: dict[str, Any]) -> set[tuple[str, str]]:
    return set(matching.asset_keys(asset))


def test_a_plate_is_keyed_by_where_it_is_registered_not_where_the_car_is() -> None:
    car = {"type": "vehicle", "registration_plate": "XX12YY", "registration_country": "NL"}
    assert asset_keys({**car, "country": "ES"}) == asset_keys({**car, "country": "BE"})
    assert asset_keys({**car, "registration_country": "DE"}) != asset_keys(car)
    assert asset_keys({"type": "vehicle", "registration_plate": "XX12YY", "country": "NL"}) == set()


def test_one_address_is_one_wallet_whatever_token_it_holds() -> None:
    address = demo.eth_address("matching")
    eth = {"type": "crypto_wallet", "currency": "ETH", "address": address}
    usdt = {"type": "crypto_wallet", "currency": "USDT", "address": address.lower()}
    assert asset_keys(eth) == asset_keys(usdt) == {("crypto", address.lower())}


def test_an_isin_matches_reference_data_but_does_not_link_cases() -> None:
    share = {"type": "company_share", "isin": demo.isin("MT000DEMO01")}
    assert {k for k, _ in asset_keys(share)} == {"isin"}
    assert "isin" in matching.IDENTIFIER_KINDS and "isin" not in matching.LINKING_KINDS
