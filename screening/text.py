"""Detection in real text: term lists, BSNs and contact data.

Term lists are data (`screening/terms/*.txt`), read once at import with the package, and each
list is compiled into one alternation regex. Matching is on word boundaries, case-insensitive
and accent-insensitive (NFKD with combining marks removed), never on bare substrings.

List syntax, one entry per line (`#` starts a comment):
    category CATEGORY = human-readable label
    CATEGORY | term [| name]
A space in a term matches any run of spaces or hyphens, a hyphen an optional space or hyphen,
and a trailing `*` on a word any word ending (a stem: `vakbond*` matches `vakbondslid`). The
`name` flag marks a term that is also a common name or place word ("Christian", "Church
Street"): a hit is ignored when it is capitalised and followed by another capitalised word, or
follows an honorific such as "Mr" or "mevrouw".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import Literal

from silver.domain.identifiers import is_bsn

_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def normalise(text: str) -> str:
    """Accents removed, case kept (matching is case-insensitive; case helps spot names)."""
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


def fold(text: str) -> str:
    return normalise(text).casefold()


@dataclass(frozen=True)
class TermEntry:
    category: str
    term: str
    pattern: re.Pattern[str]
    name_like: bool


@dataclass(frozen=True)
class TermHit:
    category: str
    label: str
    term: str


_NEXT_CAPITAL = re.compile(r"[ \t]+(?=[^\W\d_])")
_HONORIFIC_BEFORE = re.compile(
    r"(?<!\w)(?:mr|mrs|ms|miss|dr|sir|dhr|mevr|mw|mevrouw|heer)\.?\s+$", re.IGNORECASE
)


class TermList:
    def __init__(self, name: str, source: str) -> None:
        self.name = name
        self.labels: dict[str, str] = {}
        entries: list[TermEntry] = []
        for number, raw in enumerate(source.splitlines(), start=1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            if line.startswith("category "):
                category, _, label = line.removeprefix("category ").partition("=")
                self.labels[category.strip()] = label.strip()
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) not in (2, 3) or not all(parts[:2]):
                raise ValueError(f"{name}:{number}: expected 'category | term [| name]'")
            category, term = parts[0], fold(parts[1])
            flags = parts[2] if len(parts) == 3 else ""
            if flags not in ("", "name"):
                raise ValueError(f"{name}:{number}: unknown flag {flags!r}")
            if category not in self.labels:
                raise ValueError(f"{name}:{number}: undeclared category {category!r}")
            pattern = re.compile("".join(_term_tokens(term)))
            entries.append(TermEntry(category, term, pattern, flags == "name"))
        # The most specific entry first, so that "religious leader" is reported as itself.
        entries.sort(key=lambda e: len(e.pattern.pattern), reverse=True)
        self.entries: tuple[TermEntry, ...] = tuple(entries)
        self.regex = re.compile(_trie_regex([_term_tokens(e.term) for e in entries]))

    def find(self, text: str) -> list[TermHit]:
        """Every hit in the text, in order; names and places among `name` terms are skipped."""
        norm = normalise(text)
        lowered = norm.lower()
        if len(lowered) != len(norm):
            lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in norm)
        hits: list[TermHit] = []
        for match in self.regex.finditer(lowered):
            entry = self._entry_for(match.group())
            if entry is None or (entry.name_like and _looks_like_name(norm, *match.span())):
                continue
            term = " ".join(match.group().split())
            hits.append(TermHit(entry.category, self.labels[entry.category], term))
        return hits

    def _entry_for(self, matched: str) -> TermEntry | None:
        return next((e for e in self.entries if e.pattern.fullmatch(matched)), None)


_SPACE = r"[\s\-]+"
_HYPHEN = r"[\s\-]?"
_STEM = r"\w*"


def _term_tokens(term: str) -> list[str]:
    """A term as regex tokens: one per literal character, plus the separators and stems."""
    tokens: list[str] = []
    for w, word in enumerate(term.split()):
        if w:
            tokens.append(_SPACE)
        for p, piece in enumerate(word.rstrip("*").split("-")):
            if p:
                tokens.append(_HYPHEN)
            tokens.extend(re.escape(char) for char in piece)
        if word.endswith("*"):
            tokens.append(_STEM)
    return tokens


Trie = dict[str, "Trie"]


def _trie_regex(terms: list[list[str]]) -> str:
    """One regex for all terms, factored by common prefixes, on word boundaries.

    Each branch starts with its literal first character, so the regex engine skips quickly to
    the positions where a term can start; the word-start check follows that character.
    """
    trie: Trie = {}
    for tokens in terms:
        node = trie
        for token in tokens:
            node = node.setdefault(token, {})
        node[""] = {}
    branches = [first + r"(?<!\w.)" + _trie_node(child) for first, child in sorted(trie.items())]
    return "(?:" + "|".join(branches) + r")(?!\w)"


def _trie_node(node: Trie) -> str:
    # A stem goes last, so that a longer phrase through the same word is tried first.
    ordered = sorted(node.items(), key=lambda item: (item[0] == _STEM, item[0]))
    children = [token + _trie_node(child) for token, child in ordered if token]
    if not children:
        return ""
    body = children[0] if len(children) == 1 else "(?:" + "|".join(children) + ")"
    return f"(?:{body})?" if "" in node else body


def _looks_like_name(text: str, start: int, end: int) -> bool:
    if not text[start].isupper():
        return False
    if (following := _NEXT_CAPITAL.match(text, end)) and text[following.end()].isupper():
        return True
    return bool(_HONORIFIC_BEFORE.search(text, max(0, start - 12), start))


def _load(filename: str) -> TermList:
    source = resources.files("screening").joinpath("terms", filename).read_text(encoding="utf-8")
    return TermList(filename, source)


SPECIAL_CATEGORIES = _load("special_categories.txt")
ART3 = _load("art3.txt")


PersonalDataKind = Literal["bsn", "email", "phone"]

_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
# Phone numbers and BSNs in one pass. Every match starts with a digit or "+" (so the engine
# skips quickly to candidates) and the boundary checks follow that first character. The
# leftmost match wins, so the digits of a phone number ("+31 612345678") are never read as a
# BSN. Dutch numbers have ten digits in the usual groupings ("06-12345678", "020-1234567",
# "020 123 4567", "0418 12 34 56"), so the 4-4-2 groups of a printed IBAN are not one.
# A BSN is exactly nine digits, or 4-2-3 with one consistent separator, standing on its own:
# digits inside a longer run or next to letters (an IBAN, a crypto address, a passport number)
# or with decimals ("123456782.00") are not; the old Dutch VAT number NL<BSN>B01 and
# "BSN<BSN>" are.
_NUMBERS = re.compile(
    r"""
    [+0-9]
    (?:
        (?<=\+)(?<![\w+]\+)
        [1-9](?:[\s.\-/]?(?:\(0\)[\s.\-/]?)?[0-9]){7,14}(?![0-9])
      | (?<=0)(?<![\w+]0)
        (?:
            0[1-9](?:[\s.\-/]?(?:\(0\)[\s.\-/]?)?[0-9]){6,13}
          | 6[\s\-]?(?:[0-9]{8}|[0-9]{4}[\s\-][0-9]{4}|[0-9]{2}(?:[\s\-][0-9]{2}){3})
          | (?P<landline>
                [1-9][0-9]{1,2}[\s\-]
                (?:[0-9]{6,7}|[0-9]{3}[\s\-][0-9]{3,4}|[0-9]{2}[\s\-][0-9]{2}[\s\-][0-9]{2})
            )
        )
        (?![0-9])
      | (?<!\w[0-9])(?<![0-9][.,][0-9])
        (?P<bsn>[0-9]{8}|[0-9]{3}(?P<sep>[ .\-])[0-9]{2}(?P=sep)[0-9]{3})
        (?!\w)(?![.,][0-9])
    )
    """,
    re.VERBOSE,
)
_GLUED_BSN = re.compile(
    r"(?<![0-9A-Za-z])(?:NL([0-9]{9})B[0-9]{2}|BSN([0-9]{9}))(?![0-9A-Za-z])", re.IGNORECASE
)
_NOT_DIGIT = re.compile(r"[^0-9]")
DUTCH_NUMBER_DIGITS = 10
SHORTEST_CONTACT = 6  # "a@b.nl"; a BSN or a phone number is longer


def find_personal_data(text: str) -> frozenset[PersonalDataKind]:
    """Which kinds of personal data the text holds: a BSN, an e-mail address, a phone number."""
    kinds: set[PersonalDataKind] = set()
    if len(text) < SHORTEST_CONTACT:
        return frozenset()
    emails: list[tuple[int, int]] = []
    if "@" in text:
        emails = [m.span() for m in _EMAIL.finditer(text)]
        if emails:
            kinds.add("email")
    for match in _NUMBERS.finditer(text):
        if any(start <= match.start() < end for start, end in emails):
            continue
        if match.group("landline") is not None:
            if len(_NOT_DIGIT.sub("", match.group())) == DUTCH_NUMBER_DIGITS:
                kinds.add("phone")
        elif match.group("bsn") is None:
            kinds.add("phone")
        elif is_bsn(_NOT_DIGIT.sub("", match.group())):
            kinds.add("bsn")
    if "bsn" not in kinds and any(
        is_bsn(m.group(1) or m.group(2)) for m in _GLUED_BSN.finditer(text)
    ):
        kinds.add("bsn")
    return frozenset(kinds)
