"""Reference data: public FollowTheMoney entities (corporate registries, leaks such as the ICIJ
Offshore Leaks, sanctions lists) that cases are matched and traced against.

Reference data is public, so it is stored as published (not encrypted), in the same graph as the
cases but labelled apart from them: ``:Ref`` plus the FtM schema (``:Ref:Company``), keyed by
dataset and FtM id. Its identifiers are normalised exactly as a case's (:mod:`projection`) and
hashed with the same key, so a case and a reference entity that know the same IBAN meet at one
``:Identifier`` node. FtM interval entities (``Ownership``, ``Directorship``, ...) and the links
FtM writes as properties (``addressEntity``, a vehicle's ``owner``, ...) become typed, directed
relationships named as the case projection names holdings and relations (``OWNS``,
``DIRECTOR_OF``, ``FAMILY_OF``, ...), so that tracing follows both with one typed pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, Protocol

from silver.domain import projection
from silver.domain.blind_index import blind_index
from silver.domain.errors import SilverError, ValidationFailed

DATASET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")

# FtM interval schemata -> relationship type, from the schema's edge source to its target.
LINK_TYPES = {
    "Ownership": projection.HOLDING_TYPES["owns"],
    "Directorship": projection.RELATION_TYPES["director_of"],
    "Control": projection.HOLDING_TYPES["controls"],
    "Family": projection.RELATION_TYPES["relative_of"],
    "Associate": projection.RELATION_TYPES["associate_of"],
    "Representation": "REPRESENTS",
    "Membership": "MEMBER_OF",
    "Employment": "EMPLOYED_BY",
    "Occupancy": "HOLDS_POSITION",
    "Succession": "SUCCEEDED_BY",
    "UnknownLink": "LINKED_TO",
}
# Any other interval schema (Payment, Debt, ...) is a generic link that keeps its schema.
OTHER_LINK = "LINKED_TO"
# An Ownership of these types is beneficial ownership, as a case's beneficial_owner(_of).
BENEFICIAL_OWNERSHIP = frozenset({"beneficial", "ultimate"})
BENEFICIAL_OWNER_OF = projection.HOLDING_TYPES["beneficial_owner"]

# Entity-valued properties (FtM's qualified names) that are links of their own: the type, and
# whether the property names the owner side (it -> this entity) rather than the target.
PROPERTY_LINKS: dict[str, tuple[str, bool]] = {
    "Thing:addressEntity": ("HAS_ADDRESS", False),
    "Vehicle:owner": (projection.HOLDING_TYPES["owns"], True),
    "Vehicle:operator": (projection.HOLDING_TYPES["uses"], True),
    "CryptoWallet:holder": (projection.HOLDING_TYPES["owns"], True),
    "LegalEntity:parent": (projection.HOLDING_TYPES["controls"], True),
    "Security:issuer": ("SHARE_OF", False),
}
# Every other entity-valued property of an entity is a LINKED_TO with the property's name.

# Every relationship type the import writes (the graph schema puts a key constraint on each).
RELATIONSHIP_TYPES: tuple[str, ...] = tuple(
    sorted({*LINK_TYPES.values(), OTHER_LINK, BENEFICIAL_OWNER_OF})
)


class NotFtM(SilverError):
    """The input does not look like FollowTheMoney entities at all."""


def check_dataset_name(name: str) -> str:
    if not isinstance(name, str) or not DATASET_NAME.match(name):
        raise ValidationFailed(
            {"dataset": ["1-64 letters, digits, '_', '.' or '-', starting with a letter or digit"]}
        )
    return name


# The rows are named tuples: millions of them cross from parsing processes to the writing one,
# and a tuple is the cheapest thing to pickle.
class RefIdentifier(NamedTuple):
    kind: str
    blind_index: str


class RefEntity(NamedTuple):
    """A node entity as published, with the blind indexes of its identifiers."""

    id: str
    schema: str
    caption: str
    names: tuple[str, ...]
    countries: tuple[str, ...]
    jurisdictions: tuple[str, ...]
    birth_dates: tuple[str, ...]
    properties: str  # every FtM property, as JSON
    identifiers: tuple[RefIdentifier, ...] = ()


class RefLink(NamedTuple):
    """A typed, directed relationship between two entities of one dataset.

    ``id`` is the id of the FtM interval entity it stands for, or None for a link FtM writes as
    a property of an entity (``via`` names that property).
    """

    type: str
    source: str
    target: str
    id: str | None = None
    schema: str | None = None
    via: str | None = None
    share: float | None = None
    role: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    properties: str | None = None


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    entities: int
    imported_at: datetime | None


class ReferenceRepository(Protocol):
    """Where reference data lives (graph/repositories/reference.py)."""

    def write(
        self, dataset: str, entities: Sequence[RefEntity], links: Sequence[RefLink]
    ) -> None: ...

    def pending(self, dataset: str, limit: int) -> tuple[int, list[str]]:
        """Entities that links named but that never came: how many, and some of their ids."""
        ...

    def record(self, dataset: str, at: datetime) -> DatasetInfo:
        """Count the dataset's entities and stamp its import."""
        ...

    def delete_some(self, dataset: str, limit: int) -> int:
        """Delete up to ``limit`` of the dataset's entities; how many went."""
        ...

    def forget(self, dataset: str) -> bool:
        """Remove the dataset's bookkeeping; whether there was any."""
        ...

    def datasets(self) -> list[DatasetInfo]: ...


def link_type(schema: str, properties: Mapping[str, Sequence[str]]) -> str:
    if schema == "Ownership" and BENEFICIAL_OWNERSHIP & {
        v.strip().lower() for v in properties.get("ownershipType") or []
    }:
        return BENEFICIAL_OWNER_OF
    return LINK_TYPES.get(schema, OTHER_LINK)


def share_of(percentages: Iterable[str]) -> float | None:
    """An FtM percentage (``"60"``, ``"33.3%"``) as a share 0..1; None when it is not one."""
    for text in percentages:
        try:
            value = float(text.strip().rstrip("%").strip())
        except ValueError:
            continue
        if 0 <= value <= 100:
            return value / 100
    return None


def identifiers_of(
    views: Iterable[tuple[str, Mapping[str, Any]]], index_key: bytes
) -> tuple[RefIdentifier, ...]:
    """The blind indexes of a reference entity's identifiers.

    ``views`` are the entity seen as a case's subject or asset (``("subject", {...})``), with
    values as published: they are normalised and keyed exactly as a case's, by the same
    functions, so a case and a reference entity can never disagree on an identifier.
    """
    out: dict[str, RefIdentifier] = {}
    for side, view in views:
        item = projection.canonical_identifying(view)
        pairs = (
            projection.subject_identifiers(item)
            if side == "subject"
            else projection.asset_identifiers(item)
        )
        for kind, value in pairs:
            index = blind_index(index_key, kind, value)
            out.setdefault(index, RefIdentifier(kind, index))
    return tuple(out.values())
