"""Texts searched together (screening/text.py's `Joined`, `TermScanner`, `find_personal_data_in`)
find exactly what a search of each text on its own finds: checked against the plain per-text
searches on generated texts that put terms, numbers, addresses and separators next to each
other and at the edges of texts."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from screening import text as screening_text
from screening.text import (
    ART3,
    SPECIAL_CATEGORIES,
    PersonalDataKind,
    TermHit,
    TermList,
    find_personal_data_in,
    find_terms,
    normalise,
)
from silver.domain.identifiers import is_bsn

SETTINGS = settings(max_examples=300, deadline=None, database=None)

PIECES = [
    "", " ", "-", ".", ",", "@", "+", "/", "\x00", "\n", "(0)", "Mr ", "mevrouw ", "NL", "bsn",
    "B\u017fN", "B01", "06", "020", "+31 ", "12345678", "111222333", "123456782", "111.22.333",
    "612345678", "0418 12 34 56", "jan@example.nl", "a.b+c@x-y.org", "NL111222333B01",
    "BSN111222333", "moslim", "Moskee", "vakbond", "vakbondslid", "religious leader",
    "Christian", "Christian Dior", "trade-union", "hiv positief", "kanker", "leger", "army",
    "activist", "coup d'etat", "religiéus", "ÉTNISCH", "ß", "İ", "x", "Y", "é", "_", "7",
]  # fmt: skip

texts = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)
text_lists = st.lists(texts, max_size=8)


def _personal_data(text: str) -> frozenset[PersonalDataKind]:
    """The search of one text as it was written before texts were joined."""
    t = screening_text
    kinds: set[PersonalDataKind] = set()
    if len(text) < t.SHORTEST_CONTACT:
        return frozenset()
    emails = [m.span() for m in t._EMAIL.finditer(text)] if "@" in text else []
    if emails:
        kinds.add("email")
    for match in t._NUMBERS.finditer(text):
        if any(start <= match.start() < end for start, end in emails):
            continue
        if match.group("landline") is not None:
            if len(t._NOT_DIGIT.sub("", match.group())) == t.DUTCH_NUMBER_DIGITS:
                kinds.add("phone")
        elif match.group("bsn") is None:
            kinds.add("phone")
        elif is_bsn(t._NOT_DIGIT.sub("", match.group())):
            kinds.add("bsn")
    if "bsn" not in kinds and any(
        is_bsn(m.group(1) or m.group(2)) for m in t._GLUED_BSN.finditer(text)
    ):
        kinds.add("bsn")
    return frozenset(kinds)


def _terms(terms: TermList, text: str) -> list[TermHit]:
    """The search of one text with the list's regex alone, as before the automaton."""
    norm = normalise(text)
    lowered = screening_text._lowered(norm)
    hits = []
    for match in terms.regex.finditer(lowered):
        entry = terms._entry_for(match.group())
        if entry is None or (
            entry.name_like and screening_text._looks_like_name(norm, *match.span())
        ):
            continue
        term = " ".join(match.group().split())
        hits.append(TermHit(entry.category, terms.labels[entry.category], term))
    return hits


@SETTINGS
@given(text_lists)
def test_personal_data_of_joined_texts_is_that_of_each_text(items: list[str]) -> None:
    expected = {i: kinds for i, text in enumerate(items) if (kinds := _personal_data(text))}
    assert find_personal_data_in(items) == expected


@SETTINGS
@given(text_lists)
def test_terms_of_joined_texts_are_those_of_each_text(items: list[str]) -> None:
    lists = (SPECIAL_CATEGORIES, ART3)
    assert find_terms(items, lists) == [[_terms(terms, text) for text in items] for terms in lists]
    assert [SPECIAL_CATEGORIES.find(text) for text in items] == [
        _terms(SPECIAL_CATEGORIES, text) for text in items
    ]


def test_a_list_whose_term_starts_with_no_letter_is_searched_by_its_regex() -> None:
    terms = TermList("edge", "category c = c\nc | -ism\nc | union*\n")
    assert terms.first_pieces is None
    items = ["anti-ism and unionist", "", "ism"]
    assert find_terms(items, (terms, ART3))[0] == [_terms(terms, text) for text in items]


def test_glued_bsn_candidates_cover_every_case_insensitive_spelling() -> None:
    """_GLUED_CANDIDATE spells out the characters that IGNORECASE matches to N, L, B, S and the
    digits: every character of Unicode is tried."""
    every = "".join(map(chr, range(0x110000)))
    for letter, spelled in (("n", "Nn"), ("l", "Ll"), ("b", "Bb"), ("s", "Ss\u017f")):
        assert "".join(re.findall(letter, every, re.IGNORECASE)) == spelled
    assert "".join(re.findall("[0-9]", every, re.IGNORECASE)) == "0123456789"
    assert "\x00".isspace() is False and re.match(r"[\w\s.,+\-/()@]", "\x00") is None
