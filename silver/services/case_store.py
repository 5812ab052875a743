"""The case store: the one place that loads, decrypts and reseals a case.

A case's content is one JSON document sealed (AES-GCM) with the case's own data key, which is
itself wrapped by the master key. Every service that reads or changes a case's content, or seals
text that belongs to the case (a justification, an answer's notes, a message), goes through
here, so the key hierarchy and the associated-data contexts live in one module. Destroying the
wrapped key (retention) makes all of it unreadable.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from silver.domain.cases import BODY_DEFAULTS, Case, Status, StatusChange
from silver.domain.errors import NotFound
from silver.domain.ports import CaseRow
from silver.domain.uow import AbstractUnitOfWork
from silver.infra import crypto
from silver.infra.keys import KeyMaterial


def utcnow() -> datetime:
    return datetime.now(UTC)


def with_defaults(body: dict[str, Any]) -> dict[str, Any]:
    return {**BODY_DEFAULTS, **body}


def _body_context(case_id: str) -> str:
    return f"case:{case_id}/body"


def _owner(case_id: str) -> str:
    return f"case:{case_id}"


def history_json(history: list[StatusChange]) -> str:
    return json.dumps(
        [{"status": h.status.value, "at": h.at.isoformat(), "by": h.by} for h in history]
    )


def _history(text: str | None) -> list[StatusChange]:
    return [
        StatusChange(Status(h["status"]), datetime.fromisoformat(h["at"]), h["by"])
        for h in json.loads(text or "[]")
    ]


def load(uow: AbstractUnitOfWork, case_id: str, for_update: bool = False) -> CaseRow:
    """The stored case, or NotFound (also for a purged case, whose content is gone)."""
    row = uow.cases.get(case_id, for_update=for_update)
    if row is None or row.get("purged_at") is not None:
        raise NotFound("no such case")
    return row


def data_key(row: CaseRow, keys: KeyMaterial) -> bytes:
    """The case's own data key: everything personal about the case is sealed with it."""
    return crypto.unwrap_data_key(keys.master, row["wrapped_key"], _owner(row["id"]))


def new_case_key(case_id: str, keys: KeyMaterial) -> tuple[bytes, str]:
    """A fresh data key for a new case, and its wrapped form to store."""
    key = crypto.new_data_key()
    return key, crypto.wrap_data_key(keys.master, key, _owner(case_id))


def seal_body(key: bytes, case_id: str, body: dict[str, Any]) -> str:
    return crypto.seal(key, json.dumps(body, sort_keys=True), _body_context(case_id))


def reseal_body(row: CaseRow, keys: KeyMaterial, body: dict[str, Any]) -> str:
    """The case's content sealed again after a change."""
    return seal_body(data_key(row, keys), row["id"], body)


def open_case(row: CaseRow, keys: KeyMaterial) -> Case:
    body = json.loads(crypto.unseal(data_key(row, keys), row["body"], _body_context(row["id"])))
    return Case(
        id=row["id"],
        number=row["number"],
        agency=row["agency"],
        proposed_by=row["proposed_by"],
        status=Status(row["status"]),
        version=int(row["version"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        submitted_at=row.get("submitted_at"),
        body=body,
        history=_history(row.get("history")),
    )


def seal_text(row: CaseRow, keys: KeyMaterial, context: str, text: str) -> str:
    """Seal free text that belongs to the case (a justification, notes) under its data key."""
    return crypto.seal(data_key(row, keys), text, f"case:{row['id']}/{context}")


def unseal_text(row: CaseRow, keys: KeyMaterial, context: str, token: str | None) -> str:
    if not token:
        return ""
    return crypto.unseal(data_key(row, keys), token, f"case:{row['id']}/{context}")


RESTRICTIONS = "restrictions"


def restrictions(row: CaseRow, keys: KeyMaterial) -> dict[str, dict[str, Any]]:
    """The case's restricted subjects (LED art. 16(3)) by key: when, by whom and why."""
    loaded: dict[str, dict[str, Any]] = json.loads(
        unseal_text(row, keys, RESTRICTIONS, row.get("restrictions")) or "{}"
    )
    return loaded


def seal_restrictions(row: CaseRow, keys: KeyMaterial, marks: dict[str, dict[str, Any]]) -> str:
    return seal_text(row, keys, RESTRICTIONS, json.dumps(marks, sort_keys=True))
