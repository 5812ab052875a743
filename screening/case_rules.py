"""Case-level rules (docs/domain.md, "Screening", first table).

Messages name subjects by their client key and never quote personal data: no names, no BSN,
no e-mail address or phone number. A quoted term is a word from the term lists.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date

from screening.registry import Hit, case_rule
from screening.text import ART3, SPECIAL_CATEGORIES, TermList
from screening.view import CaseView, as_dict, as_str

LEGAL_BASIS_TYPES = ("criminal_investigation", "confiscation_order", "conviction")
ADULT_AGE = 18


@case_rule("CASE.MIN_DATA", severity="block", basis="pilot rules, RPD minimum data")
def minimum_data(case: CaseView) -> Iterator[Hit]:
    suspects = [s for s in case.subjects if s.is_person and s.is_suspect]
    if not suspects:
        yield Hit("subjects", "the case has no natural-person suspect")
    elif not any(s.full_name and (s.date_of_birth or s.has_identifier) for s in suspects):
        yield Hit(
            suspects[0].path,
            "no suspect has both a full name and a date of birth or an identifier",
        )
    if not case.text("offence_summary"):
        yield Hit("offence_summary", "the offence summary is missing")
    basis = as_dict(case.get("legal_basis"))
    if basis.get("type") not in LEGAL_BASIS_TYPES or not as_str(basis.get("reference")).strip():
        yield Hit("legal_basis", "the legal basis needs a type and a reference")
    if not case.assets and not case.target_countries:
        yield Hit("assets", "the case names no asset and no target country")


@case_rule("CASE.PENALTY_THRESHOLD", severity="block", basis="pilot rules")
def penalty_threshold(case: CaseView) -> Iterator[Hit]:
    threshold = case.config.penalty_threshold_years
    years = _number(case.get("max_penalty_years"))
    if years is None:
        yield Hit(
            "max_penalty_years",
            f"the maximum penalty is not stated; the pilot needs more than {threshold:g} years",
        )
    elif years <= threshold:
        yield Hit(
            "max_penalty_years",
            f"a maximum penalty of {years:g} years is not above the pilot's {threshold:g} years",
        )


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


@case_rule("GDPR.SPECIAL_CATEGORY", severity="block", basis="LED art. 10")
def special_categories(case: CaseView) -> Iterator[Hit]:
    yield from _term_hits(case, SPECIAL_CATEGORIES, "special-category data ({label})")
    if case.get("contains_special_categories") is True and not case.text(
        "special_categories_justification"
    ):
        yield Hit(
            "special_categories_justification",
            "special-category data is declared without a justification",
        )


def _term_hits(case: CaseView, terms: TermList, template: str) -> Iterator[Hit]:
    for text, hits in zip(case.free_texts, case.term_hits(terms), strict=True):
        if not text.scan_terms:
            continue
        by_category: dict[str, list[str]] = {}
        for hit in hits:
            found = by_category.setdefault(hit.label, [])
            if hit.term not in found:
                found.append(hit.term)
        for label, found in by_category.items():
            quoted = ", ".join(f'"{term}"' for term in found)
            yield Hit(text.path, f"{template.format(label=label)}: {quoted}")


@case_rule("GDPR.NATIONAL_ID", severity="block", basis="minimisation, Wabb")
def national_id(case: CaseView) -> Iterator[Hit]:
    for path, kinds in case.personal_data:
        if "bsn" in kinds:
            yield Hit(
                path,
                "a number passing the BSN 11-test: a Dutch BSN may not leave the country",
            )


@case_rule("GDPR.MINOR", severity="block", basis="LED art. 6, RPD care for minors")
def minor(case: CaseView) -> Iterator[Hit]:
    for subject in case.subjects:
        born = subject.date_of_birth
        if not subject.is_person or born is None or born > case.today:
            continue
        age = age_on(born, case.today)
        if age < ADULT_AGE:
            yield Hit(
                f"{subject.path}.date_of_birth",
                f"{subject.label} is {age} on {case.today.isoformat()}: under {ADULT_AGE}",
            )


def age_on(born: date, day: date) -> int:
    """Completed years. Someone born on 29 February has a birthday on 1 March in common years."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@case_rule("GDPR.THIRD_PARTY", severity="warn", basis="LED art. 6(d)")
def third_party(case: CaseView) -> Iterator[Hit]:
    for subject in case.subjects:
        if subject.is_suspect:
            continue
        role = subject.role or "no role"
        kind = "person" if subject.is_person else "organisation"
        justification = as_str(subject.data.get("justification")).strip()
        weigh = (
            f"weigh the justification ({len(justification)} characters)"
            if justification
            else "no justification is given"
        )
        yield Hit(
            f"{subject.path}.justification",
            f"{subject.label} ({kind}) is not a suspect ({role}): {weigh}",
        )


# Structured identifiers and references are not contact data, even when their digits look like
# a phone number (a printed IBAN, an account number); they are still checked for a BSN.
IDENTIFIER_FIELDS = frozenset(
    {
        "key", "national_reference", "reference", "iban", "account_number", "bic", "vin",
        "registration_plate", "imo", "registration_mark", "address", "cadastral_reference",
        "registration_number", "lei", "currency", "country", "jurisdiction", "amount",
    }
)  # fmt: skip


def _is_identifier(path: str) -> bool:
    parts = path.split(".")
    return parts[-1] in IDENTIFIER_FIELDS or (len(parts) >= 3 and parts[-3] == "identifiers")


@case_rule("GDPR.MINIMISATION", severity="warn", basis="LED art. 4(1)(c)")
def minimisation(case: CaseView) -> Iterator[Hit]:
    for path, kinds in case.personal_data:
        if _is_identifier(path):
            continue
        if "email" in kinds:
            yield Hit(path, "contains an e-mail address")
        if "phone" in kinds:
            yield Hit(path, "contains a phone number")
    limit = case.config.free_text_max_chars
    for text in case.free_texts:
        if len(text.text) > limit:
            yield Hit(text.path, f"{len(text.text)} characters: longer than {limit}")


@case_rule("INTERPOL.ART3", severity="warn", basis="Constitution art. 3")
def article_3(case: CaseView) -> Iterator[Hit]:
    yield from _term_hits(case, ART3, "signs of a {label}")


@case_rule("INTERPOL.QUOTA", severity="block", basis="pilot rules")
def quota(case: CaseView) -> Iterator[Hit]:
    if case.quota.remaining <= 0:
        yield Hit(
            None,
            f"the quota is used up: {case.quota.used} of {case.quota.limit} notices and diffusions",
        )
