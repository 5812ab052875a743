"""A small, clearly fictional demo data set (`flask --app wsgi demo load`).

Every name, number and place below is invented: people are "Demo Persoon ...", companies
"Fictief ..." or "Voorbeeld ...", references start with DEMO and every title with "[DEMO]".
The identifiers are nevertheless valid (IBAN, IMO, VIN, LEI and ISIN check digits, Bitcoin
Base58Check and Ethereum EIP-55 checksums), because every case body is validated; they are
computed here rather than copied from anywhere, and bank codes such as DEMO or 999 belong to no
bank.

Two cases of different agencies (FIOD and OM) share one bank account, written differently, and
one vessel, so that `GET /api/v1/cases/{id}/links` has something to show.

The identifier helpers (`iban`, `imo`, `vin`, ...) are also used by `bench/intake.py` to make
random valid identifiers.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from typing import Any, Protocol

from silver.domain.case_body import validate_case_body
from silver.domain.errors import Conflict
from silver.domain.identifiers import eip55_checksum, vin_check_digit
from silver.domain.uow import AbstractUnitOfWork
from silver.domain.users import Agency, Role, User
from silver.infra.keys import KeyMaterial
from silver.services import auth, intake

__all__ = [
    "DEMO_CASES",
    "DEMO_USERS",
    "MARKER_USER",
    "be_bban",
    "btc_address",
    "es_bban",
    "eth_address",
    "iban",
    "imo",
    "isin",
    "lei",
    "load_demo",
    "nl_bban",
    "spaced",
    "vin",
]

Body = dict[str, Any]


# --- Valid identifiers, computed ----------------------------------------------------------------


def _mod97(text: str) -> int:
    """ISO 7064 mod 97-10 over letters and digits (A=10 ... Z=35)."""
    return int("".join(str(int(ch, 36)) for ch in text.upper())) % 97


def iban(country: str, bban: str) -> str:
    """The IBAN of `bban` in `country`, with its two check digits computed."""
    return f"{country}{98 - _mod97(bban + country + '00'):02d}{bban}"


def nl_bban(bank: str, first9: str) -> str | None:
    """A Dutch BBAN: 4-letter bank code and a 10-digit account that passes the eleven test.

    `first9` are the account's first nine digits; the tenth is computed. None when no digit
    makes the eleven test pass (then try other digits).
    """
    total = sum(int(d) * w for d, w in zip(first9, range(10, 1, -1), strict=True))
    last = -total % 11
    if last == 10:
        return None
    return f"{bank}{first9}{last}"


_CCC_WEIGHTS = (1, 2, 4, 8, 5, 10, 9, 7, 3, 6)


def _ccc_digit(digits: str) -> str:
    value = 11 - sum(int(d) * w for d, w in zip(digits, _CCC_WEIGHTS, strict=True)) % 11
    return {10: "1", 11: "0"}.get(value, str(value))


def es_bban(bank: str, branch: str, account: str) -> str:
    """A Spanish BBAN (CCC) with its two national check digits computed."""
    return bank + branch + _ccc_digit("00" + bank + branch) + _ccc_digit(account) + account


def be_bban(bank: str, account: str) -> str:
    """A Belgian BBAN: 3-digit bank code, 7-digit account and the mod 97 check of both."""
    check = int(bank + account) % 97 or 97
    return f"{bank}{account}{check:02d}"


def imo(six_digits: str) -> str:
    """An IMO ship number: six digits and the check digit (weights 7 down to 2)."""
    check = sum(int(d) * w for d, w in zip(six_digits, range(7, 1, -1), strict=True)) % 10
    return f"IMO{six_digits}{check}"


def vin(first8: str, last8: str) -> str:
    """A 17-character VIN with the check digit (position 9) computed."""
    return first8 + vin_check_digit(first8 + "0" + last8) + last8


def lei(base18: str) -> str:
    """An ISO 17442 LEI: 18 characters and two mod 97-10 check digits."""
    return f"{base18}{98 - _mod97(base18 + '00'):02d}"


def isin(base11: str) -> str:
    """An ISIN: country code, 9 characters and the Luhn check digit over the letter values."""
    digits = "".join(str(int(ch, 36)) for ch in base11)
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return base11 + str(-total % 10)


_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def btc_address(seed: str) -> str:
    """A main-network P2PKH Bitcoin address (Base58Check) whose key hash is made from `seed`.

    No private key exists for it: the 20 bytes are a hash of the seed, not of a public key.
    """
    raw = b"\x00" + hashlib.sha256(seed.encode()).digest()[:20]
    raw += hashlib.sha256(hashlib.sha256(raw).digest()).digest()[:4]
    n = int.from_bytes(raw, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = _B58[r] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\x00"))) + out


def eth_address(seed: str) -> str:
    """An Ethereum address in its EIP-55 checksum spelling, made from `seed` (no key exists)."""
    return eip55_checksum("0x" + hashlib.sha256(seed.encode()).hexdigest()[:40])


def spaced(value: str, group: int = 4) -> str:
    """`value` in groups of `group` characters, as people write IBANs on paper."""
    return " ".join(value[i : i + group] for i in range(0, len(value), group))


# --- The demo cases -------------------------------------------------------------------------------


def _money(amount: str, currency: str = "EUR") -> dict[str, str]:
    return {"amount": amount, "currency": currency}


def _nl(bank: str, first9: str) -> str:
    bban = nl_bban(bank, first9)
    if bban is None:
        raise ValueError(f"no eleven-test account starts with {first9}; pick other digits")
    return iban("NL", bban)


SHARED_IBAN = _nl("DEMO", "001234567")
SHARED_IMO = imo("100042")

DEMO_CASES: list[tuple[str, Body]] = [
    (
        "FIOD",
        {
            "title": "[DEMO] Carrouselfraude Fictief Holding BV",
            "national_reference": "DEMO-FIOD-0001",
            "crime_types": ["tax_fraud", "money_laundering"],
            "offence_summary": "Fictional demo case. Fictief Holding BV is suspected of a VAT "
            "carousel through invented shell companies; the proceeds were moved "
            "to a holiday villa and a yacht abroad.",
            "max_penalty_years": 6,
            "legal_basis": {"type": "criminal_investigation", "reference": "DEMO-RC-FIOD-0001"},
            "urgency": "normal",
            "requested_instrument": "notice",
            "target_countries": ["ES", "AE"],
            "subjects": [
                {
                    "key": "p1",
                    "kind": "person",
                    "role": "suspect",
                    "full_name": "Demo Persoon Een",
                    "aliases": ["D. P. Een"],
                    "date_of_birth": "1971-03-14",
                    "nationalities": ["NL"],
                    "residence_country": "ES",
                    "identifiers": [{"type": "passport", "value": "DEMOP0001", "country": "NL"}],
                },
                {
                    "key": "org1",
                    "kind": "organisation",
                    "role": "suspect",
                    "name": "Fictief Holding BV",
                    "registration_number": "DEMO-KVK-00000001",
                    "jurisdiction": "NL",
                    "lei": lei("DEMO00FICTIEFHLD01"),
                },
                {
                    "key": "p2",
                    "kind": "person",
                    "role": "third_party",
                    "justification": "Co-holder of the joint bank account; named only so that the "
                    "account can be identified, not suspected of the offence.",
                    "full_name": "Demo Partner Twee",
                    "date_of_birth": "1974-09-02",
                    "nationalities": ["NL"],
                    "residence_country": "ES",
                },
            ],
            "assets": [
                {
                    "key": "acc1",
                    "type": "bank_account",
                    "iban": spaced(SHARED_IBAN),
                    "country": "NL",
                    "estimated_value": _money("184250.00"),
                    "description": "Joint current account",
                },
                {
                    "key": "yacht",
                    "type": "vessel",
                    "imo": SHARED_IMO.replace("IMO", "IMO "),
                    "name": "Demo Horizon",
                    "country": "AE",
                    "estimated_value": _money("2400000.00"),
                    "description": "Motor yacht, 38 m",
                },
                {
                    "key": "villa",
                    "type": "real_estate",
                    "address": "Calle Ficticia 1, Marbella",
                    "cadastral_reference": "DEMO-ES-0000001",
                    "country": "ES",
                    "estimated_value": _money("1150000.00"),
                    "description": "Holiday villa",
                },
                {
                    "key": "acc2",
                    "type": "bank_account",
                    "iban": iban("ES", es_bban("9999", "0001", "0000012345")),
                    "country": "ES",
                    "estimated_value": _money("42100.00"),
                },
                {
                    "key": "car1",
                    "type": "vehicle",
                    "vin": vin("ZZDEMA1B", "RA000101"),
                    "registration_plate": "DEMO-01",
                    "country": "ES",
                    "estimated_value": _money("95000.00"),
                    "description": "Sports car",
                },
            ],
            "holdings": [
                {"subject": "p1", "asset": "acc1", "relation": "owns", "share": 0.5},
                {"subject": "p2", "asset": "acc1", "relation": "owns", "share": 0.5},
                {"subject": "org1", "asset": "yacht", "relation": "owns", "share": 1},
                {"subject": "p1", "asset": "yacht", "relation": "beneficial_owner"},
                {"subject": "p1", "asset": "villa", "relation": "owns", "share": 1},
                {"subject": "org1", "asset": "acc2", "relation": "owns"},
                {"subject": "p1", "asset": "car1", "relation": "uses"},
            ],
            "relations": [
                {"from": "p1", "to": "org1", "relation": "director_of"},
                {"from": "p1", "to": "org1", "relation": "shareholder_of", "share": 0.8},
                {"from": "p2", "to": "p1", "relation": "relative_of"},
            ],
        },
    ),
    (
        "OM",
        {
            "title": "[DEMO] Witwassen via Voorbeeld Scheepvaart Ltd",
            "national_reference": "DEMO-OM-0001",
            "crime_types": ["money_laundering", "organised_crime"],
            "offence_summary": "Fictional demo case. Habitual money laundering through a shipping "
            "company registered in Malta; confiscation order after conviction.",
            "max_penalty_years": 8,
            "legal_basis": {"type": "confiscation_order", "reference": "DEMO-PLUK-OM-0001"},
            "urgency": "urgent",
            "requested_instrument": "notice",
            "target_countries": ["MT", "GB"],
            "subjects": [
                {
                    "key": "p1",
                    "kind": "person",
                    "role": "convicted",
                    "full_name": "Demo Persoon Drie",
                    "date_of_birth": "1968-11-30",
                    "nationalities": ["NL", "MT"],
                    "residence_country": "MT",
                    "identifiers": [
                        {"type": "passport", "value": "DEMOP0003", "country": "NL"},
                        {"type": "national_id", "value": "DEMO-MT-0003", "country": "MT"},
                    ],
                },
                {
                    "key": "ship",
                    "kind": "organisation",
                    "role": "suspect",
                    "name": "Voorbeeld Scheepvaart Ltd",
                    "registration_number": "DEMO-C-00042",
                    "jurisdiction": "MT",
                },
            ],
            "assets": [
                # The same account as FIOD's Fictief Holding case, written without spaces.
                {
                    "key": "acc",
                    "type": "bank_account",
                    "iban": SHARED_IBAN.lower(),
                    "country": "NL",
                    "estimated_value": _money("184250.00"),
                },
                # The same vessel, written without the IMO prefix.
                {
                    "key": "vessel",
                    "type": "vessel",
                    "imo": SHARED_IMO.removeprefix("IMO"),
                    "name": "Demo Horizon",
                    "country": "MT",
                    "estimated_value": _money("2400000.00"),
                },
                {
                    "key": "acc-gb",
                    "type": "bank_account",
                    "iban": spaced(iban("GB", "DEMO40000012345678")),
                    "country": "GB",
                    "estimated_value": _money("310000.00", "GBP"),
                },
                {
                    "key": "shares",
                    "type": "company_share",
                    "organisation": "ship",
                    "percentage": 100,
                    "isin": isin("MT000DEMO01"),
                    "country": "MT",
                    "estimated_value": _money("500000.00"),
                    "description": "All shares",
                },
            ],
            "holdings": [
                {"subject": "ship", "asset": "acc", "relation": "controls"},
                {"subject": "ship", "asset": "vessel", "relation": "uses"},
                {"subject": "p1", "asset": "acc-gb", "relation": "owns", "share": 1},
                {"subject": "p1", "asset": "shares", "relation": "owns", "share": 1},
            ],
            "relations": [
                {"from": "p1", "to": "ship", "relation": "beneficial_owner_of", "share": 1},
            ],
        },
    ),
    (
        "FIOD",
        {
            "title": "[DEMO] BTW-fraude Nepbedrijf Vastgoed",
            "national_reference": "DEMO-FIOD-0002",
            "crime_types": ["tax_fraud", "fraud"],
            "offence_summary": (
                "Fictional demo case. Invented invoices for renovation work that was never "
                "done; the refunds were invested in property in Belgium and France."
            ),
            "max_penalty_years": 6,
            "legal_basis": {"type": "criminal_investigation", "reference": "DEMO-RC-FIOD-0002"},
            "urgency": "normal",
            "requested_instrument": "diffusion",
            "target_countries": ["BE", "FR"],
            "subjects": [
                {
                    "key": "p1",
                    "kind": "person",
                    "role": "suspect",
                    "full_name": "Demo Persoon Vier",
                    "date_of_birth": "1980-06-21",
                    "nationalities": ["NL"],
                    "residence_country": "BE",
                    "identifiers": [{"type": "tax_id", "value": "DEMO-TIN-0004", "country": "NL"}],
                },
                {
                    "key": "bv",
                    "kind": "organisation",
                    "role": "suspect",
                    "name": "Nepbedrijf Vastgoed BV",
                    "registration_number": "DEMO-KVK-00000004",
                    "jurisdiction": "NL",
                },
            ],
            "assets": [
                {
                    "key": "flat",
                    "type": "real_estate",
                    "address": "Voorbeeldstraat 12, Antwerpen",
                    "cadastral_reference": "DEMO-BE-0012",
                    "country": "BE",
                    "estimated_value": _money("640000.00"),
                },
                {
                    "key": "house",
                    "type": "real_estate",
                    "address": "1 Rue Imaginaire, Lille",
                    "country": "FR",
                    "estimated_value": _money("385000.00"),
                },
                {
                    "key": "acc",
                    "type": "bank_account",
                    "iban": iban("BE", be_bban("999", "0000004")),
                    "country": "BE",
                    "estimated_value": _money("76500.00"),
                },
                {
                    "key": "van",
                    "type": "vehicle",
                    "vin": vin("ZZDEMB2C", "SB000404"),
                    "registration_plate": "DEMO-04",
                    "country": "BE",
                    "estimated_value": _money("38000.00"),
                    "description": "Delivery van",
                },
            ],
            "holdings": [
                {"subject": "p1", "asset": "flat", "relation": "owns", "share": 1},
                {"subject": "bv", "asset": "house", "relation": "owns", "share": 1},
                {"subject": "p1", "asset": "house", "relation": "beneficial_owner"},
                {"subject": "bv", "asset": "acc", "relation": "owns"},
                {"subject": "bv", "asset": "van", "relation": "owns"},
            ],
            "relations": [{"from": "p1", "to": "bv", "relation": "director_of"}],
        },
    ),
    (
        "FIOD",
        {
            "title": "[DEMO] Crypto-witwassen Testmunt Exchange",
            "national_reference": "DEMO-FIOD-0003",
            "crime_types": ["money_laundering", "cybercrime"],
            "offence_summary": "Fictional demo case. An invented unlicensed exchange converted "
            "criminal proceeds into crypto currency held through Singapore.",
            "max_penalty_years": 8,
            "legal_basis": {"type": "criminal_investigation", "reference": "DEMO-RC-FIOD-0003"},
            "urgency": "urgent",
            "requested_instrument": "notice",
            "target_countries": ["SG", "US", "GE"],
            "subjects": [
                {
                    "key": "p1",
                    "kind": "person",
                    "role": "suspect",
                    "full_name": "Demo Persoon Vijf",
                    "aliases": ["TestmuntKing"],
                    "date_of_birth": "1990-01-07",
                    "nationalities": ["NL"],
                    "residence_country": "SG",
                    "identifiers": [{"type": "passport", "value": "DEMOP0005", "country": "NL"}],
                },
                {
                    "key": "ex",
                    "kind": "organisation",
                    "role": "suspect",
                    "name": "Testmunt Exchange Pte Ltd",
                    "registration_number": "DEMO-SG-000005",
                    "jurisdiction": "SG",
                    "lei": lei("DEMO00TESTMUNTEX05"),
                },
            ],
            "assets": [
                {
                    "key": "btc",
                    "type": "crypto_wallet",
                    "currency": "BTC",
                    "address": btc_address("silver demo wallet btc 1"),
                    "estimated_value": _money("812000.00"),
                    "description": "Cold wallet",
                },
                {
                    "key": "eth",
                    "type": "crypto_wallet",
                    "currency": "ETH",
                    "address": eth_address("silver demo wallet eth 1"),
                    "estimated_value": _money("97000.00"),
                },
                {
                    "key": "acc-sg",
                    "type": "bank_account",
                    "account_number": "DEMO-000-555-0005",
                    "bic": "DEMOSGSGXXX",
                    "country": "SG",
                    "estimated_value": _money("150000.00", "SGD"),
                },
                {
                    "key": "watches",
                    "type": "cash_or_valuables",
                    "country": "SG",
                    "description": "Three luxury watches seen in a fictional social-media post",
                    "estimated_value": _money("120000.00"),
                },
            ],
            "holdings": [
                {"subject": "p1", "asset": "btc", "relation": "controls"},
                {"subject": "ex", "asset": "eth", "relation": "owns"},
                {"subject": "p1", "asset": "eth", "relation": "beneficial_owner"},
                {"subject": "ex", "asset": "acc-sg", "relation": "owns"},
                {"subject": "p1", "asset": "watches", "relation": "owns"},
            ],
            "relations": [
                {"from": "p1", "to": "ex", "relation": "beneficial_owner_of", "share": 0.75},
            ],
        },
    ),
    (
        "FIOD",
        {
            "title": "[DEMO] Faillissementsfraude Voorbeeld Trading",
            "national_reference": "DEMO-FIOD-0004",
            "crime_types": ["fraud", "money_laundering"],
            "offence_summary": "Fictional demo case. Before the bankruptcy of an invented trading "
            "company its stock and cash were moved to a London company.",
            "max_penalty_years": 6,
            "legal_basis": {"type": "criminal_investigation", "reference": "DEMO-RC-FIOD-0004"},
            "urgency": "normal",
            "requested_instrument": "diffusion",
            "target_countries": ["GB", "US"],
            "subjects": [
                {
                    "key": "p1",
                    "kind": "person",
                    "role": "suspect",
                    "full_name": "Demo Persoon Zes",
                    "date_of_birth": "1963-04-18",
                    "nationalities": ["NL", "GB"],
                    "residence_country": "GB",
                    "identifiers": [{"type": "passport", "value": "DEMOGB0006", "country": "GB"}],
                },
                {
                    "key": "trading",
                    "kind": "organisation",
                    "role": "suspect",
                    "name": "Voorbeeld Trading Ltd",
                    "registration_number": "DEMO-UK-00000006",
                    "jurisdiction": "GB",
                },
                {
                    "key": "bank",
                    "kind": "organisation",
                    "role": "third_party",
                    "justification": "The account-holding payment institution; named to identify "
                    "the account, not suspected.",
                    "name": "Fictief Payments Ltd",
                    "jurisdiction": "GB",
                },
            ],
            "assets": [
                {
                    "key": "acc",
                    "type": "bank_account",
                    "iban": iban("GB", "DEMO40000087654321"),
                    "country": "GB",
                    "estimated_value": _money("455000.00", "GBP"),
                },
                {
                    "key": "stock",
                    "type": "other",
                    "country": "GB",
                    "description": "Warehouse stock of fictional electronics",
                    "estimated_value": _money("210000.00", "GBP"),
                },
                {
                    "key": "plane",
                    "type": "aircraft",
                    "registration_mark": "N-DEMO6",
                    "country": "US",
                    "estimated_value": _money("1800000.00", "USD"),
                    "description": "Business jet",
                },
            ],
            "holdings": [
                {"subject": "trading", "asset": "acc", "relation": "owns"},
                {"subject": "bank", "asset": "acc", "relation": "controls"},
                {"subject": "trading", "asset": "stock", "relation": "owns"},
                {"subject": "p1", "asset": "plane", "relation": "uses"},
            ],
            "relations": [
                {"from": "p1", "to": "trading", "relation": "director_of"},
                {"from": "p1", "to": "trading", "relation": "shareholder_of", "share": 1},
            ],
        },
    ),
    (
        "OM",
        {
            "title": "[DEMO] Omkoping Fictieve Gemeente Voorbeeldstad",
            "national_reference": "DEMO-OM-0002",
            "crime_types": ["corruption"],
            "offence_summary": "Fictional demo case. An invented alderman accepted payments for "
            "building permits; the money bought property in Italy and Portugal.",
            "max_penalty_years": 6,
            "legal_basis": {"type": "criminal_investigation", "reference": "DEMO-RC-OM-0002"},
            "urgency": "normal",
            "requested_instrument": "notice",
            "target_countries": ["IT", "PT"],
            "subjects": [
                {
                    "key": "p1",
                    "kind": "person",
                    "role": "suspect",
                    "full_name": "Demo Persoon Zeven",
                    "date_of_birth": "1959-12-01",
                    "nationalities": ["NL"],
                    "residence_country": "NL",
                    "identifiers": [{"type": "passport", "value": "DEMOP0007", "country": "NL"}],
                },
                {
                    "key": "p2",
                    "kind": "person",
                    "role": "suspect",
                    "full_name": "Demo Persoon Acht",
                    "date_of_birth": "1966-07-23",
                    "nationalities": ["IT"],
                    "residence_country": "IT",
                },
            ],
            "assets": [
                {
                    "key": "apt",
                    "type": "real_estate",
                    "address": "Via Inventata 8, Lucca",
                    "cadastral_reference": "DEMO-IT-0008",
                    "country": "IT",
                    "estimated_value": _money("520000.00"),
                },
                {
                    "key": "quinta",
                    "type": "real_estate",
                    "address": "Rua Fictícia 7, Faro",
                    "country": "PT",
                    "estimated_value": _money("730000.00"),
                },
                {
                    "key": "car",
                    "type": "vehicle",
                    "vin": vin("ZZDEMC3D", "TC000707"),
                    "registration_plate": "DEMO-07",
                    "country": "NL",
                    "estimated_value": _money("64000.00"),
                },
            ],
            "holdings": [
                {"subject": "p1", "asset": "apt", "relation": "beneficial_owner"},
                {"subject": "p2", "asset": "apt", "relation": "owns", "share": 1},
                {"subject": "p1", "asset": "quinta", "relation": "owns", "share": 1},
                {"subject": "p1", "asset": "car", "relation": "owns"},
            ],
            "relations": [{"from": "p1", "to": "p2", "relation": "associate_of"}],
        },
    ),
    (
        "OM",
        {
            "title": "[DEMO] Illegale afvalhandel Voorbeeld Recycling",
            "national_reference": "DEMO-OM-0003",
            "crime_types": ["environmental_crime", "organised_crime"],
            "offence_summary": "Fictional demo case. Hazardous waste declared as recyclable "
            "plastic and shipped to invented sites in Poland and Kazakhstan.",
            "max_penalty_years": 6,
            "legal_basis": {"type": "conviction", "reference": "DEMO-VONNIS-OM-0003"},
            "urgency": "normal",
            "requested_instrument": "notice",
            "target_countries": ["PL", "KZ"],
            "subjects": [
                {
                    "key": "p1",
                    "kind": "person",
                    "role": "convicted",
                    "full_name": "Demo Persoon Negen",
                    "date_of_birth": "1977-02-28",
                    "nationalities": ["NL"],
                    "residence_country": "PL",
                    "identifiers": [{"type": "passport", "value": "DEMOP0009", "country": "NL"}],
                },
                {
                    "key": "rec",
                    "kind": "organisation",
                    "role": "convicted",
                    "name": "Voorbeeld Recycling Sp. z o.o.",
                    "registration_number": "DEMO-PL-0009",
                    "jurisdiction": "PL",
                },
            ],
            "assets": [
                {
                    "key": "acc",
                    "type": "bank_account",
                    "iban": iban("PL", "999900000000000000000009"),
                    "country": "PL",
                    "estimated_value": _money("260000.00", "PLN"),
                },
                {
                    "key": "ship",
                    "type": "vessel",
                    "imo": imo("100099"),
                    "name": "Demo Carrier",
                    "country": "PL",
                    "estimated_value": _money("900000.00"),
                },
                {
                    "key": "trucks",
                    "type": "other",
                    "country": "KZ",
                    "description": "Four fictional waste trucks",
                    "estimated_value": _money("180000.00"),
                },
            ],
            "holdings": [
                {"subject": "rec", "asset": "acc", "relation": "owns"},
                {"subject": "rec", "asset": "ship", "relation": "uses"},
                {"subject": "p1", "asset": "trucks", "relation": "controls"},
            ],
            "relations": [{"from": "p1", "to": "rec", "relation": "director_of"}],
        },
    ),
    (
        "POLITIE",
        {
            "title": "[DEMO] Cocaïne-import Haven Fictiestad",
            "national_reference": "DEMO-POL-0001",
            "crime_types": ["drug_trafficking", "organised_crime", "money_laundering"],
            "offence_summary": "Fictional demo case. Import of hard drugs hidden in invented fruit "
            "containers; proceeds invested in Spain and Dubai.",
            "max_penalty_years": 12,
            "legal_basis": {"type": "criminal_investigation", "reference": "DEMO-RC-POL-0001"},
            "urgency": "urgent",
            "requested_instrument": "notice",
            "target_countries": ["ES", "AE", "CN"],
            "subjects": [
                {
                    "key": "p1",
                    "kind": "person",
                    "role": "suspect",
                    "full_name": "Demo Persoon Tien",
                    "aliases": ["De Fictieve"],
                    "date_of_birth": "1985-10-10",
                    "nationalities": ["NL"],
                    "residence_country": "AE",
                    "identifiers": [{"type": "passport", "value": "DEMOP0010", "country": "NL"}],
                },
                {
                    "key": "p2",
                    "kind": "person",
                    "role": "suspect",
                    "full_name": "Demo Persoon Elf",
                    "date_of_birth": "1988-05-05",
                    "nationalities": ["ES"],
                    "residence_country": "ES",
                    "identifiers": [
                        {"type": "national_id", "value": "DEMO-ES-0011", "country": "ES"}
                    ],
                },
                {
                    "key": "fruit",
                    "kind": "organisation",
                    "role": "suspect",
                    "name": "Fictief Fruit Import FZE",
                    "registration_number": "DEMO-AE-0010",
                    "jurisdiction": "AE",
                },
            ],
            "assets": [
                {
                    "key": "acc-ae",
                    "type": "bank_account",
                    "iban": spaced(iban("AE", "9990000000000010010")),
                    "country": "AE",
                    "estimated_value": _money("1900000.00", "AED"),
                },
                {
                    "key": "tower",
                    "type": "real_estate",
                    "address": "Imaginary Tower 10, Dubai",
                    "country": "AE",
                    "estimated_value": _money("2100000.00", "AED"),
                },
                {
                    "key": "finca",
                    "type": "real_estate",
                    "address": "Camino Ficticio 11, Estepona",
                    "country": "ES",
                    "estimated_value": _money("880000.00"),
                },
                {
                    "key": "suv",
                    "type": "vehicle",
                    "vin": vin("ZZDEMD4E", "VD001010"),
                    "country": "AE",
                    "estimated_value": _money("160000.00"),
                },
                {
                    "key": "cash",
                    "type": "cash_or_valuables",
                    "country": "ES",
                    "description": "Cash found in a fictional safe",
                    "estimated_value": _money("350000.00"),
                },
            ],
            "holdings": [
                {"subject": "fruit", "asset": "acc-ae", "relation": "owns"},
                {"subject": "p1", "asset": "acc-ae", "relation": "controls"},
                {"subject": "p1", "asset": "tower", "relation": "owns", "share": 1},
                {"subject": "p2", "asset": "finca", "relation": "owns", "share": 1},
                {"subject": "p1", "asset": "suv", "relation": "uses"},
                {"subject": "p2", "asset": "cash", "relation": "owns"},
            ],
            "relations": [
                {"from": "p1", "to": "fruit", "relation": "beneficial_owner_of", "share": 1},
                {"from": "p1", "to": "p2", "relation": "associate_of"},
            ],
        },
    ),
    (
        "POLITIE",
        {
            "title": "[DEMO] Mensenhandel netwerk Voorbeeld Uitzendbureau",
            "national_reference": "DEMO-POL-0002",
            "crime_types": ["human_trafficking", "money_laundering"],
            "offence_summary": "Fictional demo case. An invented employment agency exploited "
            "workers; profits were moved to Georgia, Sweden and the UK.",
            "max_penalty_years": 12,
            "legal_basis": {"type": "criminal_investigation", "reference": "DEMO-RC-POL-0002"},
            "urgency": "normal",
            "requested_instrument": "notice",
            "target_countries": ["GE", "SE", "GB"],
            "contains_special_categories": True,
            "special_categories_justification": "Fictional: the suspect's biometric passport "
            "photograph is needed to identify him abroad.",
            "subjects": [
                {
                    "key": "p1",
                    "kind": "person",
                    "role": "suspect",
                    "full_name": "Demo Persoon Twaalf",
                    "date_of_birth": "1979-08-08",
                    "nationalities": ["GE"],
                    "residence_country": "NL",
                    "refugee_status": {"country_of_origin": "GE"},
                    "identifiers": [{"type": "other", "value": "DEMO-VRN-0012", "country": "NL"}],
                    "remarks": (
                        "Fictional: recognised refugee from Georgia (to show the refugee rule)."
                    ),
                },
                {
                    "key": "agency",
                    "kind": "organisation",
                    "role": "suspect",
                    "name": "Voorbeeld Uitzendbureau BV",
                    "registration_number": "DEMO-KVK-00000012",
                    "jurisdiction": "NL",
                },
            ],
            "assets": [
                {
                    "key": "acc-se",
                    "type": "bank_account",
                    "iban": iban("SE", "99900000000000000012"),
                    "country": "SE",
                    "estimated_value": _money("410000.00", "SEK"),
                },
                {
                    "key": "acc-nl",
                    "type": "bank_account",
                    "iban": _nl("DEMO", "000001212"),
                    "country": "NL",
                    "estimated_value": _money("93000.00"),
                },
                {
                    "key": "house",
                    "type": "real_estate",
                    "address": "Fictional Lane 12, Tbilisi",
                    "country": "GE",
                    "estimated_value": _money("150000.00", "USD"),
                },
            ],
            "holdings": [
                {"subject": "p1", "asset": "acc-se", "relation": "owns"},
                {"subject": "agency", "asset": "acc-nl", "relation": "owns"},
                {"subject": "p1", "asset": "house", "relation": "owns", "share": 1},
            ],
            "relations": [{"from": "p1", "to": "agency", "relation": "director_of"}],
        },
    ),
    (
        "POLITIE",
        {
            "title": "[DEMO] Helpdeskfraude Nepbank Voorbeeld",
            "national_reference": "DEMO-POL-0003",
            "crime_types": ["cybercrime", "fraud"],
            "offence_summary": "Fictional demo case. Invented callers posed as bank helpdesk staff "
            "and emptied accounts; the maximum penalty is below the pilot's "
            "threshold on purpose (to show the penalty rule).",
            "max_penalty_years": 4,
            "legal_basis": {"type": "criminal_investigation", "reference": "DEMO-RC-POL-0003"},
            "urgency": "normal",
            "requested_instrument": "diffusion",
            "target_countries": ["PL", "US"],
            "subjects": [
                {
                    "key": "p1",
                    "kind": "person",
                    "role": "suspect",
                    "full_name": "Demo Persoon Dertien",
                    "date_of_birth": "1996-03-03",
                    "nationalities": ["NL"],
                    "residence_country": "PL",
                    "identifiers": [{"type": "passport", "value": "DEMOP0013", "country": "NL"}],
                },
            ],
            "assets": [
                {
                    "key": "wallet",
                    "type": "crypto_wallet",
                    "currency": "ETH",
                    "address": eth_address("silver demo wallet eth 13").lower(),
                    "estimated_value": _money("45000.00"),
                },
                {
                    "key": "acc",
                    "type": "bank_account",
                    "iban": _nl("DEMO", "000001313"),
                    "country": "NL",
                    "estimated_value": _money("12500.00"),
                },
                {
                    "key": "car",
                    "type": "vehicle",
                    "registration_plate": "DEMO-13",
                    "country": "PL",
                    "estimated_value": _money("28000.00"),
                },
            ],
            "holdings": [
                {"subject": "p1", "asset": "wallet", "relation": "controls"},
                {"subject": "p1", "asset": "acc", "relation": "owns"},
                {"subject": "p1", "asset": "car", "relation": "uses"},
            ],
            "relations": [],
        },
    ),
]


# --- Loading ----------------------------------------------------------------------------------

# (username, role, agency). The first user is the marker: when it exists, the demo is loaded.
DEMO_USERS: tuple[tuple[str, str, str | None], ...] = (
    ("demo-fiod", Role.CASEWORKER.value, Agency.FIOD.value),
    ("demo-om", Role.CASEWORKER.value, Agency.OM.value),
    ("demo-politie", Role.CASEWORKER.value, Agency.POLITIE.value),
    ("demo-screener", Role.SCREENER.value, None),
    ("demo-screener2", Role.SCREENER.value, None),
    ("demo-evaluator", Role.EVALUATOR.value, None),
    ("demo-admin", Role.ADMIN.value, None),
)
MARKER_USER = DEMO_USERS[0][0]


class DemoServices(Protocol):
    """What the loader needs of the application's services (api.extensions.Services)."""

    @property
    def keys(self) -> KeyMaterial: ...

    def uow(self) -> AbstractUnitOfWork: ...


def load_demo(
    services: DemoServices,
    *,
    password: str,
    uow_factory: Callable[[], AbstractUnitOfWork] | None = None,
    prefix: str = "demo",
) -> list[str]:
    """Create the demo users and cases; return the numbers of the cases created.

    Idempotent by its marker user: when `demo-fiod` exists already, the demo counts as loaded
    and nothing is written (returns []). Creating that user is the claim, so two loaders
    running at once cannot both load (the username is unique). All bodies are validated first,
    so invalid demo data writes nothing; if a load is cut off later (the database went away),
    delete the demo users and their cases before loading again. Other demo users that exist
    already are reused when they have the right role and agency. Every user gets `password`;
    the cases are drafts, each proposed by its agency's demo caseworker. `prefix` replaces
    "demo" in the usernames (tests load their own copy).
    """
    new_uow = uow_factory or services.uow
    bodies = [(agency, validate_case_body(copy.deepcopy(body))) for agency, body in DEMO_CASES]
    users = [
        (username.replace("demo", prefix, 1), role, agency) for username, role, agency in DEMO_USERS
    ]
    marker, *others = users
    try:
        created = auth.create_user(*marker, password, new_uow())
    except Conflict:
        return []
    caseworkers: dict[str, User] = {Agency.FIOD.value: created}
    for username, role, agency in others:
        user = _ensure_user(username, role, agency, password, new_uow)
        if agency is not None:
            caseworkers[agency] = user
    return [
        intake.create_case(body, caseworkers[agency], new_uow(), services.keys).number
        for agency, body in bodies
    ]


def _ensure_user(
    username: str,
    role: str,
    agency: str | None,
    password: str,
    new_uow: Callable[[], AbstractUnitOfWork],
) -> User:
    try:
        return auth.create_user(username, role, agency, password, new_uow())
    except Conflict:
        with new_uow() as uow:
            user: User | None = uow.users.get(username)
    if user is None or user.role.value != role or (user.agency and user.agency.value) != agency:
        raise Conflict(
            f"user {username!r} exists already, but not as the demo's {role}"
            + (f" of {agency}" if agency else "")
        )
    return user
