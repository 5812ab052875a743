"""Term lists, BSN and contact-data detection (screening/text.py)."""

from __future__ import annotations

import re

import pytest

from screening.text import ART3, SPECIAL_CATEGORIES, TermList, find_personal_data, fold, is_bsn

LIST = """
category faith = religion
category work = trade-union membership
faith | moslim*
faith | christian | name
faith | religious
work | trade union*
work | hiv-positief
"""


@pytest.fixture(scope="module")
def terms() -> TermList:
    return TermList("test", LIST)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Hij is moslim.", ["moslim"]),
        ("Moslims in de wijk", ["moslims"]),
        ("MOSLIMGEMEENSCHAP", ["moslimgemeenschap"]),
        ("a trade union member", ["trade union"]),
        ("a trade-union member", ["trade-union"]),
        ("trade\n  unions", ["trade unions"]),
        ("hiv positief", ["hiv positief"]),
        ("hivpositief", ["hivpositief"]),
        ("a Christian church", ["christian"]),
        ("Christian Bauer paid", []),
        ("paid by Mr. Christian", []),
        ("Christensen", []),
        ("antimoslim", []),
        ("religiousness", []),
        ("irreligious", []),
        ("", []),
    ],
)
def test_matching_on_word_boundaries_stems_and_phrases(
    terms: TermList, text: str, found: list[str]
) -> None:
    assert [hit.term for hit in terms.find(text)] == found


def test_hits_carry_category_and_label(terms: TermList) -> None:
    [hit] = terms.find("He joined a trade union.")
    assert (hit.category, hit.label) == ("work", "trade-union membership")


def test_matching_ignores_accents_and_case() -> None:
    assert fold("Moskeeën RELIGIEUZE Éthnique") == "moskeeen religieuze ethnique"
    assert [h.term for h in SPECIAL_CATEGORIES.find("Bezoekt de MOSKEEËN")] == ["moskeeen"]
    assert [h.term for h in SPECIAL_CATEGORIES.find("Hij is religiéus")] == ["religieus"]


def test_longest_term_is_reported() -> None:
    assert [h.term for h in ART3.find("A religious leader of the sect")] == ["religious leader"]
    assert [h.term for h in SPECIAL_CATEGORIES.find("van etnische afkomst")] == ["etnische afkomst"]


@pytest.mark.parametrize(
    "source",
    [
        "category a = A\na | x | nonsense",
        "a | x",  # undeclared category
        "category a = A\na",
        "category a = A\n | x",
    ],
)
def test_malformed_lists_are_rejected(source: str) -> None:
    with pytest.raises(ValueError):
        TermList("bad", source)


def test_shipped_lists_cover_every_category() -> None:
    assert set(SPECIAL_CATEGORIES.labels) == {
        "origin", "politics", "religion", "union", "health", "sex_life", "biometric", "genetic",
    }  # fmt: skip
    assert set(ART3.labels) == {"political", "military", "religious", "racial"}
    for terms in (SPECIAL_CATEGORIES, ART3):
        assert {e.category for e in terms.entries} == set(terms.labels)
        assert len({e.term for e in terms.entries}) == len(terms.entries), "duplicate term"


def test_each_shipped_term_matches_itself() -> None:
    for terms in (SPECIAL_CATEGORIES, ART3):
        for entry in terms.entries:
            sample = re.sub(r"\*", "", entry.term)
            assert [h.category for h in terms.find(f"x {sample} y")][:1] == [entry.category], (
                entry.term
            )


# --- BSN ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("111222333", True),
        ("123456782", True),
        ("123456789", False),
        ("000000000", False),
        ("12345678", False),
        ("1234567890", False),
        ("12345678x", False),
        ("١٢٣٤٥٦٧٨٢", False),  # Arabic-Indic digits are not a BSN
    ],
)
def test_is_bsn(digits: str, valid: bool) -> None:
    assert is_bsn(digits) is valid


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("123456782", {"bsn"}),
        ("1234.56.782", {"bsn"}),
        ("1234 56 782", {"bsn"}),
        ("BSN: 111222333.", {"bsn"}),
        ("NL111222333B01", {"bsn"}),
        ("bsn111222333", {"bsn"}),
        ("NL111222334B01", set()),
        ("1234.56 782", set()),
        ("NL91ABNA0417164300", set()),
        ("NL91 ABNA 0417 1643 00", set()),
        ("0x52908400098527886E0F7030069857D2E4169EE7", set()),
        ("ab111222333cd", set()),
        ("0xabc111222333def", set()),
        ("111222333.50", set()),
        ("EUR 1.111222333", set()),
        ("1111222333", set()),
        ("jan@example.nl", {"email"}),
        ("111222333@example.nl", {"email"}),
        ("06-12345678", {"phone"}),
        ("06 1234 5678", {"phone"}),
        ("06 12 34 56 78", {"phone"}),
        ("+31 612345678", {"phone"}),
        ("+31 (0)6 1234 5678", {"phone"}),
        ("0031 6 12345678", {"phone"}),
        ("020-1234567", {"phone"}),
        ("0418 12 34 56", {"phone"}),
        ("+1 212 555 0100", {"phone"}),
        ("0417164300", set()),
        ("2025-10-01", set()),
        ("06-123", set()),
        ("mail jan@example.nl of bel 06-12345678; bsn 111222333", {"email", "phone", "bsn"}),
    ],
)
def test_find_personal_data(text: str, kinds: set[str]) -> None:
    assert find_personal_data(text) == kinds
