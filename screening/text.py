"""Detection in real text: term lists, BSNs and contact data.

Term lists are data (`screening/terms/*.txt`), read once at import with the package, and each
list is compiled into one alternation regex. Matching is on word boundaries, case-insensitive
and accent-insensitive (NFKD with combining marks removed), never on bare substrings.

A case has hundreds of texts, so they are searched together (`Joined`): joined into one string
with a NUL between them, one pass of each pattern finds what a pass per text would find. The
term lists are searched with one Aho-Corasick pass (`TermScanner`) for the first word of every
term of every list; a list's regex is then tried only where one of its terms can start.

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
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from typing import Literal

import ahocorasick

from silver.domain.identifiers import is_bsn

_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def normalise(text: str) -> str:
    """Accents removed, case kept (matching is case-insensitive; case helps spot names)."""
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


def fold(text: str) -> str:
    return normalise(text).casefold()


def _lowered(norm: str) -> str:
    """Lower case of the same length (a character whose lower case is longer stays as it is),
    so that positions in it are positions in `norm`."""
    lowered = norm.lower()
    if len(lowered) != len(norm):
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in norm)
    return lowered


# Between joined texts. No pattern here matches a NUL (it is not a word character, a space, a
# digit or a separator), so no match spans two texts, and every lookaround sees a NUL as it
# sees the start or the end of a text.
SEPARATOR = "\x00"


class Joined:
    """Texts joined into one string with SEPARATOR between them, and which text a position of
    the joined string is in."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.text = SEPARATOR.join(texts)
        self.starts: list[int] = []
        position = 0
        for text in texts:
            self.starts.append(position)
            position += len(text) + 1

    def owner(self, position: int) -> int:
        """The index of the text that holds `position` of the joined string."""
        return bisect_right(self.starts, position) - 1


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
        # The literal characters every term starts with (up to its first space, hyphen or
        # stem), where a match can start; None when a term starts with none.
        firsts = [_first_piece(_term_tokens(e.term)) for e in entries]
        self.first_pieces: frozenset[str] | None = frozenset(firsts) if all(firsts) else None

    def find(self, text: str) -> list[TermHit]:
        """Every hit in the text, in order; names and places among `name` terms are skipped."""
        return self._scanner.find([text])[0][0]

    @cached_property
    def _scanner(self) -> TermScanner:
        return TermScanner((self,))

    def hits(self, norm: Joined, matches: Iterator[re.Match[str]]) -> list[list[TermHit]]:
        """The hits of the regex's `matches` in the lowered `norm`, per text of `norm`."""
        found: list[list[TermHit]] = [[] for _ in norm.starts]
        for match in matches:
            entry = self._entry_for(match.group())
            if entry is None or (entry.name_like and _looks_like_name(norm.text, *match.span())):
                continue
            term = " ".join(match.group().split())
            found[norm.owner(match.start())].append(
                TermHit(entry.category, self.labels[entry.category], term)
            )
        return found

    def _entry_for(self, matched: str) -> TermEntry | None:
        return next((e for e in self.entries if e.pattern.fullmatch(matched)), None)


class TermScanner:
    """Term lists searched together: one Aho-Corasick pass over the texts finds every place
    where the first characters of a term of any list stand; each list's regex is then tried
    there only (anchored, in order, skipping places inside its previous match), which finds
    exactly what `regex.finditer` finds: every match starts with its term's first characters.
    A list with a term that starts with no literal character is searched with its regex."""

    def __init__(self, lists: Sequence[TermList]) -> None:
        self.lists = tuple(lists)
        self.automaton = ahocorasick.Automaton()
        lists_of: dict[str, list[int]] = {}
        for index, terms in enumerate(self.lists):
            for piece in terms.first_pieces or ():
                lists_of.setdefault(piece, []).append(index)
        for piece, indexes in lists_of.items():
            self.automaton.add_word(piece, (len(piece) - 1, tuple(indexes)))
        self.searchable = bool(lists_of)
        if self.searchable:
            self.automaton.make_automaton()

    def find(self, texts: Sequence[str]) -> list[list[list[TermHit]]]:
        """Per list, per text: its hits, as `TermList.find` of that text returns them."""
        norms = [normalise(text) for text in texts]
        norm = Joined(norms)
        lowered = SEPARATOR.join(_lowered(n) for n in norms)
        starts: list[set[int]] = [set() for _ in self.lists]
        if self.searchable:
            for end, (back, indexes) in self.automaton.iter(lowered):
                for index in indexes:
                    starts[index].add(end - back)
        return [
            terms.hits(
                norm,
                terms.regex.finditer(lowered)
                if terms.first_pieces is None
                else _matches_at(terms.regex, lowered, sorted(starts[index])),
            )
            for index, terms in enumerate(self.lists)
        ]


def _matches_at(regex: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """The matches `regex.finditer(text)` gives, when every one starts at one of `starts`."""
    end = 0
    for start in starts:
        if start >= end and (match := regex.match(text, start)):
            end = match.end()
            yield match


@lru_cache(maxsize=16)
def _scanner(lists: tuple[TermList, ...]) -> TermScanner:
    return TermScanner(lists)


def find_terms(texts: Sequence[str], lists: Sequence[TermList]) -> list[list[list[TermHit]]]:
    """Per list, per text, the hits of `TermList.find`, searched in one pass over all texts."""
    return _scanner(tuple(lists)).find(texts)


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


def _first_piece(tokens: list[str]) -> str:
    """The literal characters a term's tokens start with (each token of a literal character is
    the character, escaped)."""
    piece = []
    for token in tokens:
        if token in (_SPACE, _HYPHEN, _STEM):
            break
        piece.append(token[-1])
    return "".join(piece)


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


# Where a glued BSN can start: _GLUED_BSN's letters with the characters IGNORECASE lets match
# them (the long s, U+017F, matches "s"; tests/unit/test_screening_batch.py checks the list),
# written out so that the regex engine skips quickly to an N or a B.
_GLUED_CANDIDATE = re.compile("[NnBb](?:(?<=[Nn])[Ll]|(?<=[Bb])[Ss\u017f][Nn])[0-9]{9}")


def find_personal_data(text: str) -> frozenset[PersonalDataKind]:
    """Which kinds of personal data the text holds: a BSN, an e-mail address, a phone number."""
    return find_personal_data_in([text]).get(0, frozenset())


def find_personal_data_in(texts: Sequence[str]) -> dict[int, frozenset[PersonalDataKind]]:
    """`find_personal_data` of every text, by the index of each text that holds any, found in
    one pass of each pattern over all of them (`Joined`)."""
    indexes = [i for i, text in enumerate(texts) if len(text) >= SHORTEST_CONTACT]
    joined = Joined([texts[i] for i in indexes])
    text = joined.text
    found: dict[int, set[PersonalDataKind]] = {}

    def add(position: int, kind: PersonalDataKind) -> None:
        found.setdefault(indexes[joined.owner(position)], set()).add(kind)

    email_starts: list[int] = []
    email_ends: list[int] = []
    # Only the texts with an "@" are searched for e-mail addresses (a pass over all of them
    # would try every word).
    at = text.find("@")
    while at >= 0:
        owner = joined.owner(at)
        end = joined.starts[owner] + len(texts[indexes[owner]])
        for match in _EMAIL.finditer(text, joined.starts[owner], end):
            email_starts.append(match.start())
            email_ends.append(match.end())
            add(match.start(), "email")
        at = text.find("@", end)
    for match in _NUMBERS.finditer(text):
        start = match.start()
        if email_starts:
            # Emails do not overlap: only the last one starting before can hold the match.
            last = bisect_right(email_starts, start) - 1
            if last >= 0 and start < email_ends[last]:
                continue
        if match.group("landline") is not None:
            if len(_NOT_DIGIT.sub("", match.group())) == DUTCH_NUMBER_DIGITS:
                add(start, "phone")
        elif match.group("bsn") is None:
            add(start, "phone")
        elif is_bsn(_NOT_DIGIT.sub("", match.group())):
            add(start, "bsn")
    # Every match of _GLUED_BSN starts where a candidate does, and candidates never overlap.
    for candidate in _GLUED_CANDIDATE.finditer(text):
        glued = _GLUED_BSN.match(text, candidate.start())
        if glued and is_bsn(glued.group(1) or glued.group(2)):
            add(glued.start(), "bsn")
    return {index: frozenset(kinds) for index, kinds in found.items()}
