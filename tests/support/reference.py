"""Builders of FollowTheMoney reference entities for tests."""

from __future__ import annotations

from typing import Any

Lines = list[dict[str, Any]]


def entity(entity_id: str, schema: str, **props: Any) -> dict[str, Any]:
    return {
        "id": entity_id,
        "schema": schema,
        "properties": {k: v if isinstance(v, list) else [v] for k, v in props.items()},
    }


def own(link_id: str, owner: str, asset: str, percentage: str | None) -> dict[str, Any]:
    props: dict[str, Any] = {"owner": owner, "asset": asset}
    if percentage is not None:
        props["percentage"] = percentage
    return entity(link_id, "Ownership", **props)


def chain(tag: str, vessel_imo: str) -> Lines:
    """A reference person who owns a Cypriot holding, which owns 60% of a Panamanian company,
    which owns half of another, which owns a vessel."""
    return [
        entity(f"{tag}-p", "Person", name="Jan Zilverberg", birthDate="1970-05-01"),
        entity(f"{tag}-cy", "Company", name=f"Silverline Holdings {tag} Ltd", jurisdiction="cy"),
        entity(f"{tag}-pa1", "Company", name=f"Argenta Maritime {tag} S.A.", jurisdiction="pa"),
        entity(f"{tag}-pa2", "Company", name=f"Plata Shipping {tag} Inc", jurisdiction="pa"),
        entity(f"{tag}-v", "Vessel", name="Silver Moon", imoNumber=vessel_imo, flag="pa"),
        own(f"{tag}-o1", f"{tag}-p", f"{tag}-cy", "100"),
        own(f"{tag}-o2", f"{tag}-cy", f"{tag}-pa1", "60"),
        own(f"{tag}-o3", f"{tag}-pa1", f"{tag}-pa2", "50"),
        own(f"{tag}-o4", f"{tag}-pa2", f"{tag}-v", "100"),
    ]
