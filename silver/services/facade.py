"""The services as the entrypoints see them: one object per area, its dependencies bound.

Every public method is one service call, run again when the graph database had a passing
fault and nothing was committed (silver/services/retries.py).

The service modules are plain functions of plain values, the acting user and a unit of work
(plus keys and settings where they need them), which keeps them easy to test. An entrypoint
should not have to know which of them needs the quota, the penalty threshold, the key material
or the queue: `silver.bootstrap` builds one `Services` with those bound once, and a handler says
only what it means, e.g. `services.cases.submit(case_id, version, user)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from screening.decisions import DecisionRequest
from silver.domain.audit import AuditChain, ChainReport
from silver.domain.cases import Case
from silver.domain.errors import ConfigError
from silver.domain.ports import AuditWitness, LoginThrottle, PurgeRow
from silver.domain.reference import DatasetInfo
from silver.domain.stats.export import PilotStatistics
from silver.domain.stats.guards import default_audience
from silver.domain.stats.rows import Reader
from silver.domain.uow import AbstractUnitOfWork
from silver.domain.users import User
from silver.infra import jose
from silver.infra import keys as key_store
from silver.infra.config import Settings
from silver.infra.keys import KeyMaterial, add_master_key
from silver.infra.transport import OutboxTransport, Transport
from silver.services import (
    audit,
    auth,
    case_view,
    countries,
    decisions,
    dissemination,
    ftm_cases,
    intake,
    keys,
    outbox,
    outcomes,
    people,
    privacy,
    reference,
    retention,
    screening,
    stats,
    tracing,
)
from silver.services.case_store import utcnow
from silver.services.progress import Track, untracked
from silver.services.retries import retrying_methods

UowFactory = Callable[[], AbstractUnitOfWork]
Enqueue = Callable[[list[str]], None]


@dataclass(frozen=True)
class Context:
    """What the services need from the outside world, built once by the bootstrap."""

    settings: Settings
    uow: UowFactory
    keys: Callable[[], KeyMaterial]
    enqueue_notices: Enqueue
    transport: Callable[[], Transport]
    stats_reader: Reader
    audit_chain: Callable[[], AuditChain] | None = None
    audit_witness: AuditWitness | None = None
    login_throttle: LoginThrottle | None = None
    # (token hash, now) -> the token's active user: a lighter read than a unit of work.
    token_reader: auth.TokenReader | None = None
    # Appends a read's audit event in a transaction shared with concurrent reads.
    record_read: intake.RecordEvent | None = None
    # A unit of work for reads that write nothing (their audit event goes to `record_read`):
    # one round trip a query, no BEGIN and ROLLBACK. Without it reads use `uow`.
    read_uow: UowFactory | None = None

    def reader(self) -> AbstractUnitOfWork:
        """The unit of work of a read that `record_read` audits."""
        if self.read_uow is not None and self.record_read is not None:
            return self.read_uow()
        return self.uow()


@retrying_methods
class Cases:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def create(self, body: dict[str, Any], user: User, *, validated: bool = False) -> Case:
        """A new draft; `validated`: the body came from `validate_case_body` already."""
        return intake.create_case(
            body, user, self._ctx.uow(), self._ctx.keys(), validated=validated
        )

    def get(self, case_id: str, user: User, purpose: str = "view") -> Case:
        return intake.get_case(
            case_id, user, self._ctx.reader(), self._ctx.keys(), purpose, self._ctx.record_read
        )

    def find(
        self, user: User, status: str | None, page: int, page_size: int
    ) -> tuple[list[Case], int]:
        """A page of the cases `user` may see, newest first, with the total."""
        return intake.list_cases(
            user,
            status,
            page,
            page_size,
            self._ctx.reader(),
            self._ctx.keys(),
            self._ctx.record_read,
        )

    def update(self, case_id: str, patch: dict[str, Any], version: int | None, user: User) -> Case:
        """Correct a draft or returned case against the version the caseworker read."""
        return intake.update_case(case_id, patch, version, user, self._ctx.uow(), self._ctx.keys())

    def submit(self, case_id: str, version: int | None, user: User) -> Case:
        """Submit for screening; the screening runs and is stored in the same transaction."""
        settings = self._ctx.settings
        keys = self._ctx.keys()
        return intake.submit_case(
            case_id,
            version,
            user,
            self._ctx.uow(),
            keys,
            on_submitted=screening.screen_on_submit(
                settings.quota, settings.penalty_threshold_years, keys
            ),
        )

    def seal_clear_screenings(self) -> int:
        """Seal every screening result an older version stored in the clear."""
        total = 0
        while done := screening.seal_clear_results(self._ctx.uow(), self._ctx.keys):
            total += done
        return total

    def close(self, case_id: str, user: User) -> Case:
        return intake.close_case(case_id, user, self._ctx.uow(), self._ctx.keys())

    def links(self, case_id: str, user: User) -> list[dict[str, Any]]:
        return intake.case_links(case_id, user, self._ctx.uow(), self._ctx.keys())

    def graph(self, case_id: str, user: User) -> dict[str, list[dict[str, Any]]]:
        return intake.case_graph(case_id, user, self._ctx.uow(), self._ctx.keys())

    def view(self, case_id: str, user: User, purpose: str) -> case_view.CaseView:
        """Everything a case page shows, in one read."""
        settings = self._ctx.settings
        return case_view.case_view(
            case_id,
            user,
            self._ctx.uow(),
            self._ctx.keys(),
            settings.quota,
            settings.penalty_threshold_years,
            purpose,
        )

    def export_ftm(self, case_id: str, user: User, purpose: str) -> list[dict[str, Any]]:
        """The case as FollowTheMoney entities (an audited read)."""
        return ftm_cases.export_case(case_id, user, self._ctx.uow(), self._ctx.keys(), purpose)

    def import_ftm(self, payload: dict[str, Any], user: User) -> Case:
        """A draft case from its fields and FollowTheMoney entities, validated as any case."""
        return ftm_cases.import_case(payload, user, self._ctx.uow(), self._ctx.keys())

    def matches(self, case_id: str, user: User, purpose: str) -> list[dict[str, Any]]:
        """Reference entities and other cases that share a matching key with the case."""
        return tracing.matches(
            case_id, user, self._ctx.reader(), self._ctx.keys(), purpose, self._ctx.record_read
        )

    def trace(
        self, case_id: str, start: str, direction: str, depth: int, user: User, purpose: str
    ) -> dict[str, Any]:
        """Where ownership and control lead from a subject or asset (down or up)."""
        return tracing.trace(
            case_id,
            start,
            direction,
            depth,
            user,
            self._ctx.reader(),
            self._ctx.keys(),
            purpose,
            self._ctx.record_read,
        )

    def add_reference_asset(
        self, case_id: str, dataset: str, entity_id: str, version: int | None, user: User
    ) -> Case:
        """Copy a traced reference asset into the case (and its country into the targets)."""
        return ftm_cases.add_reference_asset(
            case_id, dataset, entity_id, version, user, self._ctx.uow, self._ctx.keys()
        )

    def screening(self, case_id: str, user: User) -> dict[str, Any]:
        settings = self._ctx.settings
        return screening.screening_of(
            case_id,
            user,
            self._ctx.uow(),
            self._ctx.keys(),
            settings.quota,
            settings.penalty_threshold_years,
        )


@retrying_methods
class Decisions:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def decide(
        self, case_id: str, request: DecisionRequest, version: int | None, user: User
    ) -> dict[str, Any]:
        settings = self._ctx.settings
        return decisions.decide(
            case_id,
            request,
            version,
            user,
            self._ctx.uow(),
            self._ctx.keys(),
            settings.quota,
            settings.penalty_threshold_years,
            enqueue=self._ctx.enqueue_notices,
        )

    def of(self, case_id: str, user: User) -> list[dict[str, Any]]:
        return decisions.decisions_of(case_id, user, self._ctx.uow(), self._ctx.keys())

    def queue(self, user: User, page: int, page_size: int) -> tuple[list[dict[str, Any]], int]:
        return decisions.queue(user, page, page_size, self._ctx.uow())


@retrying_methods
class Disseminations:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def of(self, case_id: str, user: User) -> list[dict[str, Any]]:
        return dissemination.disseminations_of(case_id, user, self._ctx.uow())

    def retry(self, case_id: str, recipient: str, user: User) -> dict[str, Any]:
        return dissemination.retry(
            case_id, recipient, user, self._ctx.uow(), self._ctx.enqueue_notices
        )

    def overdue(self, user: User) -> list[dict[str, Any]]:
        return dissemination.overdue(user, self._ctx.uow())

    def due(self, user: User, within_days: int | None = None) -> dict[str, Any]:
        """Answers overdue or due within `within_days` (default SILVER_DUE_SOON_DAYS)."""
        days = self._ctx.settings.due_soon_days if within_days is None else within_days
        return dissemination.answers_due(user, self._ctx.uow(), days)

    def count_overdue(self) -> int:
        return dissemination.count_overdue(self._ctx.uow())

    def deliver(self, notice_id: str) -> str:
        """One delivery attempt of a Notice (the worker's job)."""
        delivery = dissemination.Delivery(
            self._ctx.settings, self._ctx.keys(), self._ctx.transport()
        )
        return dissemination.deliver(notice_id, self._ctx.uow, delivery)

    def mark_overdue(self) -> int:
        return dissemination.mark_overdue(self._ctx.uow())

    def queued(self, idle_for: timedelta | None = None) -> list[str]:
        return dissemination.queued_notices(self._ctx.uow(), idle_for)


@retrying_methods
class Outcomes:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def record(self, case_id: str, body: dict[str, Any], user: User) -> dict[str, Any]:
        return outcomes.record_outcome(case_id, body, user, self._ctx.uow(), self._ctx.keys())

    def of(self, case_id: str, user: User) -> list[dict[str, Any]]:
        return outcomes.outcomes_of(case_id, user, self._ctx.uow(), self._ctx.keys())


@retrying_methods
class Countries:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def all(self, participant: bool | None = None) -> list[dict[str, Any]]:
        return countries.list_countries(self._ctx.uow(), participant)

    def get(self, code: str) -> dict[str, Any]:
        return countries.get_country(code, self._ctx.uow())

    def history(self, code: str) -> list[dict[str, Any]]:
        return countries.profile_history(code, self._ctx.uow())

    def update(
        self, code: str, changes: dict[str, Any], version: int | None, user: User
    ) -> dict[str, Any]:
        """A screener's (or admin's) review of a profile, against the version they read."""
        return countries.update_profile(code, changes, version, user, self._ctx.uow(), utcnow())

    def seed(self) -> int:
        return countries.seed_countries(self._ctx.uow())


@retrying_methods
class Users:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def create(
        self, username: str, role: str, agency: str | None, password: str, actor: str = "cli"
    ) -> User:
        return auth.create_user(username, role, agency, password, self._ctx.uow(), actor)

    def all(self, actor: User) -> list[User]:
        return auth.list_users(actor, self._ctx.uow())

    def issue_token(
        self,
        username: str,
        password: str,
        client: str | None = None,
        changing_password: bool = False,
    ) -> auth.IssuedToken:
        """A token for a correct password; `client` (the caller's address) is audited."""
        settings = self._ctx.settings
        if self._ctx.login_throttle is None:
            raise ConfigError("no login throttle is configured")
        return auth.issue_token(
            username,
            password,
            self._ctx.uow(),
            throttle=self._ctx.login_throttle,
            ttl_seconds=settings.token_ttl_seconds,
            lockout_threshold=settings.lockout_threshold,
            lockout_seconds=settings.lockout_seconds,
            client=client,
            changing_password=changing_password,
        )

    def change_password(
        self, username: str, current: str, new: str, client: str | None = None
    ) -> auth.IssuedToken:
        """A user's own password change (also the one forced after a reset): the current
        password is checked as a login is (the same throttle, lockout and audit), every token
        of the user revoked, and a fresh token returned for the new password."""
        people.check_new_password(current, new)
        self.issue_token(username, current, client, changing_password=True)
        people.change_password(username, current, new, self._ctx.uow())
        return self.issue_token(username, new, client)

    def get(self, actor: User, username: str) -> User:
        return people.get_user(actor, username, self._ctx.uow())

    def update(
        self, actor: User, username: str, changes: dict[str, Any], version: int | None
    ) -> User:
        """An admin's change of role, agency or `active`, against the version they read."""
        return people.update_user(
            actor, username, changes, version, self._ctx.uow(), throttle=self._ctx.login_throttle
        )

    def reset_password(self, actor: User, username: str) -> people.PasswordReset:
        return people.reset_password(
            actor, username, self._ctx.uow(), throttle=self._ctx.login_throttle
        )

    def authenticate(self, token: str) -> User:
        return auth.authenticate(token, self._ctx.uow(), reader=self._ctx.token_reader)

    def revoke(self, token: str, actor: User) -> None:
        auth.revoke(token, actor, self._ctx.uow())


@retrying_methods
class Audit:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def trail(
        self, user: User, case: str | None, page: int, page_size: int
    ) -> tuple[list[dict[str, Any]], int]:
        return audit.trail(user, case, page, page_size, self._ctx.uow())

    def refused(
        self,
        actor: str,
        request: str,
        status: int,
        reason: str,
        client: str | None,
        case_id: str | None = None,
    ) -> None:
        """Record a refused request (403, 404, or 401 for an invalid token)."""
        audit.record_refusal(
            self._ctx.uow(), actor, request, status, reason, client, case_id, utcnow()
        )

    def verify(self, track: Track = untracked) -> ChainReport:
        """The whole chain, against the witness file and the head node (both read first: see
        AuditChain.verify)."""
        if self._ctx.audit_chain is None:
            raise ConfigError("no audit key is configured")
        chain, witness = self._ctx.audit_chain(), self._ctx.audit_witness
        with self._ctx.uow() as uow:
            head = uow.audit.head()
            witnessed = witness.witnessed() if witness is not None else None
            return chain.verify(
                track(uow.audit.iterate_all(), head[0] if head else None, "audit events"),
                witnessed=witnessed,
                head=head,
                witness_name=witness.name if witness is not None else "the witness file",
            )


@retrying_methods
class Retention:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    @property
    def policy(self) -> retention.RetentionPolicy:
        settings = self._ctx.settings
        return retention.RetentionPolicy(settings.retention_days, settings.pilot_end)

    def due(self, now: datetime) -> list[PurgeRow]:
        return retention.due_cases(self._ctx.uow(), self.policy, now)

    def purge(self, case_id: str, now: datetime) -> str:
        return retention.purge_case(
            case_id, self._ctx.uow(), self.policy, now, outbox=self.outbox_files()
        )

    def outbox_files(self) -> OutboxTransport:
        return OutboxTransport(self._ctx.settings.outbox_dir)

    def prune_outbox(self, older_than: timedelta, now: datetime) -> outbox.PruneReport:
        """Delete delivered messages older than `older_than` (and any of erased cases)."""
        return outbox.prune(self.outbox_files(), self._ctx.uow, older_than, now)


@retrying_methods
class Stats:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def pilot(
        self,
        period_from: date | None,
        period_to: date | None,
        audience: str | None,
        user: User | None = None,
    ) -> PilotStatistics:
        """The figures for `audience`; without one, `public` for an evaluator (their figures
        travel furthest) and `internal` for an admin."""
        settings = self._ctx.settings
        return stats.pilot_statistics(
            self._ctx.stats_reader,
            period_from=period_from,
            period_to=period_to,
            audience=audience or default_audience(user),
            quota_limit=settings.quota,
            suppress_below=settings.suppress_below,
        )

    def rebuild(self, on_progress: Callable[[int], None] | None = None) -> int:
        """Build the statistics' sums again from the graph; returns the number of cases."""
        return stats.rebuild_aggregates(self._ctx.uow, on_progress)


@retrying_methods
class Keys:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def rotate(self, track: Track = untracked) -> tuple[str, int]:
        """Make a new master key current (development: added to var/keys; production: the
        operator put it first in SILVER_MASTER_KEY) and re-wrap every case's data key.
        Returns the current key id and how many data keys moved."""
        material = self._ctx.keys()
        ring = material.master
        if not material.master_from_env:
            ring = add_master_key(self._ctx.settings, ring)
        return ring.current_id, keys.rewrap_all(self._ctx.uow(), ring, track)


@retrying_methods
class SigningKeys:
    """The keys that sign outgoing messages: the current one, the retired ones that still
    verify, their JWK set, and rotation. Read afresh on each call (a few small files or the
    settings), so a rotation by the CLI shows in the JWK set of a running web process at once:
    the worker signs with the new key from its next job on."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def current(self) -> key_store.SigningKeys:
        return key_store.load_signing_keys(self._ctx.settings)

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """The public JWK set (RFC 7517) of every key that verifies a message, current first."""
        return jose.jwk_set(self.current().public_pems())

    def rotate(self) -> tuple[str, str]:
        """Development: a new signing key; the one it replaces stays published. Returns (the
        new key id, the retired key id). With SILVER_SIGNING_KEY set a CryptoError says what
        to set instead."""
        new, retired = key_store.rotate_signing_key(self._ctx.settings)
        return new.key_id, retired.key_id


@retrying_methods
class Reference:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def datasets(self) -> list[DatasetInfo]:
        """The reference datasets loaded, with their size and time of import."""
        return reference.list_datasets(self._ctx.uow())


@retrying_methods
class Privacy:
    """Data-subject requests (the privacy officer): search, report, rectify, erase, restrict."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def search(self, query: dict[str, Any], user: User) -> list[dict[str, Any]]:
        return privacy.subject_search(query, user, self._ctx.uow(), self._ctx.keys())

    def report(
        self, case_id: str, subject: str, user: User, request_reference: str | None = None
    ) -> dict[str, Any]:
        return privacy.subject_report(
            case_id, subject, user, self._ctx.uow(), self._ctx.keys(), request_reference
        )

    def rectify(
        self, case_id: str, body: dict[str, Any], version: int | None, user: User
    ) -> privacy.Correction:
        return privacy.rectify(
            case_id,
            body,
            version,
            user,
            self._ctx.uow(),
            self._ctx.keys(),
            self._ctx.enqueue_notices,
            self._ctx.settings.message_ttl_days,
        )

    def erase(
        self, case_id: str, subject: str, body: dict[str, Any], user: User
    ) -> privacy.Correction:
        return privacy.erase(
            case_id,
            subject,
            body,
            user,
            self._ctx.uow(),
            self._ctx.keys(),
            self._ctx.enqueue_notices,
            self._ctx.settings.message_ttl_days,
        )

    def restrict(
        self, case_id: str, subject: str, body: dict[str, Any], user: User
    ) -> dict[str, Any]:
        return privacy.restrict(case_id, subject, body, user, self._ctx.uow(), self._ctx.keys())

    def corrections(self, case_id: str, user: User) -> list[dict[str, Any]]:
        return privacy.corrections(case_id, user, self._ctx.uow(), self._ctx.keys())

    def retry_correction(self, case_id: str, message_id: str, user: User) -> dict[str, Any]:
        return privacy.retry_correction(
            case_id, message_id, user, self._ctx.uow(), self._ctx.enqueue_notices
        )


class Services:
    """Every service, bound to the one context the bootstrap made."""

    def __init__(self, ctx: Context) -> None:
        self.context = ctx
        self.cases = Cases(ctx)
        self.decisions = Decisions(ctx)
        self.disseminations = Disseminations(ctx)
        self.outcomes = Outcomes(ctx)
        self.countries = Countries(ctx)
        self.users = Users(ctx)
        self.audit = Audit(ctx)
        self.retention = Retention(ctx)
        self.stats = Stats(ctx)
        self.reference = Reference(ctx)
        self.privacy = Privacy(ctx)
        self.master_keys = Keys(ctx)
        self.signing_keys = SigningKeys(ctx)

    @property
    def settings(self) -> Settings:
        return self.context.settings

    @property
    def keys(self) -> KeyMaterial:
        return self.context.keys()

    def uow(self) -> AbstractUnitOfWork:
        return self.context.uow()
