"""The countries' answers: outcomes on the case's assets (or on assets they found).

Only a country that received the case may answer. Each answer is kept as its own event, so an
asset's history (located, then frozen, then confiscated) stays visible. A newly found asset is
added to the case (sealed like every asset) and projected into the graph, linked to the case and
to the country that reported it, so it links to other cases that know the same identifier.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from silver.domain import access, projection
from silver.domain.audit import AuditEvent
from silver.domain.errors import ValidationFailed
from silver.domain.ports import CaseRow, OutcomeRow
from silver.domain.uow import AbstractUnitOfWork
from silver.domain.users import User
from silver.infra.keys import KeyMaterial
from silver.services.case_store import load, open_case, reseal_body, seal_text, unseal_text, utcnow

RESULTS = ("no_information", "asset_located", "frozen", "seized", "confiscated", "returned")


def _notes_context(outcome_id: str) -> str:
    return f"outcome:{outcome_id}/notes"


def record_outcome(
    case_id: str,
    body: dict[str, Any],
    user: User,
    uow: AbstractUnitOfWork,
    keys: KeyMaterial,
) -> dict[str, Any]:
    """Record one answer. `body` is validated by the API schema, a new asset by the domain
    (silver.domain.case_body.validate_asset) as every asset of a case."""
    now = utcnow()
    with uow:
        row = load(uow, case_id, for_update=True)
        access.check_actor(user, row["agency"], row["status"])
        country = body["country"]
        if not uow.disseminations.recipients_reaching(case_id, country):
            raise ValidationFailed(
                {
                    "country": [
                        f"{country} did not receive this case: only a country a message was "
                        "delivered to (for a notice: any participant) can answer"
                    ]
                }
            )
        case = open_case(row, keys)
        assets = list(case.body.get("assets") or [])
        keys_in_case = {a["key"]: i for i, a in enumerate(assets)}
        _check_body(body, keys_in_case, case.body, now.date())
        outcome_id = str(uuid.uuid4())
        new_asset = body.get("new_asset")
        asset_index: int | None
        if new_asset is not None:
            asset_key = new_asset["key"]
            asset_index = len(assets)
            _add_asset(uow, row, keys, case.body, new_asset, country, now)
        else:
            asset_key = body.get("asset")
            asset_index = keys_in_case[asset_key] if asset_key is not None else None
        value = body.get("value") or {}
        stored: OutcomeRow = {
            "id": outcome_id,
            "case_id": case_id,
            "country": country,
            "result": body["result"],
            "asset_key": asset_key,
            "asset_uid": (
                projection.asset_uid(case_id, asset_index) if asset_index is not None else None
            ),
            "new_asset": new_asset is not None,
            "value_amount": value.get("amount"),
            "value_currency": value.get("currency"),
            "reported_on": body["reported_on"],
            "recorded_at": now,
            "recorded_by": user.username,
            "notes": seal_text(row, keys, _notes_context(outcome_id), body.get("notes") or ""),
        }
        uow.disseminations.add_outcome(stored, stored["asset_uid"])
        uow.disseminations.acknowledge(case_id, country, now)
        uow.audit.append(
            AuditEvent(
                "outcome.record",
                user.username,
                now,
                case_id,
                detail={
                    "outcome_id": outcome_id,
                    "country": country,
                    "result": body["result"],
                    "new_asset": new_asset is not None,
                },
            )
        )
        uow.commit()
    return _render(stored, body.get("notes") or "")


def _check_body(
    body: dict[str, Any], keys_in_case: dict[str, int], case_body: dict[str, Any], today: date
) -> None:
    errors: dict[str, list[str]] = {}
    asset, new_asset = body.get("asset"), body.get("new_asset")
    if asset is not None and new_asset is not None:
        errors["asset"] = ["give either asset (a key of the case) or new_asset, not both"]
    elif asset is not None and asset not in keys_in_case:
        errors["asset"] = [f"the case has no asset with key {asset!r}"]
    if new_asset is not None:
        if new_asset["key"] in keys_in_case:
            errors["new_asset.key"] = [
                f"the case already has an asset with key {new_asset['key']!r}; "
                "report on it with asset instead"
            ]
        subjects = {s["key"] for s in case_body.get("subjects") or []}
        organisation = new_asset.get("organisation")
        if organisation is not None and organisation not in subjects:
            errors["new_asset.organisation"] = [
                f"the case has no subject with key {organisation!r}"
            ]
    if body["result"] != "no_information" and asset is None and new_asset is None:
        errors["asset"] = [f"a '{body['result']}' answer concerns an asset or a new_asset"]
    if body["reported_on"] > today:
        errors["reported_on"] = ["must not be in the future"]
    if errors:
        raise ValidationFailed(errors)


def _add_asset(
    uow: AbstractUnitOfWork,
    row: CaseRow,
    keys: KeyMaterial,
    body: dict[str, Any],
    asset: dict[str, Any],
    country: str,
    now: Any,
) -> None:
    grown = {**body, "assets": [*(body.get("assets") or []), asset]}
    projected = projection.project(row["id"], grown, keys.index_key, row["agency"])
    new = projected.assets[-1]
    uow.cases.save(
        row["id"],
        int(row["version"]),
        {
            "body": reseal_body(row, keys, grown),
            "asset_count": len(grown["assets"]),
            "updated_at": now,
        },
    )
    uow.disseminations.add_asset(
        row["id"],
        new,
        [i for i in projected.identifiers if i["owner"] == new["uid"]],
        [c for c in projected.countries if c["node"] == new["uid"]],
        country,
    )


def _render(stored: OutcomeRow, notes: str) -> dict[str, Any]:
    value = (
        {"amount": stored["value_amount"], "currency": stored["value_currency"]}
        if stored.get("value_amount") is not None
        else None
    )
    return {
        "id": stored["id"],
        "country": stored["country"],
        "result": stored["result"],
        "asset": stored.get("asset_key"),
        "new_asset": bool(stored.get("new_asset")),
        "value": value,
        "reported_on": stored["reported_on"],
        "notes": notes,
        "recorded_at": stored["recorded_at"],
        "recorded_by": stored["recorded_by"],
    }


def outcomes_in(uow: AbstractUnitOfWork, row: CaseRow, keys: KeyMaterial) -> list[dict[str, Any]]:
    """Inside an open unit of work: every answer on the case, in the order reported (an
    asset's stages in sequence), notes unsealed."""
    return [
        _render(o, unseal_text(row, keys, _notes_context(o["id"]), o.get("notes")))
        for o in uow.disseminations.outcomes(row["id"])
    ]


def outcomes_of(
    case_id: str, user: User, uow: AbstractUnitOfWork, keys: KeyMaterial
) -> list[dict[str, Any]]:
    with uow:
        row = load(uow, case_id)
        access.check_visible(user, row["agency"], row["status"])
        return outcomes_in(uow, row, keys)
