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
* Crypto addresses: see :func:`normalise_crypto_address`.
* Country: ISO 3166-1 alpha-2, upper case.  Currency: ISO 4217 alpha-3, upper case.
* Other identifiers (passport, national id, tax id, registration numbers, plates, cadastral
  references, aircraft registration marks): see :func:`normalise_generic`.

Messages never repeat the identifier itself, so they are safe to log.
"""

from __future__ import annotations

import hashlib
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
from stdnum.util import get_cc_module

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


def vin_check_digit(vin: str) -> str:
    """The North American check digit (position 9) of a 17-character VIN: ``0``-``9`` or ``X``."""
    total = sum(_VIN_VALUES[ch] * w for ch, w in zip(vin, _VIN_WEIGHTS, strict=True))
    return "X" if total % 11 == 10 else str(total % 11)


def normalise_vin(v: str, *, require_check_digit: bool = True) -> str:
    """Normalise a Vehicle Identification Number (ISO 3779) to 17 upper-case characters.

    A VIN has 17 letters and digits and never contains I, O or Q.  The 9th character is a
    check digit in North America (49 CFR 565) and China, but ISO 3779 does not require one and
    many European manufacturers put another letter or digit there, so a genuine European VIN
    can fail this check.  CONTRACT.md asks for VIN check-digit validation, so it is on by
    default; callers that must accept such vehicles pass ``require_check_digit=False``.
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
    if require_check_digit and vin_check_digit(number) != number[8]:
        raise InvalidIdentifier("VIN check digit (the 9th character) does not match")
    return number


# --- Keccak-256 and EIP-55 --------------------------------------------------------------------

_MASK64 = (1 << 64) - 1
_KECCAK_RC = (
    0x0000000000000001,
    0x0000000000008082,
    0x800000000000808A,
    0x8000000080008000,
    0x000000000000808B,
    0x0000000080000001,
    0x8000000080008081,
    0x8000000000008009,
    0x000000000000008A,
    0x0000000000000088,
    0x0000000080008009,
    0x000000008000000A,
    0x000000008000808B,
    0x800000000000008B,
    0x8000000000008089,
    0x8000000000008003,
    0x8000000000008002,
    0x8000000000000080,
    0x000000000000800A,
    0x800000008000000A,
    0x8000000080008081,
    0x8000000000008080,
    0x0000000080000001,
    0x8000000080008008,
)
_KECCAK_ROT = (
    0,
    1,
    62,
    28,
    27,
    36,
    44,
    6,
    55,
    20,
    3,
    10,
    43,
    25,
    39,
    41,
    45,
    15,
    21,
    8,
    18,
    2,
    61,
    56,
    14,
)
_KECCAK_PI = tuple((i // 5) + 5 * ((2 * (i % 5) + 3 * (i // 5)) % 5) for i in range(25))


def _rol64(v: int, n: int) -> int:
    return ((v << n) | (v >> (64 - n))) & _MASK64


def _keccak_f1600(a: list[int]) -> list[int]:
    """The Keccak-f[1600] permutation on 25 little-endian 64-bit lanes, ``a[x + 5 * y]``."""
    for rc in _KECCAK_RC:
        c = [a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20] for x in range(5)]
        d = [c[(x - 1) % 5] ^ _rol64(c[(x + 1) % 5], 1) for x in range(5)]
        b = [0] * 25
        for i in range(25):
            b[_KECCAK_PI[i]] = _rol64(a[i] ^ d[i % 5], _KECCAK_ROT[i])
        a = [b[i] ^ (~b[(i + 1) % 5 + i - i % 5] & b[(i + 2) % 5 + i - i % 5]) for i in range(25)]
        a[0] ^= rc
    return a


def _keccak_sponge(data: bytes, rate: int, suffix: int, length: int) -> bytes:
    padded = bytearray(data)
    padded.append(suffix)
    padded.extend(bytes(-len(padded) % rate))
    padded[-1] |= 0x80
    state = [0] * 25
    for offset in range(0, len(padded), rate):
        for i in range(rate // 8):
            start = offset + 8 * i
            state[i] ^= int.from_bytes(padded[start : start + 8], "little")
        state = _keccak_f1600(state)
    out = b"".join(lane.to_bytes(8, "little") for lane in state[: rate // 8])
    return out[:length]


def keccak256(data: bytes) -> bytes:
    """Keccak-256 as used by Ethereum: original Keccak padding, not FIPS 202 SHA3-256."""
    return _keccak_sponge(bytes(data), 136, 0x01, 32)


_ETH = re.compile(r"0[xX][0-9a-fA-F]{40}")


def eip55_checksum(address: str) -> str:
    """The EIP-55 mixed-case spelling of an Ethereum address (``0x`` + 40 hex digits)."""
    address = _prepare(address, "Ethereum address")
    if not _ETH.fullmatch(address):
        raise InvalidIdentifier("Ethereum address must be 0x followed by 40 hexadecimal characters")
    body = address[2:].lower()
    digest = keccak256(body.encode("ascii")).hex()[:40]
    return "0x" + "".join(
        ch.upper() if int(h, 16) >= 8 else ch for ch, h in zip(body, digest, strict=True)
    )


def _normalise_eth(address: str) -> str:
    if address[:2].lower() != "0x" or len(address) != 42:
        raise InvalidIdentifier("Ethereum address must be 0x followed by 40 hexadecimal characters")
    if not _ETH.fullmatch(address):
        raise InvalidIdentifier(
            "Ethereum address may contain only the hexadecimal characters 0-9 and a-f after 0x"
        )
    body = address[2:]
    if body != body.lower() and body != body.upper() and eip55_checksum(address) != ("0x" + body):
        raise InvalidIdentifier(
            "Ethereum address capitalisation does not match its EIP-55 checksum; "
            "check it for typing errors"
        )
    return "0x" + body.lower()


# --- Bitcoin ----------------------------------------------------------------------------------

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_VALUES = {ch: i for i, ch in enumerate(_B58_ALPHABET)}
_BECH32_ALPHABET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_VALUES = {ch: i for i, ch in enumerate(_BECH32_ALPHABET)}
_BECH32_CONST = 1
_BECH32M_CONST = 0x2BC830A3
_BECH32_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _b58decode(s: str) -> bytes:
    n = 0
    for ch in s:
        n = n * 58 + _B58_VALUES[ch]
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes(len(s) - len(s.lstrip("1"))) + body


def _bech32_polymod(values: list[int]) -> int:
    chk = 1
    for value in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ value
        for i, gen in enumerate(_BECH32_GEN):
            if (top >> i) & 1:
                chk ^= gen
    return chk


def _bech32_hrp_expand(hrp: str) -> list[int]:
    return [ord(ch) >> 5 for ch in hrp] + [0] + [ord(ch) & 31 for ch in hrp]


def _convert_5_to_8(data: list[int]) -> bytes | None:
    acc = bits = 0
    out = bytearray()
    for value in data:
        acc = ((acc << 5) | value) & 0xFFF
        bits += 5
        if bits >= 8:
            bits -= 8
            out.append((acc >> bits) & 0xFF)
    if bits >= 5 or (acc << (8 - bits)) & 0xFF:
        return None
    return bytes(out)


def _normalise_btc_base58(address: str) -> str:
    if any(ch not in _B58_VALUES for ch in address):
        raise InvalidIdentifier(
            "Bitcoin address contains characters that Bitcoin addresses never use "
            "(0, O, I, l or punctuation)"
        )
    raw = _b58decode(address)
    if len(raw) != 25:
        raise InvalidIdentifier("Bitcoin address has the wrong length")
    if hashlib.sha256(hashlib.sha256(raw[:21]).digest()).digest()[:4] != raw[21:]:
        raise InvalidIdentifier("Bitcoin address checksum does not match")
    if raw[0] not in (0x00, 0x05):
        raise InvalidIdentifier(
            "Bitcoin address is not a main-network P2PKH (1...) or P2SH (3...) address"
        )
    return address


def _normalise_btc_segwit(address: str) -> str:
    if address != address.lower() and address != address.upper():
        raise InvalidIdentifier("Bitcoin address mixes upper- and lower-case letters")
    address = address.lower()
    if len(address) > 90:
        raise InvalidIdentifier("Bitcoin address is too long")
    data_part = address[3:]
    if any(ch not in _BECH32_VALUES for ch in data_part):
        raise InvalidIdentifier(
            "Bitcoin address contains characters that bc1 addresses never use (1, b, i or o)"
        )
    data = [_BECH32_VALUES[ch] for ch in data_part]
    if len(data) < 7:
        raise InvalidIdentifier("Bitcoin address is too short")
    const = _bech32_polymod(_bech32_hrp_expand("bc") + data)
    version = data[0]
    if version > 16:
        raise InvalidIdentifier("Bitcoin address has an unknown witness version")
    if const != (_BECH32_CONST if version == 0 else _BECH32M_CONST):
        raise InvalidIdentifier("Bitcoin address checksum does not match")
    program = _convert_5_to_8(data[1:-6])
    if (
        program is None
        or not 2 <= len(program) <= 40
        or (version == 0 and len(program) not in (20, 32))
    ):
        raise InvalidIdentifier("Bitcoin address has a witness program of invalid length")
    return address


def _normalise_btc(address: str) -> str:
    if len(address) > 100:
        raise InvalidIdentifier("Bitcoin address is too long")
    lowered = address.lower()
    if lowered.startswith("bc1"):
        return _normalise_btc_segwit(address)
    if lowered.startswith(("tb1", "bcrt1")):
        raise InvalidIdentifier("Bitcoin address is a test-network address")
    if not address.startswith(("1", "3")):
        raise InvalidIdentifier("Bitcoin address must start with 1, 3 or bc1")
    return _normalise_btc_base58(address)


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
    if code == "BTC":
        return _normalise_btc(value)
    if code == "ETH" or (value[:2].lower() == "0x" and len(value) == 42):
        return _normalise_eth(value)
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

    Exactly 9 ASCII digits, no separators, not all zero, passing the eleven test:
    ``9*d1 + 8*d2 + ... + 2*d8 - 1*d9`` is divisible by 11.
    """
    if not isinstance(digits, str) or not _BSN.fullmatch(digits) or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True))
    return total % 11 == 0
