"""Case intake services: create, read, correct, submit; links and the drawing of a case.

Services take plain values, the acting user, a unit of work and the key material. The case's
content is sealed with its own data key; only the projection (no personal data) is plain.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from silver.domain import access, matching, projection
from silver.domain.audit import AuditEvent
from silver.domain.case_body import validate_case_body
from silver.domain.cases import Case, Status, StatusChange, subject_label
from silver.domain.errors import Conflict, PreconditionFailed
from silver.domain.ports import CaseChanges, CasePlainFields, CaseRow, NewCaseRow
from silver.domain.uow import AbstractUnitOfWork
from silver.domain.users import Role, User
from silver.domain.versions import check_version
from silver.infra.keys import KeyMaterial
from silver.services import case_store
from silver.services.case_store import (
    history_json,
    load,
    open_case,
    reseal_body,
    utcnow,
    with_defaults,
)


def _plain_fields(body: dict[str, Any]) -> CasePlainFields:
    return {
        "urgency": body.get("urgency") or "normal",
        "crime_types": list(body.get("crime_types") or []),
        "requested_instrument": body.get("requested_instrument"),
        "max_penalty_years": body.get("max_penalty_years"),
        "target_countries": list(body.get("target_countries") or []),
        "subject_count": len(body.get("subjects") or []),
        "asset_count": len(body.get("assets") or []),
    }


plain_fields = _plain_fields


def create_case(
    body: dict[str, Any],
    user: User,
    uow: AbstractUnitOfWork,
    keys: KeyMaterial,
    now: datetime | None = None,
    *,
    validated: bool = False,
) -> Case:
    """A new draft case. `validated`: `body` is already the output of `validate_case_body`
    (the API's schema ran it), so it is not checked a second time.

    The transaction writes the case and its projection first and takes the two global locks
    last: the year's case-number counter (the last write of that statement), then, right
    before the commit, the audit chain's head. Concurrent intakes queue on them only for the
    end of the transaction, not for the whole of it."""
    access.check_owner(user, user.agency.value if user.agency else "")
    assert user.agency is not None
    now = now or utcnow()
    body = with_defaults(body if validated else validate_case_body(body))
    case_id = str(uuid.uuid4())
    data_key, wrapped = case_store.new_case_key(case_id, keys)
    history = [StatusChange(Status.DRAFT, now, user.username)]
    row: NewCaseRow = {
        "id": case_id,
        "agency": user.agency.value,
        "proposed_by": user.username,
        "status": Status.DRAFT.value,
        "version": 1,
        "created_at": now,
        "updated_at": now,
        "wrapped_key": wrapped,
        "body": case_store.seal_body(data_key, case_id, body),
        "history": history_json(history),
        **_plain_fields(body),
    }
    graph = projection.project(case_id, body, keys.index_key, user.agency.value)
    with uow:
        number = uow.cases.add(row, graph, now.year)
        uow.audit.append(
            AuditEvent("case.create", user.username, now, case_id, detail={"number": number})
        )
        uow.commit()
    return Case(
        case_id,
        number,
        user.agency.value,
        user.username,
        Status.DRAFT,
        1,
        now,
        now,
        body,
        None,
        history,
    )


def read_visible(
    uow: AbstractUnitOfWork, case_id: str, user: User, keys: KeyMaterial
) -> tuple[CaseRow, Case]:
    """Inside an open unit of work: the case if `user` may see it (404 or 403 otherwise)."""
    row = load(uow, case_id)
    access.check_visible(user, row["agency"], row["status"])
    return row, open_case(row, keys)


def get_case(
    case_id: str, user: User, uow: AbstractUnitOfWork, keys: KeyMaterial, purpose: str = "view"
) -> Case:
    with uow:
        _, case = read_visible(uow, case_id, user, keys)
        uow.audit.append(
            AuditEvent("case.read", user.username, utcnow(), case_id, reason=purpose[:200])
        )
        uow.commit()
    return case


def summary(c: Case) -> dict[str, Any]:
    """A list row: no personal data but the title the caseworker gave."""
    return {
        "id": c.id,
        "number": c.number,
        "title": c.body.get("title"),
        "status": c.status.value,
        "agency": c.agency,
        "urgency": c.body.get("urgency", "normal"),
        "proposed_by": c.proposed_by,
        "version": c.version,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
        "submitted_at": c.submitted_at,
    }


def list_cases(
    user: User,
    status: str | None,
    page: int,
    page_size: int,
    uow: AbstractUnitOfWork,
    keys: KeyMaterial,
) -> tuple[list[Case], int]:
    access.check_case_role(user)
    if user.role is Role.CASEWORKER:
        assert user.agency is not None
        agency: str | None = user.agency.value
        statuses = [status] if status else None
    else:
        agency = None
        visible = [s.value for s in Status if s is not Status.DRAFT]
        statuses = [status] if status in visible else ([] if status else visible)
    with uow:
        rows, total = uow.cases.page(agency, statuses, (page - 1) * page_size, page_size)
        cases = [open_case(row, keys) for row in rows]
        if cases:
            uow.audit.append(
                AuditEvent(
                    "case.list",
                    user.username,
                    utcnow(),
                    detail={"cases": [c.number for c in cases]},
                )
            )
        uow.commit()
    return cases, total


def update_case(
    case_id: str,
    patch: dict[str, Any],
    expected_version: int | None,
    user: User,
    uow: AbstractUnitOfWork,
    keys: KeyMaterial,
) -> Case:
    """Correct a draft or returned case: each top-level field of `patch` replaces the stored
    one, and the corrected case must be a valid whole."""
    now = utcnow()
    with uow:
        row = load(uow, case_id, for_update=True)
        access.check_owner(user, row["agency"])
        check_version("the case", int(row["version"]), expected_version)
        case = open_case(row, keys)
        if not case.editable:
            raise Conflict(
                f"a case in status '{case.status}' cannot be changed; only a draft or "
                "a returned case can"
            )
        body = with_defaults(validate_case_body({**case.body, **patch}))
        plain = _plain_fields(body)
        changes: CaseChanges = {
            "body": reseal_body(row, keys, body),
            "updated_at": now,
            "urgency": plain["urgency"],
            "crime_types": plain["crime_types"],
            "requested_instrument": plain["requested_instrument"],
            "max_penalty_years": plain["max_penalty_years"],
            "target_countries": plain["target_countries"],
            "subject_count": plain["subject_count"],
            "asset_count": plain["asset_count"],
        }
        if not uow.cases.save(case_id, case.version, changes):
            raise PreconditionFailed("the case was changed by someone else: read it again")
        uow.cases.replace_projection(
            case_id, projection.project(case_id, body, keys.index_key, row["agency"])
        )
        uow.audit.append(
            AuditEvent("case.update", user.username, now, case_id, detail={"fields": sorted(patch)})
        )
        uow.commit()
    case.body, case.version, case.updated_at = body, case.version + 1, now
    return case


def submit_case(
    case_id: str,
    expected_version: int | None,
    user: User,
    uow: AbstractUnitOfWork,
    keys: KeyMaterial,
    on_submitted: Callable[[AbstractUnitOfWork, Case], None] | None = None,
) -> Case:
    """draft|returned -> submitted. `on_submitted` runs in the same transaction (screening)."""
    now = utcnow()
    with uow:
        row = load(uow, case_id, for_update=True)
        access.check_owner(user, row["agency"])
        check_version("the case", int(row["version"]), expected_version, required=False)
        case = open_case(row, keys)
        case.transition(Status.SUBMITTED, user.username, now)
        uow.cases.save(
            case_id,
            case.version,
            {
                "status": case.status.value,
                "submitted_at": now,
                "first_submitted_at": row.get("first_submitted_at") or now,
                "updated_at": now,
                "history": history_json(case.history),
            },
        )
        case.version += 1
        case.updated_at = now
        if on_submitted is not None:
            on_submitted(uow, case)
        uow.audit.append(AuditEvent("case.submit", user.username, now, case_id))
        uow.commit()
    return case


def links_in(uow: AbstractUnitOfWork, case: Case) -> list[dict[str, Any]]:
    """Inside an open unit of work: the case's subjects and assets other cases know too."""
    items = _items_by_uid(case)
    return [
        {
            "kind": items[r["uid"]][0],
            "key": items[r["uid"]][1]["key"],
            "identifier_type": r["kind"],
            "cases": r["cases"],
        }
        for r in uow.cases.links(case.id, sorted(matching.LINKING_KINDS))
        if r["uid"] in items
    ]


def case_links(
    case_id: str, user: User, uow: AbstractUnitOfWork, keys: KeyMaterial
) -> list[dict[str, Any]]:
    with uow:
        _, case = read_visible(uow, case_id, user, keys)
        links = links_in(uow, case)
        uow.audit.append(
            AuditEvent("case.links", user.username, utcnow(), case_id, detail={"links": len(links)})
        )
        uow.commit()
    return links


def _items_by_uid(case: Case) -> dict[str, tuple[str, dict[str, Any]]]:
    """The graph uid of each subject and asset, with its group and its content."""
    out = {
        projection.subject_uid(case.id, i): ("subject", s)
        for i, s in enumerate(case.body.get("subjects") or [])
    }
    out.update(
        {
            projection.asset_uid(case.id, i): ("asset", a)
            for i, a in enumerate(case.body.get("assets") or [])
        }
    )
    return out


def asset_label(asset: dict[str, Any]) -> str:
    for name in (
        "iban",
        "imo",
        "vin",
        "registration_mark",
        "registration_plate",
        "address",
        "name",
        "cadastral_reference",
        "isin",
        "description",
    ):
        if asset.get(name):
            return f"{asset['type'].replace('_', ' ')}: {asset[name]}"
    return str(asset["type"]).replace("_", " ")


def case_graph(
    case_id: str, user: User, uow: AbstractUnitOfWork, keys: KeyMaterial
) -> dict[str, list[dict[str, Any]]]:
    with uow:
        _, case = read_visible(uow, case_id, user, keys)
        raw = uow.cases.graph(case_id)
        uow.audit.append(AuditEvent("case.read", user.username, utcnow(), case_id, reason="graph"))
        uow.commit()
    by_uid = _items_by_uid(case)
    nodes: list[dict[str, Any]] = [
        {
            "id": "case",
            "type": "case",
            "label": case.number,
            "properties": {"status": case.status.value},
        }
    ]
    for n in raw["nodes"]:
        group, item = by_uid[n["uid"]]
        if group == "subject":
            nodes.append(
                {
                    "id": item["key"],
                    "type": item["kind"],
                    "label": subject_label(item),
                    "properties": {"role": item["role"]},
                }
            )
        else:
            nodes.append(
                {
                    "id": item["key"],
                    "type": item["type"],
                    "label": asset_label(item),
                    "properties": {"estimated_value": item.get("estimated_value")},
                }
            )
    countries = sorted({e["target"] for e in raw["edges"] if e["target"].startswith("country:")})
    nodes += [
        {"id": c, "type": "country", "label": c.split(":", 1)[1], "properties": {}}
        for c in countries
    ]

    def ident(uid: str) -> str:
        if uid == "case" or uid.startswith("country:"):
            return uid
        return str(by_uid[uid][1]["key"])

    edges = [
        {
            "source": ident(e["source"]),
            "target": ident(e["target"]),
            "type": e["type"].lower(),
            "properties": {"share": e["share"]},
        }
        for e in raw["edges"]
    ]
    edges.sort(key=lambda e: (e["source"], e["target"], e["type"]))
    return {"nodes": nodes, "edges": edges}


CLOSABLE = frozenset({Status.DISSEMINATED, Status.REJECTED})


def close_case(case_id: str, user: User, uow: AbstractUnitOfWork, keys: KeyMaterial) -> Case:
    """disseminated|rejected -> closed (the owning caseworker or a screener); the retention
    period starts now."""
    now = utcnow()
    with uow:
        row = load(uow, case_id, for_update=True)
        access.check_actor(user, row["agency"], row["status"])
        case = open_case(row, keys)
        if case.status not in CLOSABLE:
            raise Conflict(
                f"a case in status '{case.status}' cannot be closed; only a disseminated "
                "or a rejected case can"
            )
        case.transition(Status.CLOSED, user.username, now)
        uow.cases.save(
            case_id,
            case.version,
            {
                "status": case.status.value,
                "history": history_json(case.history),
                "closed_at": now,
                "updated_at": now,
            },
        )
        uow.audit.append(AuditEvent("case.close", user.username, now, case_id))
        uow.commit()
    case.version += 1
    case.updated_at = now
    return case
