"""Validating normalisers for the identifiers of subjects and assets.

Every ``normalise_*`` function takes the raw text a caseworker typed and returns the canonical
form, or raises :class:`InvalidIdentifier` with a short sentence the caseworker can act on.
The canonical form is the input of the keyed blind index used to match identifiers across
cases, so two spellings of the same identifier always normalise to the same string.

All functions first apply Unicode NFKC (full-width digits become ASCII digits) and drop white
space and invisible format characters (such as zero-width spaces) copied along with the value.

Canonical forms:

* IBAN: compact upper case, ``NL91ABNA0417164300``.
* BIC: compact upper case; a primary-office BIC11 ending in ``XXX`` is shortened to its BIC8
  (``ABNANL2AXXX`` -> ``ABNANL2A``) because both name the same institution.
* LEI: 20 upper-case characters.  ISIN: 12 upper-case characters.
* IMO: ``IMO`` followed by the 7 digits, without a space: ``IMO9074729``.
* VIN: 17 upper-case characters.
* Crypto addresses: see :func:`normalise_crypto_address`; the checksums of Bitcoin and
  Ethereum addresses are in :mod:`silver.domain.crypto_addresses`.
* Country: ISO 3166-1 alpha-2, upper case.  Currency: ISO 4217 alpha-3, upper case.
* Other identifiers (passport, national id, tax id, registration numbers, plates, cadastral
  references, aircraft registration marks): see :func:`normalise_generic`.

Messages never repeat the identifier itself, so they are safe to log.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import pycountry
from stdnum import bic as _stdnum_bic
from stdnum import imo as _stdnum_imo
from stdnum import isin as _stdnum_isin
from stdnum import numdb
from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.iso7064 import mod_97_10
from stdnum.nl import bsn as _stdnum_bsn
from stdnum.util import get_cc_module

from silver.domain import crypto_addresses
from silver.domain.crypto_addresses import keccak256

__all__ = [
    "GENERIC_KINDS",
    "IDENTIFIER_KINDS",
    "SUPPORTED_CRYPTO",
    "InvalidIdentifier",
    "eip55_checksum",
    "is_bsn",
    "keccak256",
    "normalise",
    "normalise_bic",
    "normalise_country",
    "normalise_crypto_address",
    "normalise_crypto_currency",
    "normalise_currency",
    "normalise_generic",
    "normalise_iban",
    "normalise_imo",
    "normalise_isin",
    "normalise_lei",
    "normalise_vin",
    "vin_check_digit",
]


class InvalidIdentifier(ValueError):
    """An identifier failed validation; ``str(exc)`` is a sentence for the caseworker."""


def _prepare(v: object, label: str) -> str:
    if not isinstance(v, str):
        raise InvalidIdentifier(f"{label} must be given as text")
    v = unicodedata.normalize("NFKC", v)
    return "".join(ch for ch in v if not ch.isspace() and unicodedata.category(ch) != "Cf")


def _compact(v: object, label: str, separators: str = "") -> str:
    v = _prepare(v, label)
    v = "".join(ch for ch in v if ch not in separators and unicodedata.category(ch) != "Pd").upper()
    if not v:
        raise InvalidIdentifier(f"{label} is empty")
    return v


_ALNUM = re.compile(r"[A-Z0-9]+")


# --- IBAN -------------------------------------------------------------------------------------

_IBAN_DB = numdb.get("iban")
_IBAN_STRUCT = re.compile(r"([1-9][0-9]*)!([nac])")
_IBAN_CLASSES = {"n": "[0-9]", "a": "[A-Z]", "c": "[A-Z0-9]"}


def _iban_bban_pattern(structure: str) -> tuple[int, re.Pattern[str]]:
    parts = _IBAN_STRUCT.findall(structure)
    length = sum(int(n) for n, _ in parts)
    pattern = "".join(f"{_IBAN_CLASSES[c]}{{{n}}}" for n, c in parts)
    return length, re.compile(pattern)


def normalise_iban(v: str) -> str:
    """Normalise an IBAN to its compact upper-case form.

    Checks, in order: letters and digits only, a country that uses IBAN, the length for that
    country, the ISO 7064 mod 97-10 checksum, the account format of that country and, where
    python-stdnum knows them (BE, ES, ME, NO), the national check digits.  A bank code that is
    missing from stdnum's bank list is not an error: those lists go stale.
    """
    number = _compact(v, "IBAN", ".")
    if not _ALNUM.fullmatch(number):
        raise InvalidIdentifier("IBAN may contain only letters and digits")
    if len(number) < 5 or not number[:2].isalpha() or not number[2:4].isdigit():
        raise InvalidIdentifier(
            "IBAN must start with a two-letter country code and two check digits"
        )
    country = number[:2]
    info = _IBAN_DB.info(number)[0][1]
    if "bban" not in info:
        raise InvalidIdentifier(f"IBAN country code {country} is not a country that uses IBAN")
    length, bban = _iban_bban_pattern(info["bban"])
    if len(number) != length + 4:
        raise InvalidIdentifier(
            f"IBAN for {country} must be {length + 4} characters, not {len(number)}"
        )
    if not mod_97_10.is_valid(number[4:] + number[:4]):
        raise InvalidIdentifier("IBAN checksum does not match")
    if not bban.fullmatch(number[4:]):
        raise InvalidIdentifier(f"IBAN account part does not have the format used in {country}")
    module = get_cc_module(country.lower(), "iban")
    if module is not None:
        try:
            module.validate(number)
        except InvalidChecksum:
            raise InvalidIdentifier(
                f"IBAN national check digits for {country} do not match"
            ) from None
        except ValidationError:
            pass
    return number


# --- BIC --------------------------------------------------------------------------------------

_BIC = re.compile(r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?")


def normalise_bic(v: str) -> str:
    """Normalise a BIC (ISO 9362, SWIFT code); ``...XXX`` becomes the 8-character BIC."""
    number = _compact(v, "BIC")
    if len(number) not in (8, 11):
        raise InvalidIdentifier("BIC must be 8 or 11 characters")
    if not _BIC.fullmatch(number):
        raise InvalidIdentifier(
            "BIC must be 4 letters for the bank, 2 letters for the country, "
            "2 letters or digits for the location and optionally 3 for the branch"
        )
    try:
        _stdnum_bic.validate(number)
    except ValidationError:
        raise InvalidIdentifier(f"BIC country code {number[4:6]} is not a known country") from None
    if number.endswith("XXX"):
        number = number[:8]
    return number


# --- LEI and ISIN -----------------------------------------------------------------------------

_LEI = re.compile(r"[A-Z0-9]{18}[0-9]{2}")


def normalise_lei(v: str) -> str:
    """Normalise an ISO 17442 Legal Entity Identifier (20 characters, mod 97-10 checksum)."""
    number = _compact(v, "LEI")
    if len(number) != 20:
        raise InvalidIdentifier("LEI must be 20 characters")
    if not _LEI.fullmatch(number):
        raise InvalidIdentifier("LEI must be 18 letters or digits followed by 2 check digits")
    if not mod_97_10.is_valid(number):
        raise InvalidIdentifier("LEI checksum does not match")
    return number


_ISIN = re.compile(r"[A-Z]{2}[A-Z0-9]{9}[0-9]")


def normalise_isin(v: str) -> str:
    """Normalise an ISO 6166 ISIN (12 characters, Luhn check digit over the letter values)."""
    number = _compact(v, "ISIN")
    if len(number) != 12:
        raise InvalidIdentifier("ISIN must be 12 characters")
    if not _ISIN.fullmatch(number):
        raise InvalidIdentifier(
            "ISIN must be a 2-letter country code, 9 letters or digits and a check digit"
        )
    if _stdnum_isin.calc_check_digit(number[:-1]) != number[-1]:
        raise InvalidIdentifier("ISIN check digit does not match")
    try:
        _stdnum_isin.validate(number)
    except ValidationError:
        raise InvalidIdentifier(f"ISIN prefix {number[:2]} is not a known country code") from None
    return number


# --- IMO --------------------------------------------------------------------------------------


def normalise_imo(v: str) -> str:
    """Normalise an IMO ship identification number to ``IMO`` + 7 digits (``IMO9074729``).

    Accepts the number with or without the ``IMO`` prefix, in any case and with spaces,
    dashes, dots or a colon (``imo: 9074729``, ``IMO 9074729``, ``9074729``).
    """
    number = _compact(v, "IMO number", ".:")
    if number.startswith("IMO"):
        number = number[3:]
    if len(number) != 7 or not number.isascii() or not number.isdigit():
        raise InvalidIdentifier("IMO number must be 7 digits with a valid check digit")
    if _stdnum_imo.calc_check_digit(number[:6]) != number[6]:
        raise InvalidIdentifier("IMO number check digit does not match")
    return "IMO" + number


# --- VIN --------------------------------------------------------------------------------------

_VIN_VALUES = dict(zip("0123456789", range(10), strict=True)) | dict(
    zip(
        "ABCDEFGHJKLMNPRSTUVWXYZ",
        (1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9),
        strict=True,
    )
)
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
# The first characters (world manufacturer regions) whose VINs must carry the check digit.
VIN_CHECK_DIGIT_REGIONS = frozenset("12345L")


def vin_check_digit(vin: str) -> str:
    """The North American check digit (position 9) of a 17-character VIN: ``0``-``9`` or ``X``."""
    total = sum(_VIN_VALUES[ch] * w for ch, w in zip(vin, _VIN_WEIGHTS, strict=True))
    return "X" if total % 11 == 10 else str(total % 11)


def normalise_vin(v: str, *, require_check_digit: bool = True) -> str:
    """Normalise a Vehicle Identification Number (ISO 3779) to 17 upper-case characters.

    A VIN has 17 letters and digits and never contains I, O or Q.  The 9th character is a
    check digit only where it is mandatory: North America (49 CFR 565, a first character 1-5)
    and China (GB 16735, first character L).  ISO 3779 does not require one, and European
    manufacturers put another letter or digit there (`WVWZZZ1KZAW000001`), so elsewhere it is
    not checked (CONTRACT.md, "Cases").  Data that is normalised only to be matched (reference
    data) passes ``require_check_digit=False``: the canonical form is the same.
    """
    number = _compact(v, "VIN")
    if not _ALNUM.fullmatch(number):
        raise InvalidIdentifier("VIN may contain only letters and digits")
    if any(ch in "IOQ" for ch in number):
        raise InvalidIdentifier(
            "VIN never contains the letters I, O or Q; these are usually the digits 1 and 0"
        )
    if len(number) != 17:
        raise InvalidIdentifier(f"VIN must be 17 characters, not {len(number)}")
    mandatory = require_check_digit and number[0] in VIN_CHECK_DIGIT_REGIONS
    if mandatory and vin_check_digit(number) != number[8]:
        raise InvalidIdentifier("VIN check digit (the 9th character) does not match")
    return number


# --- Ethereum's EIP-55 ---------------------------------------------------------------------------


def eip55_checksum(address: str) -> str:
    """The EIP-55 mixed-case spelling of an Ethereum address (``0x`` + 40 hex digits)."""
    address = _prepare(address, "Ethereum address")
    if not crypto_addresses.ETH_ADDRESS.fullmatch(address):
        raise InvalidIdentifier("Ethereum address must be 0x followed by 40 hexadecimal characters")
    return crypto_addresses.eip55_spelling(address[2:])


# --- Crypto currencies ------------------------------------------------------------------------

SUPPORTED_CRYPTO: frozenset[str] = frozenset(
    {
        "BTC",
        "ETH",
        "ADA",
        "AVAX",
        "BCH",
        "BNB",
        "DAI",
        "DASH",
        "DOGE",
        "DOT",
        "LTC",
        "MATIC",
        "POL",
        "SOL",
        "TON",
        "TRX",
        "USDC",
        "USDT",
        "XLM",
        "XMR",
        "XRP",
        "ZEC",
    }
)
"""Cryptocurrency codes accepted by :func:`normalise_crypto_address` (upper case)."""

_PLAUSIBLE_ADDRESS = re.compile(r"[A-Za-z0-9:_-]{20,256}")


def normalise_crypto_currency(v: str) -> str:
    """Normalise a cryptocurrency code to upper case; it must be in :data:`SUPPORTED_CRYPTO`."""
    code = _prepare(v, "Cryptocurrency").upper()
    if not code:
        raise InvalidIdentifier("Cryptocurrency is empty")
    if code not in SUPPORTED_CRYPTO:
        raise InvalidIdentifier(
            "Cryptocurrency is not supported; use one of " + ", ".join(sorted(SUPPORTED_CRYPTO))
        )
    return code


def normalise_crypto_address(currency: str, address: str) -> str:
    """Normalise a wallet address for the given cryptocurrency.

    * BTC: a main-network address.  Base58Check P2PKH (``1...``, version byte 0x00) and P2SH
      (``3...``, 0x05) addresses keep their case, which is significant.  Segwit addresses
      (``bc1...``) follow BIP-173 and BIP-350: bech32 for witness version 0 with a 20 or
      32-byte program, bech32m for versions 1 to 16 (taproot is ``bc1p...``) with a 2 to 40-byte
      program; they are returned in lower case.
    * ETH: ``0x`` and 40 hexadecimal digits.  An address in mixed case must carry a valid
      EIP-55 checksum; all-lower or all-upper case carries none.  Returned in lower case.
    * Any other supported currency: an address of the form ``0x`` + 40 hex digits (an EVM
      address: tokens, BNB Smart Chain, Avalanche C-chain, Polygon) is checked and
      lower-cased as for ETH.  Otherwise only plausibility is checked: 20 to 256 ASCII letters,
      digits, ``:``, ``_`` or ``-``, returned as typed (without white space), since base58
      addresses are case-sensitive.

    An unsupported currency code is an error.
    """
    code = normalise_crypto_currency(currency)
    value = _prepare(address, "Wallet address")
    if not value:
        raise InvalidIdentifier("Wallet address is empty")
    try:
        if code == "BTC":
            return crypto_addresses.normalise_btc(value)
        if code == "ETH" or (value[:2].lower() == "0x" and len(value) == 42):
            return crypto_addresses.normalise_eth(value)
    except crypto_addresses.InvalidAddress as err:
        raise InvalidIdentifier(str(err)) from None
    if not _PLAUSIBLE_ADDRESS.fullmatch(value):
        raise InvalidIdentifier(f"{code} wallet address must be 20 to 256 letters and digits")
    return value


# --- Countries and currencies -----------------------------------------------------------------

_COUNTRY_HINTS = {"UK": "GB", "EL": "GR"}


def normalise_country(v: str) -> str:
    """Normalise an ISO 3166-1 alpha-2 country code to upper case.

    ``XK`` (Kosovo) is accepted although it is a user-assigned code that pycountry lacks: the
    EU and the IBAN and BIC registries use it.  ``UK`` and ``EL`` are refused with a hint to use
    ``GB`` and ``GR``; three-letter codes are refused with a hint to the two-letter code.
    """
    code = _prepare(v, "Country").upper()
    if not code:
        raise InvalidIdentifier("Country is empty")
    if code in _COUNTRY_HINTS:
        raise InvalidIdentifier(
            f"{code} is not an ISO 3166 country code; use {_COUNTRY_HINTS[code]}"
        )
    if code == "XK":
        return code
    if len(code) == 3 and code.isascii() and code.isalpha():
        country = pycountry.countries.get(alpha_3=code)
        if country is not None:
            raise InvalidIdentifier(
                f"Country must be a two-letter ISO 3166 code; use {country.alpha_2}"
            )
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        raise InvalidIdentifier("Country must be a two-letter ISO 3166 code")
    if pycountry.countries.get(alpha_2=code) is None:
        raise InvalidIdentifier(f"{code} is not an ISO 3166 country code")
    return code


def normalise_currency(v: str) -> str:
    """Normalise an ISO 4217 currency code (``eur`` -> ``EUR``)."""
    code = _prepare(v, "Currency").upper()
    if not code:
        raise InvalidIdentifier("Currency is empty")
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        raise InvalidIdentifier("Currency must be a three-letter ISO 4217 code")
    if pycountry.currencies.get(alpha_3=code) is None:
        raise InvalidIdentifier(f"{code} is not an ISO 4217 currency code")
    return code


# --- Generic identifiers ----------------------------------------------------------------------


def normalise_generic(v: str, *, label: str = "Identifier") -> str:
    """Normalise a free-form identifier without a checksum.

    Used for passport, national id and tax id numbers, company registration numbers, licence
    plates, cadastral references and aircraft registration marks.  Upper-cases the value and
    removes white space, dots, slashes and dashes of every kind (``ab-12.3/4`` -> ``AB1234``),
    so typing variants match.  ``label`` names the identifier in the error message.
    """
    value = _prepare(v, label).upper()
    value = unicodedata.normalize("NFKC", value)
    value = "".join(
        ch
        for ch in value
        if ch not in "./" and not ch.isspace() and unicodedata.category(ch) not in ("Pd", "Cf")
    )
    if not value:
        raise InvalidIdentifier(f"{label} must contain at least one letter or digit")
    if not value.isprintable():
        raise InvalidIdentifier(f"{label} contains control characters")
    return value


# --- Dispatch ---------------------------------------------------------------------------------

_GENERIC_LABELS = {
    "passport": "Passport number",
    "national_id": "National identity number",
    "tax_id": "Tax identification number",
    "other": "Identifier",
    "registration_number": "Registration number",
    "registration_plate": "Registration plate",
    "registration_mark": "Aircraft registration mark",
    "cadastral_reference": "Cadastral reference",
}
GENERIC_KINDS: frozenset[str] = frozenset(_GENERIC_LABELS)

_CHECKED: dict[str, Callable[[str], str]] = {
    "iban": normalise_iban,
    "bic": normalise_bic,
    "lei": normalise_lei,
    "isin": normalise_isin,
    "imo": normalise_imo,
    "vin": normalise_vin,
}
IDENTIFIER_KINDS: frozenset[str] = frozenset({*_CHECKED, "crypto", *GENERIC_KINDS})


def normalise(kind: str, value: str, *, currency: str | None = None) -> str:
    """Normalise ``value`` as an identifier of ``kind`` (one of :data:`IDENTIFIER_KINDS`).

    ``currency`` is required for ``crypto`` and ignored otherwise.  The result does not name
    the kind, and generic kinds share one normalisation, so a blind index over it should be
    keyed on the kind as well.
    """
    if kind in _CHECKED:
        return _CHECKED[kind](value)
    if kind in _GENERIC_LABELS:
        return normalise_generic(value, label=_GENERIC_LABELS[kind])
    if kind == "crypto":
        if currency is None:
            raise InvalidIdentifier("Cryptocurrency is required for a wallet address")
        return normalise_crypto_address(currency, value)
    raise InvalidIdentifier("Unknown identifier type")


# --- BSN --------------------------------------------------------------------------------------

_BSN = re.compile(r"[0-9]{9}")


def is_bsn(digits: str) -> bool:
    """Whether ``digits`` is a Dutch citizen service number (BSN).

    Exactly 9 ASCII digits, no separators, not all zero, passing the eleven test
    (``9*d1 + 8*d2 + ... + 2*d8 - 1*d9`` divisible by 11: python-stdnum's ``nl.bsn``, the one
    definition of the test in Silver). The format is checked here first because stdnum is more
    lenient: it drops separators and pads a number of 8 digits with a leading zero.
    """
    if not isinstance(digits, str) or not _BSN.fullmatch(digits) or digits == "000000000":
        return False
    return bool(_stdnum_bsn.is_valid(digits))
