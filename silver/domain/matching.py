"""What makes two records the same subject or asset: their matching keys.

A matching key is a (kind, value) pair of normalised text. The graph never holds the value:
it holds the keyed blind index of the pair (`silver.domain.blind_index`), on a shared
`Identifier` node, so two cases, or a case and a reference entity, that know the same key meet
at one node. The same functions key case data and reference data, so the two sides can never
disagree on a key.

Identifiers (score 1.0), and what each is keyed with:

* `passport`, `national_id`, `tax_id`, `other`: the issuing country and the number. Equal
  numbers from two countries are two people, so without the issuing country there is no key.
* `registration_number`: the jurisdiction and the number (no jurisdiction, no key).
* `lei`, `iban`, `vin`, `imo`, `registration_mark` (aircraft, whose mark carries its
  country's prefix): the value, which is global.
* `account`: the bank (BIC8) and its account number.
* `registration_plate`: the registration country and the plate; plates repeat across
  countries, so without the registration country there is no key.
* `cadastral_reference`: the country and the parcel (land registries are national).
* `crypto`: the address alone, so one address is one wallet whatever token it holds (ETH and
  USDT at the same 0x address).
* `isin`: it identifies a listed security, not a holding of it. It matches the reference
  `Security`, but it does not link two cases that both hold a listed share.

Names (lower scores; kept only as blind indexes, never in plaintext):

* `person_name_dob`: the normalised name and the date of birth (score 0.9).
* `person_name_year`: the normalised name and the year of birth (0.6).
* `org_name`: the normalised name without legal-form words, and the jurisdiction (0.8).

A name is normalised with rigour (the name handling of FollowTheMoney and OpenSanctions):
transliterated to ASCII, case and punctuation folded, honorifics dropped, and its words sorted,
so `ZILVÉRBERG, Jan` and `Jan Zilverberg` give one key; organisations also lose their
legal-form words (`B.V.`, `Ltd`, `Limited`, `S.A.`, `GmbH` ...). Every alias gives keys too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from rigour.names import remove_org_types, remove_person_prefixes
from rigour.text import ascii_text
from rigour.text.normalize import Cleanup, Normalize, normalize

from silver.domain import identifiers

MatchKey = tuple[str, str]
FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
YEAR = re.compile(r"\d{4}(-\d{2}){0,2}$")

PERSON_ID_KINDS = ("passport", "national_id", "tax_id", "other")
IDENTIFIER_KINDS = frozenset(
    {
        *PERSON_ID_KINDS,
        "registration_number",
        "lei",
        "iban",
        "account",
        "vin",
        "imo",
        "registration_plate",
        "registration_mark",
        "cadastral_reference",
        "crypto",
        "isin",
    }
)
# An identifier of a thing many hold (a listed share's ISIN) says nothing about two cases.
LINKING_KINDS = IDENTIFIER_KINDS - {"isin"}
NAME_SCORES = {"person_name_dob": 0.9, "org_name": 0.8, "person_name_year": 0.6}
NAME_KINDS = frozenset(NAME_SCORES)
BASES = {
    "person_name_dob": "name_and_birth_date",
    "person_name_year": "name_and_birth_year",
    "org_name": "name_and_jurisdiction",
}


def score(kind: str) -> float:
    return NAME_SCORES.get(kind, 1.0)


def basis(kind: str) -> str:
    """How a match was made, in the words of the API: `identifier`, `name_and_birth_date`..."""
    return BASES.get(kind, "identifier")


def _words(name: str) -> list[str]:
    text = normalize(ascii_text(name), Normalize.CASEFOLD, Cleanup.Strong) or ""
    return text.split()


def person_name_key(name: str | None) -> str | None:
    """A person's name with case, diacritics, punctuation, honorifics and word order folded."""
    if not name:
        return None
    words = remove_person_prefixes(" ".join(_words(name))).split()
    return " ".join(sorted(words)) or None


def org_name_key(name: str | None) -> str | None:
    """An organisation's name folded like a person's, without its legal-form words."""
    if not name:
        return None
    words = remove_org_types(" ".join(_words(name))).split()
    return " ".join(sorted(words)) or None


def subject_keys(subject: Mapping[str, Any]) -> Iterator[MatchKey]:
    """The matching keys of a subject whose identifying values are canonical (validated)."""
    for ident in subject.get("identifiers") or []:
        if ident.get("country") and ident.get("value"):
            yield ident["type"], f"{ident['country']}:{ident['value']}"
    if subject.get("registration_number") and subject.get("jurisdiction"):
        yield "registration_number", f"{subject['jurisdiction']}:{subject['registration_number']}"
    if subject.get("lei"):
        yield "lei", subject["lei"]
    if subject.get("kind") == "person":
        born = str(subject.get("date_of_birth") or "")
        # A full date gives both keys; a year (or year and month, as published data often
        # has it) only the weaker one.
        full, year = bool(FULL_DATE.fullmatch(born)), born[:4] if YEAR.match(born) else None
        if year:
            for name in (subject.get("full_name"), *(subject.get("aliases") or ())):
                key = person_name_key(name)
                if key:
                    if full:
                        yield "person_name_dob", f"{key}|{born}"
                    yield "person_name_year", f"{key}|{year}"
    elif subject.get("kind") == "organisation" and subject.get("jurisdiction"):
        key = org_name_key(subject.get("name"))
        if key:
            yield "org_name", f"{key}|{subject['jurisdiction']}"


def asset_keys(asset: Mapping[str, Any]) -> Iterator[MatchKey]:
    """The matching keys of an asset whose identifying values are canonical (validated)."""
    if asset.get("iban"):
        yield "iban", asset["iban"]
    if asset.get("account_number") and asset.get("bic"):
        yield "account", f"{asset['bic'][:8]}/{asset['account_number']}"
    if asset.get("vin"):
        yield "vin", asset["vin"]
    if asset.get("imo"):
        yield "imo", asset["imo"]
    if asset.get("registration_plate") and asset.get("registration_country"):
        yield "registration_plate", f"{asset['registration_country']}:{asset['registration_plate']}"
    if asset.get("registration_mark"):
        yield "registration_mark", asset["registration_mark"]
    if asset.get("cadastral_reference") and asset.get("country"):
        yield "cadastral_reference", f"{asset['country']}:{asset['cadastral_reference']}"
    if asset.get("type") == "crypto_wallet" and asset.get("address") and asset.get("currency"):
        address = _crypto_address(asset["currency"], asset["address"])
        if address:
            yield "crypto", address
    if asset.get("isin"):
        yield "isin", asset["isin"]


def _crypto_address(currency: str, address: str) -> str | None:
    """The address as the key holds it (EVM addresses in lower case); None when invalid."""
    try:
        return identifiers.normalise_crypto_address(currency, address)
    except identifiers.InvalidIdentifier:
        return None


def unique(keys: Iterator[MatchKey]) -> list[MatchKey]:
    """Keys in order, each once (a name and an alias can fold to the same key)."""
    return list(dict.fromkeys(keys))
