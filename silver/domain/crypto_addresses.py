"""Wallet addresses of Bitcoin and Ethereum, checked against their own checksums.

* Ethereum: EIP-55 spells an address in mixed case from its Keccak-256 hash. Keccak-256 is
  Ethereum's hash (the original Keccak padding), not FIPS 202 SHA3-256, so it comes from
  pycryptodome's ``Crypto.Hash.keccak``, not from :mod:`hashlib`.
* Bitcoin: legacy addresses are Base58Check (the ``base58`` package decodes them); segwit
  addresses are bech32 (BIP-173, witness version 0) or bech32m (BIP-350, versions 1 to 16:
  taproot). Bech32 and bech32m are written out below, after BIP-350's reference code: the
  ``bech32`` package on PyPI implements BIP-173 only and cannot check a taproot address.

The functions take an address already stripped of white space (see
:func:`silver.domain.identifiers.normalise_crypto_address`, the entry point) and raise
:class:`InvalidAddress` with a sentence for the caseworker that never repeats the address.
"""

from __future__ import annotations

import hashlib
import re
from enum import Enum

import base58
from Crypto.Hash import keccak

__all__ = [
    "BASE58_ALPHABET",
    "BECH32_CHARSET",
    "ETH_ADDRESS",
    "Bech32Encoding",
    "InvalidAddress",
    "bech32_verify",
    "eip55_spelling",
    "keccak256",
    "normalise_btc",
    "normalise_eth",
]


class InvalidAddress(ValueError):
    """A wallet address failed a check; ``str(exc)`` is a sentence for the caseworker."""


# --- Ethereum -----------------------------------------------------------------------------------

ETH_ADDRESS = re.compile(r"0[xX][0-9a-fA-F]{40}")


def keccak256(data: bytes) -> bytes:
    """Keccak-256 as used by Ethereum: original Keccak padding, not FIPS 202 SHA3-256."""
    return keccak.new(digest_bits=256, data=bytes(data)).digest()


def eip55_spelling(hex40: str) -> str:
    """``0x`` and the 40 hex digits of an address, each letter upper case where EIP-55 says so.

    A letter is upper case when the matching hex digit of the Keccak-256 hash of the
    lower-case address (as ASCII text) is 8 or more.
    """
    body = hex40.lower()
    digest = keccak256(body.encode("ascii")).hex()[:40]
    return "0x" + "".join(
        ch.upper() if int(h, 16) >= 8 else ch for ch, h in zip(body, digest, strict=True)
    )


def normalise_eth(address: str) -> str:
    """``0x`` + 40 hex digits, lower case; a mixed-case spelling must carry a valid EIP-55
    checksum, while all-lower or all-upper case carries none."""
    if address[:2].lower() != "0x" or len(address) != 42:
        raise InvalidAddress("Ethereum address must be 0x followed by 40 hexadecimal characters")
    if not ETH_ADDRESS.fullmatch(address):
        raise InvalidAddress(
            "Ethereum address may contain only the hexadecimal characters 0-9 and a-f after 0x"
        )
    body = address[2:]
    if body != body.lower() and body != body.upper() and eip55_spelling(body) != "0x" + body:
        raise InvalidAddress(
            "Ethereum address capitalisation does not match its EIP-55 checksum; "
            "check it for typing errors"
        )
    return "0x" + body.lower()


# --- Bech32 and bech32m (BIP-173, BIP-350) ------------------------------------------------------

BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_VALUES = {ch: i for i, ch in enumerate(BECH32_CHARSET)}
_BECH32_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


class Bech32Encoding(Enum):
    """The constant a valid checksum leaves: 1 for bech32, 0x2BC830A3 for bech32m."""

    BECH32 = 1
    BECH32M = 0x2BC830A3


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


def bech32_verify(hrp: str, data: list[int]) -> Bech32Encoding | None:
    """Which encoding's checksum the 5-bit `data` (checksum included) carries, if any."""
    const = _bech32_polymod(_bech32_hrp_expand(hrp) + data)
    for encoding in Bech32Encoding:
        if const == encoding.value:
            return encoding
    return None


def _convert_5_to_8(data: list[int]) -> bytes | None:
    """5-bit groups back to bytes; None when the padding is longer than 4 bits or not zero."""
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


# --- Bitcoin ------------------------------------------------------------------------------------

BASE58_ALPHABET = base58.BITCOIN_ALPHABET.decode("ascii")
_BITCOIN_HRP = "bc"


def _normalise_btc_base58(address: str) -> str:
    if any(ch not in BASE58_ALPHABET for ch in address):
        raise InvalidAddress(
            "Bitcoin address contains characters that Bitcoin addresses never use "
            "(0, O, I, l or punctuation)"
        )
    raw = base58.b58decode(address)
    if len(raw) != 25:
        raise InvalidAddress("Bitcoin address has the wrong length")
    if hashlib.sha256(hashlib.sha256(raw[:21]).digest()).digest()[:4] != raw[21:]:
        raise InvalidAddress("Bitcoin address checksum does not match")
    if raw[0] not in (0x00, 0x05):
        raise InvalidAddress(
            "Bitcoin address is not a main-network P2PKH (1...) or P2SH (3...) address"
        )
    return address


def _normalise_btc_segwit(address: str) -> str:
    if address != address.lower() and address != address.upper():
        raise InvalidAddress("Bitcoin address mixes upper- and lower-case letters")
    address = address.lower()
    if len(address) > 90:
        raise InvalidAddress("Bitcoin address is too long")
    data_part = address[len(_BITCOIN_HRP) + 1 :]
    if any(ch not in _BECH32_VALUES for ch in data_part):
        raise InvalidAddress(
            "Bitcoin address contains characters that bc1 addresses never use (1, b, i or o)"
        )
    data = [_BECH32_VALUES[ch] for ch in data_part]
    if len(data) < 7:
        raise InvalidAddress("Bitcoin address is too short")
    version = data[0]
    if version > 16:
        raise InvalidAddress("Bitcoin address has an unknown witness version")
    expected = Bech32Encoding.BECH32 if version == 0 else Bech32Encoding.BECH32M
    if bech32_verify(_BITCOIN_HRP, data) is not expected:
        raise InvalidAddress("Bitcoin address checksum does not match")
    program = _convert_5_to_8(data[1:-6])
    if (
        program is None
        or not 2 <= len(program) <= 40
        or (version == 0 and len(program) not in (20, 32))
    ):
        raise InvalidAddress("Bitcoin address has a witness program of invalid length")
    return address


def normalise_btc(address: str) -> str:
    """A main-network address: Base58Check P2PKH (``1...``) and P2SH (``3...``) as typed
    (their case is significant), segwit (``bc1...``) in lower case."""
    if len(address) > 100:
        raise InvalidAddress("Bitcoin address is too long")
    lowered = address.lower()
    if lowered.startswith("bc1"):
        return _normalise_btc_segwit(address)
    if lowered.startswith(("tb1", "bcrt1")):
        raise InvalidAddress("Bitcoin address is a test-network address")
    if not address.startswith(("1", "3")):
        raise InvalidAddress("Bitcoin address must start with 1, 3 or bc1")
    return _normalise_btc_base58(address)
