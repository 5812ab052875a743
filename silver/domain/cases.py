"""Cases: the status machine and the shape of a case.

A case's content (`body`) is kept in exactly the JSON shape of the
`POST /api/v1/cases` body; the fields around it (id, number, status, ...) belong to the system.
The transitions below are the only way to change a status.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from silver.domain.errors import Conflict


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    REJECTED = "rejected"
    AWAITING_SECOND_APPROVAL = "awaiting_second_approval"
    APPROVED = "approved"
    DISSEMINATED = "disseminated"
    CLOSED = "closed"


TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED}),
    Status.SUBMITTED: frozenset(
        {Status.RETURNED, Status.REJECTED, Status.AWAITING_SECOND_APPROVAL, Status.APPROVED}
    ),
    Status.RETURNED: frozenset({Status.SUBMITTED}),
    Status.AWAITING_SECOND_APPROVAL: frozenset({Status.APPROVED, Status.RETURNED, Status.REJECTED}),
    Status.APPROVED: frozenset({Status.DISSEMINATED}),
    Status.DISSEMINATED: frozenset({Status.CLOSED}),
    Status.REJECTED: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
}

REQUESTER = "NL"  # the requesting country, never a recipient
# The recipient of a notice, which reaches every participant through it.
GENERAL_SECRETARIAT = "INTERPOL-GS"
INSTRUMENTS = ("notice", "diffusion")

EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})

CRIME_TYPES = (
    "fraud",
    "corruption",
    "drug_trafficking",
    "money_laundering",
    "environmental_crime",
    "tax_fraud",
    "organised_crime",
    "human_trafficking",
    "cybercrime",
    "other",
)
LEGAL_BASIS_TYPES = ("criminal_investigation", "confiscation_order", "conviction")
SUBJECT_KINDS = ("person", "organisation")
SUBJECT_ROLES = ("suspect", "convicted", "third_party")
IDENTIFIER_TYPES = ("passport", "national_id", "tax_id", "other")
# The fields of a subject of each kind; a subject leaves those of the other kind empty.
PERSON_FIELDS = (
    "full_name",
    "aliases",
    "date_of_birth",
    "nationalities",
    "residence_country",
    "refugee_status",
    "identifiers",
)
ORGANISATION_FIELDS = ("name", "registration_number", "jurisdiction", "lei")
ASSET_TYPES = (
    "bank_account",
    "real_estate",
    "vehicle",
    "vessel",
    "aircraft",
    "crypto_wallet",
    "company_share",
    "cash_or_valuables",
    "other",
)
# The fields that identify an asset of each type (besides key, type, country, value, description).
ASSET_TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "bank_account": ("iban", "account_number", "bic"),
    "real_estate": ("address", "cadastral_reference"),
    "vehicle": ("vin", "registration_plate", "registration_country"),
    "vessel": ("imo", "name"),
    "aircraft": ("registration_mark",),
    "crypto_wallet": ("currency", "address"),
    "company_share": ("organisation", "percentage", "isin"),
    "cash_or_valuables": (),
    "other": (),
}
HOLDING_RELATIONS = ("owns", "controls", "beneficial_owner", "uses")
SUBJECT_RELATIONS = (
    "director_of",
    "shareholder_of",
    "beneficial_owner_of",
    "relative_of",
    "associate_of",
)

# A case body's fields with their value when the caseworker left them out.
BODY_DEFAULTS: dict[str, Any] = {
    "national_reference": None,
    "crime_types": [],
    "offence_summary": None,
    "max_penalty_years": None,
    "legal_basis": None,
    "urgency": "normal",
    "requested_instrument": None,
    "target_countries": [],
    "contains_special_categories": False,
    "special_categories_justification": None,
    "subjects": [],
    "assets": [],
    "holdings": [],
    "relations": [],
}

# Fields that may hold personal data in free text (encrypted at rest like everything in `body`).
FREE_TEXT_FIELDS = ("title", "offence_summary", "special_categories_justification")


@dataclass(frozen=True)
class StatusChange:
    status: Status
    at: datetime
    by: str


@dataclass
class Case:
    id: str
    number: str
    agency: str
    proposed_by: str
    status: Status
    version: int
    created_at: datetime
    updated_at: datetime
    body: dict[str, Any]
    submitted_at: datetime | None = None
    history: list[StatusChange] = field(default_factory=list)

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE

    def transition(self, to: Status, by: str, at: datetime) -> None:
        if to not in TRANSITIONS[self.status]:
            raise Conflict(f"a case in status '{self.status}' cannot become '{to}'")
        self.status = to
        self.history.append(StatusChange(to, at, by))
        if to is Status.SUBMITTED:
            self.submitted_at = at


CASE_NUMBER_DIGITS = 4  # at least: the 10,000th case of a year has five


def case_number_prefix(year: int) -> str:
    return f"NL-SN-{year}-"


def case_number(year: int, sequence: int) -> str:
    """A case's number: its year and its place in that year (1, 2, ...; unique, no gaps)."""
    return f"{case_number_prefix(year)}{sequence:0{CASE_NUMBER_DIGITS}d}"


def subject_label(subject: dict[str, Any]) -> str:
    if subject.get("kind") == "organisation":
        return str(subject.get("name") or subject.get("key"))
    return str(subject.get("full_name") or subject.get("key"))
