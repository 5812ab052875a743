"""The ports: what the services may ask of storage, and the typed rows it answers with.

Each repository is a `Protocol`; `graph/` implements them on Neo4j and `tests/unit/fakes.py`
in memory. A service can call only what a port declares, and mypy checks it. Rows are
TypedDicts: the stored properties of a node, named and typed, so that a misspelt property is a
type error rather than a `KeyError` at run time. Optional properties (set later in a case's
life, or only for some kinds of row) are `NotRequired`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any, NotRequired, Protocol, TypedDict

from silver.domain.audit import AuditEvent, StoredEvent
from silver.domain.projection import Projection
from silver.domain.users import User

# --- rows ----------------------------------------------------------------------------------


class NewCaseRow(TypedDict):
    """A `Case` node as intake creates it: all but its number, which is taken last
    (`CaseRepository.add`). `body` is the sealed case content; the other fields carry
    no personal data but the sealed `screening` result (its `screening_verdict` is in the
    clear) and the status `history`."""

    id: str
    agency: str
    proposed_by: str
    status: str
    version: int
    created_at: datetime
    updated_at: datetime
    wrapped_key: str
    body: str
    history: str
    urgency: str
    crime_types: list[str]
    requested_instrument: str | None
    max_penalty_years: float | None
    target_countries: list[str]
    subject_count: int
    asset_count: int


class CaseRow(NewCaseRow):
    """A stored `Case` node."""

    number: str
    submitted_at: NotRequired[datetime | None]
    first_submitted_at: NotRequired[datetime | None]
    closed_at: NotRequired[datetime | None]
    purged_at: NotRequired[datetime | None]
    screening: NotRequired[str | None]
    screening_verdict: NotRequired[str | None]
    screened_version: NotRequired[int | None]
    screened_at: NotRequired[datetime | None]
    decided_at: NotRequired[datetime | None]
    approved_at: NotRequired[datetime | None]
    instrument: NotRequired[str | None]
    disseminated_at: NotRequired[datetime | None]
    restrictions: NotRequired[str | None]


class CasePlainFields(TypedDict):
    """What a case node keeps in the clear for filtering and statistics: no personal data."""

    urgency: str
    crime_types: list[str]
    requested_instrument: str | None
    max_penalty_years: float | None
    target_countries: list[str]
    subject_count: int
    asset_count: int


class CaseChanges(TypedDict, total=False):
    """The case properties a service may change after creation."""

    body: str
    status: str
    history: str
    updated_at: datetime
    submitted_at: datetime
    first_submitted_at: datetime
    closed_at: datetime
    decided_at: datetime
    approved_at: datetime
    instrument: str | None
    disseminated_at: datetime
    urgency: str
    crime_types: list[str]
    requested_instrument: str | None
    max_penalty_years: float | None
    target_countries: list[str]
    subject_count: int
    asset_count: int
    restrictions: str


class QueueRow(TypedDict):
    """A case waiting for a screener, without personal data."""

    id: str
    number: str
    agency: str
    status: str
    urgency: str
    crime_types: list[str]
    requested_instrument: str | None
    target_countries: list[str]
    submitted_at: datetime | None
    subject_count: int
    asset_count: int
    screening_verdict: str | None
    screened_version: int | None
    version: int
    first_approval_by: str | None


class LinkRow(TypedDict):
    """A subject or asset of a case (by graph uid) that another case also knows."""

    uid: str
    kind: str
    cases: list[dict[str, str]]


class GraphNodeRow(TypedDict):
    uid: str
    group: str
    type: str


class GraphEdgeRow(TypedDict):
    source: str
    target: str
    type: str
    share: float | None


class CaseGraphRows(TypedDict):
    nodes: list[GraphNodeRow]
    edges: list[GraphEdgeRow]


class PersonHitRow(TypedDict):
    """A case with a person (by graph uid) indexed under a searched name and birth date."""

    case_id: str
    number: str
    agency: str
    status: str
    uid: str


class PurgeRow(TypedDict):
    id: str
    number: str


class DecisionRow(TypedDict):
    """A screener's decision; never changed once written. `justification` is sealed."""

    id: str
    case_id: str
    seq: int
    decision: str
    stage: str
    outcome: str
    instrument: str | None
    countries: list[str]
    reason_codes: list[str]
    acknowledged_rules: list[str]
    transfer_bases: str
    by: str
    at: datetime
    case_version: int
    justification: NotRequired[str | None]


class KeptOutRow(TypedDict):
    country: str
    rule: str
    risk: str


class NoticeRow(TypedDict):
    """One recipient of a dissemination (a country, or INTERPOL-GS for a notice)."""

    id: str
    case_id: str
    recipient: str
    instrument: str
    status: str
    message_id: str
    queued_at: datetime
    attempts: NotRequired[int]
    decision_id: NotRequired[str]
    transfer_bases: NotRequired[list[str]]
    urgent: NotRequired[bool]
    retry_base: NotRequired[int]
    message: NotRequired[str | None]
    signature: NotRequired[str | None]
    key_id: NotRequired[str | None]
    jws: NotRequired[str | None]
    categories: NotRequired[list[str]]
    last_error: NotRequired[str | None]
    last_attempt_at: NotRequired[datetime | None]
    sent_at: NotRequired[datetime | None]
    due_by: NotRequired[datetime | None]
    overdue: NotRequired[bool]
    overdue_since: NotRequired[datetime | None]
    acknowledged_at: NotRequired[datetime | None]
    countries: NotRequired[list[str]]
    case_number: NotRequired[str]
    agency: NotRequired[str]


class OutboxNoticeRow(TypedDict):
    """What pruning the outbox needs to know of a message's Notice."""

    message_id: str
    status: str
    sent_at: datetime | None
    case_purged: bool


class NoticeDraft(TypedDict):
    """A Notice to record at approval: its properties and the countries it reaches."""

    props: dict[str, Any]
    countries: list[str]


class OutcomeRow(TypedDict):
    """A country's answer on an asset (or on the case), one event per answer."""

    id: str
    case_id: str
    country: str
    result: str
    reported_on: date
    recorded_at: datetime
    recorded_by: str
    asset_key: NotRequired[str | None]
    asset_uid: NotRequired[str | None]
    value_amount: NotRequired[str | None]
    value_currency: NotRequired[str | None]
    new_asset: NotRequired[bool]
    notes: NotRequired[str | None]


class CountryRow(TypedDict):
    """A country with its current risk profile (JSON) and the profile's version."""

    code: str
    name: str | None
    participant: bool
    profile: str
    version: int


class DeliveryRows(TypedDict):
    """What a delivery attempt reads, in one query: the Notice and its case (both locked for
    the transaction), the recipient's stored country profile (None for the General Secretariat
    or a country without one), and how many other Notices of the case are not delivered yet."""

    notice: NoticeRow
    case: CaseRow
    country: CountryRow | None
    undelivered_others: int


class CountrySeedRow(TypedDict):
    code: str
    name: str | None
    participant: bool
    profile: str


class ProfileChangeRow(TypedDict):
    version: int
    by: str
    at: datetime
    changed: list[str]
    profile: str


class UserChanges(TypedDict, total=False):
    """What an admin (or the user, for the password) changes of a user; the repository counts
    the user's version up with every change."""

    role: str
    agency: str | None
    active: bool
    password_hash: str
    must_change_password: bool
    failed_logins: int
    locked_until: datetime | None


class MatchRow(TypedDict):
    """A case's subject or asset (by graph uid) that shares a matching key (`kind`) with a
    reference entity (dataset ...) or with another case (case_number, case_agency)."""

    uid: str
    kind: str
    dataset: str | None
    entity_id: str | None
    schema: str | None
    caption: str | None
    case_number: str | None
    case_agency: str | None


class RefEntityRow(TypedDict):
    """A reference entity as published: its FtM schema, caption and properties (JSON)."""

    id: str
    schema: str
    caption: str | None
    properties: str


class TraceNode(TypedDict, total=False):
    """A node on a traced path: a case's subject or asset (uid, case_id), a reference entity
    (dataset, id, schema, caption, countries, jurisdictions), or the identifier (kind) that two
    of them share."""

    uid: str | None
    case_id: str | None
    dataset: str | None
    id: str | None
    schema: str | None
    caption: str | None
    countries: list[str] | None
    jurisdictions: list[str] | None
    kind: str | None
    ref: bool
    subject: bool
    identifier: bool


class TraceRow(TypedDict):
    """One node reached (the last of `nodes`): the path to it, its relationships in order
    (`type`, `share`), how many ownership/control steps it took, and the node's degree."""

    nodes: list[TraceNode]
    relations: list[dict[str, Any]]
    hops: int
    degree: int


# --- repositories ----------------------------------------------------------------------------


class UserRepository(Protocol):
    def add(self, user: User, now: datetime) -> bool: ...
    def get(self, username: str) -> User | None: ...
    def lock_for_update(self, username: str) -> User | None: ...
    def record_failure(self, username: str, locked_until: datetime | None) -> None: ...
    def record_success(self, username: str, now: datetime) -> None: ...
    def set_password(self, username: str, password_hash: str) -> bool: ...
    def update(self, username: str, changes: UserChanges) -> User | None: ...
    def revoke_tokens(self, username: str, now: datetime) -> int: ...
    def all_users(self) -> list[User]: ...
    def add_token(
        self, token_hash: str, username: str, issued_at: datetime, expires_at: datetime
    ) -> None: ...
    def user_for_token(self, token_hash: str, now: datetime) -> User | None: ...
    def revoke_token(self, token_hash: str, now: datetime) -> None: ...
    def purge_expired_tokens(self, now: datetime) -> int: ...


class AuditRepository(Protocol):
    def append(self, event: AuditEvent) -> None:
        """Add `event` to the keyed chain when the transaction commits."""

    def head(self) -> tuple[int, str] | None: ...
    def page(self, case_id: str | None, skip: int, limit: int) -> tuple[list[StoredEvent], int]: ...
    def iterate_all(self, batch: int = 5000) -> Iterator[StoredEvent]: ...


class LoginThrottle(Protocol):
    """Failed logins per username, for any username: one that exists and one that does not
    are counted and locked alike, so a lockout does not tell which usernames exist."""

    def locked_for(self, username: str, now: datetime) -> int:
        """Seconds the username stays locked; 0 when it is not locked."""
        ...

    def failed(
        self, username: str, now: datetime, threshold: int, lock_seconds: int
    ) -> datetime | None:
        """Count a failed login; the end of the lock when this failure starts one."""
        ...

    def succeeded(self, username: str) -> None: ...


class AuditWitness(Protocol):
    """Where the chain's head is recorded outside the graph, after each commit."""

    @property
    def name(self) -> str: ...
    def record(self, events: Sequence[StoredEvent]) -> None: ...
    def witnessed(self) -> list[tuple[int, str]] | None: ...


class KeyringRepository(Protocol):
    def wrapped_keys(self) -> Iterator[tuple[str, str]]: ...
    def store_wrapped(self, owner: str, wrapped: str) -> None: ...


class CaseRepository(Protocol):
    def add(self, row: NewCaseRow, projection: Projection, year: int) -> str: ...
    def get(self, case_id: str, for_update: bool = False) -> CaseRow | None: ...
    def save(self, case_id: str, expected_version: int, changes: CaseChanges) -> bool: ...
    def page(
        self, agency: str | None, statuses: list[str] | None, skip: int, limit: int
    ) -> tuple[list[CaseRow], int]: ...
    def store_screening(
        self, case_id: str, version: int, sealed: str, verdict: str, at: datetime
    ) -> None: ...
    def clear_screenings(self, limit: int) -> list[tuple[str, int, str]]: ...
    def quota_used(self) -> int: ...
    def take_quota_slot(self, limit: int) -> int | None: ...
    def replace_projection(self, case_id: str, projection: Projection) -> None: ...
    def links(self, case_id: str, kinds: Sequence[str]) -> list[LinkRow]: ...
    def graph(self, case_id: str) -> CaseGraphRows: ...
    def add_decision(self, row: DecisionRow) -> None: ...
    def decisions(self, case_id: str) -> list[DecisionRow]: ...
    def add_kept_out(self, case_id: str, rows: list[KeptOutRow], at: datetime) -> None: ...
    def queue(self, skip: int, limit: int) -> tuple[list[QueueRow], int]: ...
    def due_for_purge(self, closed_before: datetime, pilot_over: bool) -> list[PurgeRow]: ...
    def purge(self, case_id: str, at: datetime) -> None: ...
    def id_of(self, number: str) -> str | None: ...
    def persons_indexed(self, index: str) -> list[PersonHitRow]: ...
    def ids_after(self, after: str, limit: int) -> list[str]: ...


class DisseminationRepository(Protocol):
    def add_notices(self, case_id: str, rows: list[NoticeDraft]) -> None: ...
    def add_corrections(self, case_id: str, rows: list[NoticeDraft]) -> None: ...
    def corrections_of(self, case_id: str) -> list[NoticeRow]: ...
    def cancel_queued(self, case_id: str, reason: str, at: datetime) -> int: ...
    def get(self, notice_id: str, for_update: bool = False) -> NoticeRow | None: ...
    def for_delivery(self, notice_id: str, lock_case: bool) -> DeliveryRows | None: ...
    def by_recipient(self, case_id: str, recipient: str) -> NoticeRow | None: ...
    def update(self, notice_id: str, changes: dict[str, Any]) -> None: ...
    def of_case(self, case_id: str) -> list[NoticeRow]: ...
    def all_delivered(self, case_id: str) -> bool: ...
    def queued_ids(self, idle_since: datetime | None = None) -> list[str]: ...
    def awaiting_answers(self, agency: str | None, due_before: datetime) -> list[NoticeRow]: ...
    def count_overdue(self, now: datetime) -> int: ...
    def overdue(self, agency: str | None, now: datetime) -> list[NoticeRow]: ...
    def mark_overdue(self, now: datetime) -> int: ...
    def recipients_reaching(self, case_id: str, country: str) -> list[NoticeRow]: ...
    def by_message_ids(self, message_ids: Sequence[str]) -> list[OutboxNoticeRow]: ...
    def add_outcome(self, row: OutcomeRow, asset_uid: str | None) -> None: ...
    def acknowledge(self, case_id: str, country: str, at: datetime) -> None: ...
    def outcomes(self, case_id: str) -> list[OutcomeRow]: ...
    def add_asset(
        self,
        case_id: str,
        asset: dict[str, Any],
        identifiers: Sequence[dict[str, Any]],
        countries: Sequence[dict[str, Any]],
        reported_by: str,
    ) -> None: ...


class Outbox(Protocol):
    """The directory of signed messages (the outbox transport's files), outside the graph."""

    def message_ids(self) -> Iterator[str]: ...
    def remove(self, message_id: str) -> bool: ...


class TracingRepository(Protocol):
    def matches(self, case_id: str) -> list[MatchRow]: ...
    def trace(
        self,
        *,
        case_id: str,
        start_uid: str,
        start_kind: str,
        direction: str,
        depth: int,
        agency: str | None,
        linking: Sequence[str],
        fanout: int,
        limit: int,
    ) -> list[TraceRow]: ...
    def cases(self, ids: Sequence[str]) -> dict[str, tuple[str, str]]: ...
    def entity(self, dataset: str, entity_id: str) -> RefEntityRow | None: ...


class MigrationRepository(Protocol):
    def done(self, migration_id: str) -> bool: ...
    def record(self, migration_id: str, at: datetime, detail: str) -> None: ...


class StatsAggregateRepository(Protocol):
    """The statistics' sums, kept current by the unit of work (it recomputes the cases its
    repositories changed before it commits); rebuilding them from the graph."""

    def refresh(self, case_ids: Sequence[str]) -> None: ...
    def reset(self) -> None: ...
    def set_ready(self, at: datetime) -> None: ...
    def case_ids_after(self, after: str, limit: int) -> list[str]: ...


class CountryRepository(Protocol):
    def seed(self, rows: list[CountrySeedRow]) -> int: ...
    def all(self, participant: bool | None = None) -> list[CountryRow]: ...
    def profiles_for(self, codes: list[str]) -> list[CountryRow]: ...
    def get(self, code: str, for_update: bool = False) -> CountryRow | None: ...
    def save_profile(
        self,
        code: str,
        expected_version: int,
        profile: str,
        participant: bool,
        by: str,
        at: datetime,
        changed: list[str],
    ) -> int | None: ...
    def history(self, code: str) -> list[ProfileChangeRow]: ...
