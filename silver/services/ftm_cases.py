"""A case in and out as FollowTheMoney entities (the format of OCCRP Aleph and OpenSanctions).

Export reads the case as any read does (visible to whoever may read it, audited with its
purpose) and maps it with `silver.infra.ftm`. Import maps the entities to the subjects, assets,
holdings and relations of a case body, and then the body goes through exactly the validation
and storage of a case typed by hand (`intake.create_case`): an error of either step names the
entity and property it came from (`entities.<index>.<property>`), a case field `case.<field>`,
and nothing is stored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from silver.domain.audit import AuditEvent
from silver.domain.cases import REQUESTER, Case
from silver.domain.errors import ValidationFailed
from silver.domain.uow import AbstractUnitOfWork
from silver.domain.users import User
from silver.infra import ftm
from silver.infra.keys import KeyMaterial
from silver.services import intake
from silver.services.case_store import utcnow

ENTITY_PARTS = ("subjects", "assets", "holdings", "relations")


def export_case(
    case_id: str, user: User, uow: AbstractUnitOfWork, keys: KeyMaterial, purpose: str
) -> list[dict[str, Any]]:
    """The case's subjects, assets, holdings and relations as FtM entities (stable ids)."""
    with uow:
        _, case = intake.read_visible(uow, case_id, user, keys)
        uow.audit.append(
            AuditEvent(
                "case.read",
                user.username,
                utcnow(),
                case_id,
                reason=purpose[:200],
                detail={"format": "ftm"},
            )
        )
        uow.commit()
    return [dict(e) for e in ftm.case_to_entities(case.id, case.body)]


def import_case(
    payload: Mapping[str, Any], user: User, uow: AbstractUnitOfWork, keys: KeyMaterial
) -> Case:
    """A draft case from `{"case": {case fields}, "entities": [FtM entities]}`."""
    fields, entities = _parts(payload)
    mapped = ftm.map_entities(entities)
    if mapped.errors:
        raise ValidationFailed(mapped.errors)
    body = {**fields, **mapped.body}
    try:
        return intake.create_case(body, user, uow, keys)
    except ValidationFailed as err:
        raise ValidationFailed(
            {_entity_key(mapped, key): messages for key, messages in err.errors.items()}
        ) from None


def _parts(payload: Mapping[str, Any]) -> tuple[dict[str, Any], list[Any]]:
    errors: dict[str, list[str]] = {}
    if not isinstance(payload, Mapping):
        raise ValidationFailed({"_body": ["must be an object with `case` and `entities`"]})
    for name in payload:
        if name not in ("case", "entities"):
            errors[name] = ["Unknown field."]
    fields = payload.get("case")
    entities = payload.get("entities")
    if not isinstance(fields, Mapping):
        errors["case"] = ["must be an object with the case's fields (title, legal_basis, ...)"]
    else:
        for part in ENTITY_PARTS:
            if part in fields:
                errors[f"case.{part}"] = [f"{part} come from the entities, not from the case"]
    if not isinstance(entities, list):
        errors["entities"] = ["must be a list of FollowTheMoney entities"]
    if errors:
        raise ValidationFailed(errors)
    assert isinstance(fields, Mapping) and isinstance(entities, list)
    return dict(fields), entities


def _entity_key(mapped: ftm.MappedEntities, key: str) -> str:
    """A case-body error key as the importer knows it: the entity and property it came from,
    or the case field."""
    if key.split(".", 1)[0] in ENTITY_PARTS:
        return mapped.where(key) or f"entities.{key}"
    return f"case.{key}"


def reference_asset(
    dataset: str, entity_id: str, uow: AbstractUnitOfWork
) -> tuple[dict[str, Any], str | None]:
    """A reference entity as a case asset (its identifiers, name and country, what Silver can
    hold of it) and the country it is in; ValidationFailed when it is no asset."""
    with uow:
        found = uow.tracing.entity(dataset, entity_id)
    if found is None:
        raise ValidationFailed(
            {"entity_id": [f"is not an entity of reference dataset {dataset!r}"]}
        )
    properties: dict[str, list[str]] = json.loads(found["properties"] or "{}")
    asset = ftm.asset_from_reference(found["schema"], properties)
    if asset is None:
        raise ValidationFailed(
            {"entity_id": [f"is a {found['schema']}, not an asset a case can hold"]}
        )
    caption = found["caption"] or entity_id
    asset["description"] = f"{caption} (reference data: {dataset}, {entity_id})"[:2000]
    return asset, asset.get("country")


def add_reference_asset(
    case_id: str,
    dataset: str,
    entity_id: str,
    version: int | None,
    user: User,
    uow_factory: Callable[[], AbstractUnitOfWork],
    keys: KeyMaterial,
) -> Case:
    """Copy a traced reference asset into a draft or returned case as a new asset (validated
    like any other), and add the country it is in to the target countries. The case is
    looked at first: a caller who may not see it learns nothing else (404)."""
    with uow_factory() as uow:
        _, case = intake.read_visible(uow, case_id, user, keys)
    asset, country = reference_asset(dataset, entity_id, uow_factory())
    taken = {item["key"] for part in ("subjects", "assets") for item in case.body.get(part) or []}
    asset["key"] = _free_key(f"ref-{entity_id}", taken)
    patch: dict[str, Any] = {"assets": [*(case.body.get("assets") or []), asset]}
    targets = list(case.body.get("target_countries") or [])
    if country and country != REQUESTER and country not in targets:
        patch["target_countries"] = [*targets, country]
    return intake.update_case(case_id, patch, version, user, uow_factory(), keys)


def _free_key(wanted: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_.-]", "-", wanted)[:56] or "ref"
    if not base[0].isalnum():
        base = "r" + base[1:]
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key
