"""Valid identifiers, computed: test data and benchmark loads, never the application.

Each generator computes the check digits of its scheme, so what it returns passes the API's
validation (IBAN, IMO, VIN, LEI and ISIN check digits, Bitcoin Base58Check and Ethereum
EIP-55 checksums). Bank codes such as DEMO or 999 belong to no bank, and the crypto addresses
are hashes of a seed, so no key exists for them. The demo data set
(`silver/data/demo_cases.json`) was written with these, and they are the way to make a valid
value for a new demo case.
"""

from __future__ import annotations

import hashlib

import base58

from silver.domain.identifiers import eip55_checksum, vin_check_digit

__all__ = [
    "be_bban",
    "btc_address",
    "es_bban",
    "eth_address",
    "iban",
    "imo",
    "isin",
    "lei",
    "nl_bban",
    "spaced",
    "vin",
]


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


def btc_address(seed: str) -> str:
    """A main-network P2PKH Bitcoin address (Base58Check) whose key hash is made from `seed`.

    No private key exists for it: the 20 bytes are a hash of the seed, not of a public key.
    """
    key_hash = hashlib.sha256(seed.encode()).digest()[:20]
    return base58.b58encode_check(b"\x00" + key_hash).decode("ascii")


def eth_address(seed: str) -> str:
    """An Ethereum address in its EIP-55 checksum spelling, made from `seed` (no key exists)."""
    return eip55_checksum("0x" + hashlib.sha256(seed.encode()).hexdigest()[:40])


def spaced(value: str, group: int = 4) -> str:
    """`value` in groups of `group` characters, as people write IBANs on paper."""
    return " ".join(value[i : i + group] for i in range(0, len(value), group))
