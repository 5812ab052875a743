"""Tracing: who else knows a case's subjects and assets, and where ownership leads from them.

`matches` lists the reference entities (and the other cases, by number and agency only) that
share a matching key with the case's subjects and assets, with a score a screener can read
(1.0 for an identifier, 0.9 a name with the date of birth, 0.8 an organisation's name in its
jurisdiction, 0.6 a name with only the year of birth). `trace` follows ownership and control
down from a subject or asset to what it holds, or up to who holds it, through the case, the
reference data and the identifiers the case shares with them (see
graph/repositories/tracing.py for how the traversal is bounded), and multiplies the shares
along the way. Both are reads of the case: visible to whoever may read it, and audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from silver.domain import matching, projection
from silver.domain.audit import AuditEvent
from silver.domain.cases import Case, subject_label
from silver.domain.errors import ValidationFailed
from silver.domain.ports import TraceNode, TraceRow
from silver.domain.uow import AbstractUnitOfWork
from silver.domain.users import Role, User
from silver.infra.keys import KeyMaterial
from silver.services.audit_batch import beside
from silver.services.case_store import utcnow
from silver.services.intake import RecordEvent, asset_label, read_visible

DIRECTIONS = ("down", "up")
MIN_DEPTH, MAX_DEPTH, DEFAULT_DEPTH = 1, 6, 4
RESULT_CAP = 1000
# A node with more relationships than this (a mass registered address, a nominee with tens of
# thousands of companies) is reached and shown but not followed further; below it, the result
# cap does the cutting.
FANOUT = 10_000
# A trace crosses an identifier, or a name with a full birth date, or a company's name in its
# jurisdiction; a name with a birth year alone is a hint for a person to look at, not a bridge.
BRIDGES = sorted(matching.LINKING_KINDS | {"person_name_dob", "org_name"})


def _by_uid(case: Case) -> dict[str, tuple[str, dict[str, Any]]]:
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


def matches(
    case_id: str,
    user: User,
    uow: AbstractUnitOfWork,
    keys: KeyMaterial,
    purpose: str,
    record: RecordEvent | None = None,
) -> list[dict[str, Any]]:
    with uow:
        _, case = read_visible(uow, case_id, user, keys)
        event = AuditEvent(
            "case.read",
            user.username,
            utcnow(),
            case_id,
            reason=purpose[:200],
            detail={"view": "matches"},
        )
        # The read is audited while the query runs (see audit_batch.beside).
        with beside(uow, record, event):
            rows = uow.tracing.matches(case_id)
    items = _by_uid(case)
    best: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in rows:
        if r["uid"] not in items:
            continue
        group, item = items[r["uid"]]
        found: dict[str, Any]
        if r["dataset"] is not None:
            target: tuple[Any, ...] = ("ref", r["dataset"], r["entity_id"])
            found = {
                "dataset": r["dataset"],
                "entity_id": r["entity_id"],
                "schema": r["schema"],
                "caption": r["caption"],
                "case": None,
            }
        else:
            if r["kind"] not in matching.LINKING_KINDS | matching.NAME_KINDS:
                continue
            target = ("case", r["case_number"])
            found = {
                "dataset": None,
                "entity_id": None,
                "schema": None,
                "caption": None,
                "case": {"number": r["case_number"], "agency": r["case_agency"]},
            }
        match = {
            group: item["key"],
            **found,
            "basis": matching.basis(r["kind"]),
            "kind": r["kind"],
            "score": matching.score(r["kind"]),
        }
        slot = (group, item["key"], *target)
        if slot not in best or best[slot]["score"] < match["score"]:
            best[slot] = match
    return sorted(
        best.values(),
        key=lambda m: (-m["score"], m.get("subject") or "", m.get("asset") or "", str(m)),
    )


def check_trace_query(direction: Any, depth: Any) -> tuple[str, int]:
    errors: dict[str, list[str]] = {}
    if direction not in DIRECTIONS:
        errors["direction"] = [f"must be one of: {', '.join(DIRECTIONS)}"]
    if (
        isinstance(depth, bool)
        or not isinstance(depth, int)
        or not (MIN_DEPTH <= depth <= MAX_DEPTH)
    ):
        errors["depth"] = [f"must be a whole number from {MIN_DEPTH} to {MAX_DEPTH}"]
    if errors:
        raise ValidationFailed(errors)
    return str(direction), int(depth)


def trace(
    case_id: str,
    start: str,
    direction: str,
    depth: int,
    user: User,
    uow: AbstractUnitOfWork,
    keys: KeyMaterial,
    purpose: str,
    record: RecordEvent | None = None,
    *,
    cap: int = RESULT_CAP,
    fanout: int = FANOUT,
) -> dict[str, Any]:
    direction, depth = check_trace_query(direction, depth)
    with uow:
        _, case = read_visible(uow, case_id, user, keys)
        items = _by_uid(case)
        found = [(uid, group) for uid, (group, item) in items.items() if item.get("key") == start]
        if not found:
            raise ValidationFailed({"from": ["is not the key of a subject or asset of this case"]})
        start_uid, start_kind = found[0]
        agency = user.agency.value if user.role is Role.CASEWORKER and user.agency else None
        event = AuditEvent(
            "case.read",
            user.username,
            utcnow(),
            case_id,
            reason=purpose[:200],
            detail={"view": "trace", "from": start, "direction": direction, "depth": depth},
        )
        # The read is audited while the traversal runs (see audit_batch.beside): its commit
        # costs about what an ordinary trace does, and one after the other they cost twice.
        with beside(uow, record, event):
            rows = uow.tracing.trace(
                case_id=case_id,
                start_uid=start_uid,
                start_kind=start_kind,
                direction=direction,
                depth=depth,
                agency=agency,
                linking=BRIDGES,
                fanout=fanout,
                limit=cap + 1,
            )
            others = {
                other
                for r in rows
                for n in r["nodes"]
                if (other := n.get("case_id")) and other != case_id
            }
            cases = uow.tracing.cases(sorted(others)) if others else {}
    render = _Renderer(case, items, cases)
    reached = [render.reached(r, fanout) for r in rows[:cap]]
    return {
        "from": start,
        "direction": direction,
        "depth": depth,
        "reached": [r for r in reached if r is not None],
        "truncated": len(rows) > cap,
    }


class _Renderer:
    """Graph rows as the API shows them: a case's own subjects and assets by key, another
    case by its number and agency only, reference entities as published."""

    def __init__(
        self,
        case: Case,
        items: Mapping[str, tuple[str, dict[str, Any]]],
        cases: Mapping[str, tuple[str, str]],
    ) -> None:
        self.case, self.items, self.cases = case, items, cases

    def node(self, n: TraceNode) -> dict[str, Any] | None:
        if n.get("ref"):
            countries = n.get("jurisdictions") or n.get("countries") or []
            return {
                "kind": "reference",
                "dataset": n.get("dataset"),
                "entity_id": n.get("id"),
                "schema": n.get("schema"),
                "caption": n.get("caption"),
                "country": countries[0] if countries else None,
            }
        case_id, uid = n.get("case_id") or "", n.get("uid") or ""
        if case_id == self.case.id and uid in self.items:
            group, item = self.items[uid]
            return {
                "kind": group,
                "key": item["key"],
                "schema": _schema(group, item),
                "caption": subject_label(item) if group == "subject" else asset_label(item),
                "country": item.get("jurisdiction")
                or item.get("residence_country")
                or item.get("country"),
            }
        if case_id in self.cases:
            number, agency = self.cases[case_id]
            return {"kind": "case", "number": number, "agency": agency}
        return None  # a node of a purged case, or one that changed since: not shown

    def reached(self, row: TraceRow, fanout: int) -> dict[str, Any] | None:
        nodes, relations = row["nodes"], row["relations"]
        path: list[dict[str, Any]] = []
        shares: list[float | None] = []
        for i, raw in enumerate(nodes):
            if raw.get("identifier"):
                path.append({"relation": f"same_{raw.get('kind')}"})
                continue
            shown = self.node(raw)
            if shown is None:
                return None
            path.append({"node": shown})
            if i < len(relations) and relations[i]["type"] != "HAS_IDENTIFIER":
                relation = relations[i]
                path.append({"relation": relation["type"].lower(), "share": relation["share"]})
                shares.append(relation["share"])
        effective: float | None = 1.0
        for share in shares:
            effective = None if effective is None or share is None else effective * share
        target = path[-1]["node"]
        out: dict[str, Any] = {
            "node": target,
            "hops": row["hops"],
            "effective_share": round(effective, 6) if effective is not None else None,
            "path": path,
        }
        if row["degree"] > fanout:
            # Reached but not expanded: a formation agent, a registered address ...
            out["not_expanded"] = {"relationships": row["degree"]}
        return out


def _schema(group: str, item: Mapping[str, Any]) -> str:
    if group == "subject":
        return projection.SUBJECT_LABELS[str(item["kind"])]
    return projection.ASSET_LABELS[str(item["type"])]
