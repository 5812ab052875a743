from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
from Crypto.Hash import SHA3_256, SHA3_512
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.iso7064 import mod_97_10
from stdnum.nl import bsn as stdnum_bsn

from silver.domain.identifiers import (
    GENERIC_KINDS,
    IDENTIFIER_KINDS,
    SUPPORTED_CRYPTO,
    InvalidIdentifier,
    eip55_checksum,
    is_bsn,
    keccak256,
    normalise,
    normalise_bic,
    normalise_country,
    normalise_crypto_address,
    normalise_crypto_currency,
    normalise_currency,
    normalise_generic,
    normalise_iban,
    normalise_imo,
    normalise_isin,
    normalise_lei,
    normalise_vin,
    vin_check_digit,
)

PROPERTY = settings(database=None, deadline=None, max_examples=60)


def error_of(fn: Callable[..., str], *args: str, **kwargs: object) -> str:
    with pytest.raises(InvalidIdentifier) as exc:
        fn(*args, **kwargs)
    return str(exc.value)


def test_invalid_identifier_is_a_value_error() -> None:
    assert issubclass(InvalidIdentifier, ValueError)


# --- IBAN ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "NL91ABNA0417164300",
        "GB82WEST12345698765432",
        "DE89370400440532013000",
        "FR1420041010050500013M02606",
        "BE71096123456769",
    ],
)
def test_iban_valid(value: str) -> None:
    assert normalise_iban(value) == value


@pytest.mark.parametrize(
    "value",
    [
        "NL91 ABNA 0417 1643 00",
        "nl91abna0417164300",
        "  NL91-ABNA-0417-1643-00 ",
        "NL91.ABNA.0417.1643.00",
        "NL91\u00a0ABNA\u200b0417164300",
        "".join(chr(ord(ch) + 0xFEE0) for ch in "NL91ABNA0417164300"),
    ],
)
def test_iban_spellings_normalise_identically(value: str) -> None:
    assert normalise_iban(value) == "NL91ABNA0417164300"
    assert normalise("iban", value) == normalise("iban", "nl91abna0417164300")


IBAN_START = "IBAN must start with a two-letter country code and two check digits"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("NL91ABNA0417164301", "IBAN checksum does not match"),
        ("NL91ABNA0417164200", "IBAN checksum does not match"),
        ("GB82WEST12345698765433", "IBAN checksum does not match"),
        ("NL91ABNA041716430", "IBAN for NL must be 18 characters, not 17"),
        ("NL91ABNA04171643000", "IBAN for NL must be 18 characters, not 19"),
        ("ZZ91ABNA0417164300", "IBAN country code ZZ is not a country that uses IBAN"),
        ("NL91ABNA0417_164300", "IBAN may contain only letters and digits"),
        ("9191ABNA0417164300", IBAN_START),
        ("NL", IBAN_START),
        ("NL5312340417164300", "IBAN account part does not have the format used in NL"),
        ("BE41539007547035", "IBAN national check digits for BE do not match"),
        ("  ", "IBAN is empty"),
    ],
)
def test_iban_invalid(value: str, message: str) -> None:
    assert error_of(normalise_iban, value) == message


def test_iban_non_text_is_rejected() -> None:
    assert error_of(normalise_iban, 12345) == "IBAN must be given as text"  # type: ignore[arg-type]


def _with_check_digits(country: str, bban: str) -> str:
    return f"{country}{mod_97_10.calc_check_digits(bban + country):0>2}{bban}"


@PROPERTY
@given(
    bank=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=4, max_size=4),
    account=st.text(alphabet="0123456789", min_size=10, max_size=10),
    separator=st.sampled_from(["", " ", "-", "  "]),
    lower=st.booleans(),
)
def test_iban_property_generated_nl_ibans(
    bank: str, account: str, separator: str, lower: bool
) -> None:
    iban = _with_check_digits("NL", bank + account)
    spelled = separator.join(iban[i : i + 4] for i in range(0, len(iban), 4))
    if lower:
        spelled = spelled.lower()
    canonical = normalise_iban(spelled)
    assert canonical == iban
    assert normalise_iban(canonical) == canonical
    broken = iban[:-1] + str((int(iban[-1]) + 1) % 10)
    assert error_of(normalise_iban, broken) == "IBAN checksum does not match"


# --- BIC ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ABNANL2A", "ABNANL2A"),
        ("DEUTDEFF500", "DEUTDEFF500"),
        ("deutdeff500", "DEUTDEFF500"),
        ("ABNA NL 2A", "ABNANL2A"),
        ("ABNANL2AXXX", "ABNANL2A"),
        ("RABONL2U", "RABONL2U"),
        ("INGBNL2A", "INGBNL2A"),
    ],
)
def test_bic_valid(value: str, expected: str) -> None:
    assert normalise_bic(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ABNANL2", "BIC must be 8 or 11 characters"),
        ("DEUTDEFF5000", "BIC must be 8 or 11 characters"),
        (
            "ABNA122A",
            "BIC must be 4 letters for the bank, 2 letters for the country, "
            "2 letters or digits for the location and optionally 3 for the branch",
        ),
        ("ABNAZZ2A", "BIC country code ZZ is not a known country"),
        ("", "BIC is empty"),
    ],
)
def test_bic_invalid(value: str, message: str) -> None:
    assert error_of(normalise_bic, value) == message


# --- LEI ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "5493001KJTIIGC8Y1R12",
        "7LTWFZYICNSX8D621K86",
        "529900T8BM49AURSDO55",
        "213800D1EI4B9WTWWD28",
    ],
)
def test_lei_valid(value: str) -> None:
    assert normalise_lei(value) == value
    assert normalise_lei(value.lower()) == value
    assert normalise("lei", " ".join([value[:4], value[4:12], value[12:]])) == value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("5493001KJTIIGC8Y1R13", "LEI checksum does not match"),
        ("5493001KJTIIGC8Y1S12", "LEI checksum does not match"),
        ("5493001KJTIIGC8Y1R1", "LEI must be 20 characters"),
        ("5493001KJTIIGC8Y1R123", "LEI must be 20 characters"),
        ("5493001KJTIIGC8Y1R1A", "LEI must be 18 letters or digits followed by 2 check digits"),
        ("5493001KJTIIGC8Y1R_2", "LEI must be 18 letters or digits followed by 2 check digits"),
    ],
)
def test_lei_invalid(value: str, message: str) -> None:
    assert error_of(normalise_lei, value) == message


# --- ISIN ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["US0378331005", "NL0010273215", "US5949181045", "DE0007164600", "GB0002634946"]
)
def test_isin_valid(value: str) -> None:
    assert normalise_isin(value) == value
    assert normalise_isin(" " + value.lower() + " ") == value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("US0378331006", "ISIN check digit does not match"),
        ("US0378341005", "ISIN check digit does not match"),
        ("US037833100", "ISIN must be 12 characters"),
        (
            "120378331005",
            "ISIN must be a 2-letter country code, 9 letters or digits and a check digit",
        ),
        ("ZZ1234567895", "ISIN prefix ZZ is not a known country code"),
    ],
)
def test_isin_invalid(value: str, message: str) -> None:
    assert error_of(normalise_isin, value) == message


# --- IMO ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("9074729", "IMO9074729"),
        ("IMO 9074729", "IMO9074729"),
        ("imo9074729", "IMO9074729"),
        ("IMO: 9074729", "IMO9074729"),
        ("IMO9074729", "IMO9074729"),
        ("9321483", "IMO9321483"),
        ("IMO 9811000", "IMO9811000"),
        ("8814275", "IMO8814275"),
    ],
)
def test_imo_valid(value: str, expected: str) -> None:
    assert normalise_imo(value) == expected
    assert normalise("imo", expected) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("9074728", "IMO number check digit does not match"),
        ("IMO 9074739", "IMO number check digit does not match"),
        ("907472", "IMO number must be 7 digits with a valid check digit"),
        ("90747290", "IMO number must be 7 digits with a valid check digit"),
        ("IMO 90747A9", "IMO number must be 7 digits with a valid check digit"),
        ("IMO", "IMO number must be 7 digits with a valid check digit"),
    ],
)
def test_imo_invalid(value: str, message: str) -> None:
    assert error_of(normalise_imo, value) == message


# --- VIN ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1M8GDM9AXKP042788", "JH4KA7561PC008269", "11111111111111111"])
def test_vin_valid(value: str) -> None:
    assert normalise_vin(value) == value
    assert normalise_vin(value.lower()) == value
    assert normalise("vin", f"{value[:3]} {value[3:9]}-{value[9:]}") == value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1M8GDM9AXKP042789", "VIN check digit (the 9th character) does not match"),
        ("1M8GDM9A1KP042788", "VIN check digit (the 9th character) does not match"),
        ("1M8GDM9AXKP04278", "VIN must be 17 characters, not 16"),
        ("1M8GDM9AXKP0427888", "VIN must be 17 characters, not 18"),
        (
            "1M8GDM9AXKPO42788",
            "VIN never contains the letters I, O or Q; these are usually the digits 1 and 0",
        ),
        ("1M8GDM9AXKP04278*", "VIN may contain only letters and digits"),
    ],
)
def test_vin_invalid(value: str, message: str) -> None:
    assert error_of(normalise_vin, value) == message


@pytest.mark.parametrize(
    "value", ["WVWZZZ1KZAW000001", "WVWZZZ1JZXW000001", "VF1RFB00X12345678", "JH4KA7561PC008260"]
)
def test_vin_without_check_digit_outside_north_america_and_china(value: str) -> None:
    # Europe and Japan: ISO 3779 has no check digit, so the 9th character is anything.
    assert normalise_vin(value.lower()) == value
    assert normalise("vin", value) == value


@pytest.mark.parametrize("first", ["1", "2", "3", "4", "5", "L"])
def test_vin_check_digit_enforced_where_mandatory(first: str) -> None:
    body = first + "M8GDM9A"
    valid = body + vin_check_digit(body + "0KP042788") + "KP042788"
    assert normalise_vin(valid) == valid
    wrong = body + ("0" if valid[8] != "0" else "1") + "KP042788"
    assert error_of(normalise_vin, wrong) == "VIN check digit (the 9th character) does not match"


def test_vin_european_length_still_checked() -> None:
    assert error_of(normalise_vin, "WVWZZZ1JZXW00000") == "VIN must be 17 characters, not 16"


@PROPERTY
@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPRSTUVWXYZ", min_size=17, max_size=17))
def test_vin_property_generated(chars: str) -> None:
    vin = chars[:8] + vin_check_digit(chars[:8] + "0" + chars[9:]) + chars[9:]
    assert normalise_vin(vin) == vin
    assert normalise_vin(vin.lower()) == normalise_vin(vin)


# --- Keccak-256 and EIP-55 ----------------------------------------------------------------------


def test_keccak256_known_vectors() -> None:
    assert keccak256(b"").hex() == (
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    )
    assert keccak256(b"hello world").hex() == (
        "47173285a8d7341e5e972fc677286384f802f8ef42a5ec5f03bbfa254cb01fad"
    )
    assert keccak256(b"") != hashlib.sha3_256(b"").digest()


# Keccak-256 of `bytes(range(256)) * 2` cut around the sponge's 136-byte blocks, as the
# pure-Python sponge Silver carried before pycryptodome computed them.
KECCAK256_AT_BLOCK_BOUNDARIES = {
    0: "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
    1: "bc36789e7a1e281436464229828f817d6612f7b477d66591ff96a9e064bcc98a",
    135: "cbdfd9dee5faad3818d6b06f95a219fd290b0e1706f6a82e5a595b9ce9faca62",
    136: "7ce759f1ab7f9ce437719970c26b0a66ff11fe3e38e17df89cf5d29c7d7f807e",
    137: "ac73d4fae68b8453f764007c1a20ce95994187861f0c3227a3a8e99a73a3b1db",
    271: "7c974895b2a88303ff2dc6b58f438ceb0b298cac91099ac0539cc0f477506191",
    272: "fdf2ec49e749960d3c8521a0219af8d03e30e2b3bf19bd16150ee0eaf133d66e",
    500: "cbfabf79afab5860388c0abad0004bfbf11a8be32b02427078883c926c25745b",
}


@pytest.mark.parametrize(("length", "digest"), KECCAK256_AT_BLOCK_BOUNDARIES.items())
def test_keccak_permutation_matches_sha3_at_block_boundaries(length: int, digest: str) -> None:
    data = bytes(range(256)) * 2
    assert keccak256(data[:length]).hex() == digest
    # The library's SHA-3 is the same sponge with FIPS 202 padding: OpenSSL's must agree.
    assert SHA3_256.new(data[:length]).digest() == hashlib.sha3_256(data[:length]).digest()


@PROPERTY
@given(st.binary(max_size=400))
def test_keccak_permutation_matches_sha3_property(data: bytes) -> None:
    assert SHA3_256.new(data).digest() == hashlib.sha3_256(data).digest()
    assert SHA3_512.new(data).digest() == hashlib.sha3_512(data).digest()
    assert keccak256(data) != hashlib.sha3_256(data).digest()


EIP55_EXAMPLES = [
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
]


@pytest.mark.parametrize("address", EIP55_EXAMPLES)
def test_eip55_examples(address: str) -> None:
    assert eip55_checksum(address.lower()) == address
    assert normalise_crypto_address("ETH", address) == address.lower()
    assert normalise_crypto_address("eth", address.lower()) == address.lower()
    assert normalise("crypto", address, currency="ETH") == address.lower()


@pytest.mark.parametrize(
    "address",
    [
        "0x52908400098527886E0F7030069857D2E4169EE7",
        "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
        "0xde709f2102306220921060314715629080e2fb77",
        "0x27b1fdb04752bbc536007a920d24acb045561c26",
    ],
)
def test_eth_single_case_addresses_need_no_checksum(address: str) -> None:
    assert normalise_crypto_address("ETH", address) == address.lower()


def test_eth_broken_casing() -> None:
    broken = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAEd"
    assert error_of(normalise_crypto_address, "ETH", broken) == (
        "Ethereum address capitalisation does not match its EIP-55 checksum; "
        "check it for typing errors"
    )


@pytest.mark.parametrize(
    ("address", "message"),
    [
        (
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe",
            "Ethereum address must be 0x followed by 40 hexadecimal characters",
        ),
        (
            "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "Ethereum address must be 0x followed by 40 hexadecimal characters",
        ),
        (
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg",
            "Ethereum address may contain only the hexadecimal characters 0-9 and a-f after 0x",
        ),
    ],
)
def test_eth_invalid(address: str, message: str) -> None:
    assert error_of(normalise_crypto_address, "ETH", address) == message


@PROPERTY
@given(st.binary(min_size=20, max_size=20))
def test_eth_property_checksummed_addresses_round_trip(raw: bytes) -> None:
    lower = "0x" + raw.hex()
    mixed = eip55_checksum(lower)
    assert mixed.lower() == lower
    assert normalise_crypto_address("ETH", mixed) == lower
    assert normalise_crypto_address("ETH", lower.upper().replace("0X", "0x")) == lower


# --- Bitcoin ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"),
        ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"),
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
        (
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        ),
        (
            "BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ",
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        ),
        (
            "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297",
            "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297",
        ),
        (
            "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        ),
        (
            "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
            "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
        ),
        ("BC1SW50QGDZ25J", "bc1sw50qgdz25j"),
        ("bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs"),
        (
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        ),
        (
            " 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2\n",
            "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
        ),
    ],
)
def test_btc_valid(address: str, expected: str) -> None:
    assert normalise_crypto_address("BTC", address) == expected
    assert normalise("crypto", address, currency="btc") == expected


CHECKSUM = "Bitcoin address checksum does not match"
PROGRAM_LENGTH = "Bitcoin address has a witness program of invalid length"


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", CHECKSUM),
        ("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVn2", CHECKSUM),
        ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz", CHECKSUM),
        ("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNV", "Bitcoin address has the wrong length"),
        (
            "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN0",
            "Bitcoin address contains characters that Bitcoin addresses never use "
            "(0, O, I, l or punctuation)",
        ),
        ("mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn", "Bitcoin address must start with 1, 3 or bc1"),
        (
            "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
            "Bitcoin address is a test-network address",
        ),
        ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr", CHECKSUM),
        ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mq", CHECKSUM),
        ("bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3298", CHECKSUM),
        (
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdQ",
            "Bitcoin address mixes upper- and lower-case letters",
        ),
        (
            "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
            "Bitcoin address contains characters that bc1 addresses never use (1, b, i or o)",
        ),
        ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", CHECKSUM),
        ("BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL", CHECKSUM),
        ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", CHECKSUM),
        (
            "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",
            "Bitcoin address has an unknown witness version",
        ),
        ("bc1pw5dgrnzv", PROGRAM_LENGTH),
        (
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",
            PROGRAM_LENGTH,
        ),
        ("BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", PROGRAM_LENGTH),
        ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf", PROGRAM_LENGTH),
        ("bc1gmk9yu", "Bitcoin address is too short"),
        ("bc1" + "q" * 100, "Bitcoin address is too long"),
    ],
)
def test_btc_invalid(address: str, message: str) -> None:
    assert error_of(normalise_crypto_address, "BTC", address) == message


# --- Other crypto currencies --------------------------------------------------------------------


def test_supported_crypto() -> None:
    assert {"BTC", "ETH"} <= SUPPORTED_CRYPTO
    assert all(code == code.upper() for code in SUPPORTED_CRYPTO)
    assert normalise_crypto_currency(" usdt ") == "USDT"


def test_other_currency_plausible_address_kept_as_typed() -> None:
    xrp = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"
    assert normalise_crypto_address("XRP", f" {xrp} ") == xrp
    ltc = "ltc1qg82tfs3y4wmxp2e6zt3p5w6ghtmgk0w5lkjq0a"
    assert normalise_crypto_address("ltc", ltc) == ltc


def test_other_currency_evm_address_checked_as_eth() -> None:
    address = EIP55_EXAMPLES[0]
    assert normalise_crypto_address("USDT", address) == address.lower()
    assert error_of(normalise_crypto_address, "USDC", address[:-1] + "D") == (
        "Ethereum address capitalisation does not match its EIP-55 checksum; "
        "check it for typing errors"
    )


@pytest.mark.parametrize(
    ("currency", "address", "message"),
    [
        ("XRP", "rHb9CJAW", "XRP wallet address must be 20 to 256 letters and digits"),
        (
            "XRP",
            "rHb9CJAWyB4rj91VRWn96DkukG4bwd!yTh",
            "XRP wallet address must be 20 to 256 letters and digits",
        ),
        ("XRP", "   ", "Wallet address is empty"),
        ("", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "Cryptocurrency is empty"),
    ],
)
def test_other_currency_invalid(currency: str, address: str, message: str) -> None:
    assert error_of(normalise_crypto_address, currency, address) == message


def test_unknown_crypto_currency() -> None:
    message = error_of(normalise_crypto_address, "NOPE", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2")
    assert message.startswith("Cryptocurrency is not supported; use one of ADA, ")
    assert "BTC, " in message and "ETH, " in message


# --- Countries and currencies -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"), [("NL", "NL"), ("nl", "NL"), (" de ", "DE"), ("XK", "XK")]
)
def test_country_valid(value: str, expected: str) -> None:
    assert normalise_country(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ZZ", "ZZ is not an ISO 3166 country code"),
        ("UK", "UK is not an ISO 3166 country code; use GB"),
        ("EL", "EL is not an ISO 3166 country code; use GR"),
        ("NLD", "Country must be a two-letter ISO 3166 code; use NL"),
        ("Netherlands", "Country must be a two-letter ISO 3166 code"),
        ("N1", "Country must be a two-letter ISO 3166 code"),
        ("", "Country is empty"),
    ],
)
def test_country_invalid(value: str, message: str) -> None:
    assert error_of(normalise_country, value) == message


@pytest.mark.parametrize(
    ("value", "expected"), [("EUR", "EUR"), ("eur", "EUR"), (" usd", "USD"), ("GBP", "GBP")]
)
def test_currency_valid(value: str, expected: str) -> None:
    assert normalise_currency(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("EURO", "Currency must be a three-letter ISO 4217 code"),
        ("E1R", "Currency must be a three-letter ISO 4217 code"),
        ("ABC", "ABC is not an ISO 4217 currency code"),
        ("", "Currency is empty"),
    ],
)
def test_currency_invalid(value: str, message: str) -> None:
    assert error_of(normalise_currency, value) == message


# --- Generic identifiers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "spellings", "expected"),
    [
        ("passport", ["NW1234567", "nw 123 4567", "NW-123-4567"], "NW1234567"),
        ("national_id", ["1234.56.782", "123456782", "123 456 782"], "123456782"),
        ("tax_id", ["NL123456782B01", "nl 1234.56.782.b01"], "NL123456782B01"),
        ("registration_number", ["KvK 12345678", "kvk-12345678"], "KVK12345678"),
        ("registration_plate", ["AB-123-C", "ab 123 c", "AB\u2013123\u2013C"], "AB123C"),
        ("registration_mark", ["PH-BXA", "ph bxa", "PHBXA"], "PHBXA"),
        ("cadastral_reference", ["ASD04 F 1234", "asd04/f/1234"], "ASD04F1234"),
        ("other", ["a.b/c-d e"], "ABCDE"),
    ],
)
def test_generic_spellings_normalise_identically(
    kind: str, spellings: list[str], expected: str
) -> None:
    for spelling in spellings:
        assert normalise(kind, spelling) == expected
        assert normalise_generic(spelling) == expected


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("passport", "Passport number must contain at least one letter or digit"),
        ("national_id", "National identity number must contain at least one letter or digit"),
        ("registration_plate", "Registration plate must contain at least one letter or digit"),
        ("other", "Identifier must contain at least one letter or digit"),
    ],
)
def test_generic_empty(kind: str, message: str) -> None:
    assert error_of(normalise, kind, " -./ ") == message


def test_generic_control_characters() -> None:
    assert error_of(normalise_generic, "AB\x00C") == "Identifier contains control characters"


@PROPERTY
@given(st.text(max_size=30))
def test_generic_property_idempotent(value: str) -> None:
    try:
        canonical = normalise_generic(value)
    except InvalidIdentifier:
        return
    assert canonical
    assert normalise_generic(canonical) == canonical
    assert normalise_generic(canonical.lower()) == canonical


# --- Dispatch -----------------------------------------------------------------------------------


def test_identifier_kinds() -> None:
    assert {
        "iban",
        "bic",
        "lei",
        "isin",
        "imo",
        "vin",
        "crypto",
        "passport",
        "national_id",
        "tax_id",
        "other",
        "registration_number",
        "registration_plate",
        "registration_mark",
        "cadastral_reference",
    } == IDENTIFIER_KINDS
    assert GENERIC_KINDS < IDENTIFIER_KINDS


@pytest.mark.parametrize(
    ("kind", "a", "b"),
    [
        ("iban", "NL91 ABNA 0417 1643 00", "nl91abna0417164300"),
        ("bic", "ABNANL2AXXX", "abna nl 2a"),
        ("lei", "5493 001K JTII GC8Y 1R12", "5493001kjtiigc8y1r12"),
        ("isin", "US 0378331005", "us0378331005"),
        ("imo", "IMO 9074729", "9074729"),
        ("vin", "1M8-GDM9AX-KP042788", "1m8gdm9axkp042788"),
    ],
)
def test_normalise_equivalent_spellings(kind: str, a: str, b: str) -> None:
    assert normalise(kind, a) == normalise(kind, b)
    assert normalise(kind, normalise(kind, a)) == normalise(kind, a)


def test_normalise_crypto_needs_currency() -> None:
    assert error_of(normalise, "crypto", EIP55_EXAMPLES[0]) == (
        "Cryptocurrency is required for a wallet address"
    )


def test_normalise_unknown_kind() -> None:
    assert error_of(normalise, "shoe_size", "42") == "Unknown identifier type"


def test_normalise_reports_type_specific_errors() -> None:
    assert error_of(normalise, "iban", "NL91ABNA0417164301") == "IBAN checksum does not match"
    assert error_of(normalise, "imo", "123") == (
        "IMO number must be 7 digits with a valid check digit"
    )


# --- BSN ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["111222333", "123456782", "999999990"])
def test_bsn_valid(value: str) -> None:
    assert is_bsn(value)


@pytest.mark.parametrize(
    "value",
    [
        "000000000",
        "123456789",
        "111222334",
        "12345678",
        "1234567820",
        "1234.56.782",
        " 123456782",
        "12345678A",
        "١٢٣٤٥٦٧٨٢",
        "",
    ],
)
def test_bsn_invalid(value: str) -> None:
    assert not is_bsn(value)


@PROPERTY
@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_bsn_property_agrees_with_stdnum(digits: str) -> None:
    assert is_bsn(digits) == (stdnum_bsn.is_valid(digits) and digits != "000000000")
