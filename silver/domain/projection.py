"""The graph projection of a case: the nodes and relationships Neo4j holds for it.

Pure: from a validated case body to rows. The rows carry no personal data. Identifiers become
blind indexes (keyed hashes of their normalised form), so the same account, vessel or passport
in two cases meets at one shared Identifier node without its value being stored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from silver.domain import identifiers, matching
from silver.domain.blind_index import blind_index

# FollowTheMoney schema names for the node labels.
SUBJECT_LABELS = {"person": "Person", "organisation": "Organization"}
ASSET_LABELS = {
    "bank_account": "BankAccount",
    "real_estate": "RealEstate",
    "vehicle": "Vehicle",
    "vessel": "Vessel",
    "aircraft": "Airplane",
    "crypto_wallet": "CryptoWallet",
    "company_share": "Security",
    "cash_or_valuables": "Asset",
    "other": "Asset",
}
HOLDING_TYPES = {
    "owns": "OWNS",
    "controls": "CONTROLS",
    "beneficial_owner": "BENEFICIAL_OWNER_OF",
    "uses": "USES",
}
RELATION_TYPES = {
    "director_of": "DIRECTOR_OF",
    "shareholder_of": "SHAREHOLDER_OF",
    "beneficial_owner_of": "BENEFICIAL_OWNER_OF",
    "relative_of": "FAMILY_OF",
    "associate_of": "ASSOCIATE_OF",
}


@dataclass
class Projection:
    subjects: list[dict[str, Any]] = field(default_factory=list)
    assets: list[dict[str, Any]] = field(default_factory=list)
    identifiers: list[dict[str, Any]] = field(default_factory=list)
    holdings: list[dict[str, Any]] = field(default_factory=list)
    relations: list[dict[str, Any]] = field(default_factory=list)
    countries: list[dict[str, Any]] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)


def subject_uid(case_id: str, index: int) -> str:
    return f"{case_id}/s{index}"


def asset_uid(case_id: str, index: int) -> str:
    return f"{case_id}/a{index}"


# The matching keys live in silver/domain/matching.py; these names are the projection's view.
subject_identifiers = matching.subject_keys
asset_identifiers = matching.asset_keys


# The canonical form of each identifying field of a subject or an asset, as the case-body
# validation writes it. Data that did not come through that validation (reference data) goes
# through these before it is matched, so both sides hash the same strings.
IDENTIFYING_FIELDS: dict[str, Callable[[str], str]] = {
    "registration_number": identifiers.normalise_generic,
    "jurisdiction": identifiers.normalise_country,
    "lei": identifiers.normalise_lei,
    "iban": identifiers.normalise_iban,
    "account_number": partial(identifiers.normalise_generic, label="Account number"),
    "bic": identifiers.normalise_bic,
    # The canonical VIN is the same with or without its check digit enforced.
    "vin": partial(identifiers.normalise_vin, require_check_digit=False),
    "imo": identifiers.normalise_imo,
    "registration_plate": identifiers.normalise_generic,
    "registration_country": identifiers.normalise_country,
    "registration_mark": identifiers.normalise_generic,
    "cadastral_reference": identifiers.normalise_generic,
    "isin": identifiers.normalise_isin,
    "country": identifiers.normalise_country,
    "currency": identifiers.normalise_crypto_currency,
}


def canonical_identifying(item: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a subject or an asset (the case body's shape, values as someone wrote them)
    with its identifying fields in canonical form. A value that does not validate is left out:
    it can match nothing."""
    out = dict(item)
    for name, normalise in IDENTIFYING_FIELDS.items():
        if out.get(name) is None:
            continue
        try:
            out[name] = normalise(out[name])
        except identifiers.InvalidIdentifier:
            del out[name]
    idents = []
    for ident in item.get("identifiers") or []:
        try:
            country = ident.get("country")
            idents.append(
                {
                    **ident,
                    "value": identifiers.normalise_generic(ident["value"]),
                    "country": identifiers.normalise_country(country) if country else None,
                }
            )
        except identifiers.InvalidIdentifier:
            continue
    out["identifiers"] = idents
    if out.get("address") and out.get("type") == "crypto_wallet":
        try:
            identifiers.normalise_crypto_address(out.get("currency") or "", out["address"])
        except identifiers.InvalidIdentifier:
            del out["address"]
    return out


def project(
    case_id: str, body: dict[str, Any], index_key: bytes, agency: str | None = None
) -> Projection:
    """The graph of a case: its subjects and assets (labelled with the case's agency, so a
    trace knows which it may expand), their matching keys as blind indexes, holdings,
    relations and countries."""
    out = Projection(targets=list(body.get("target_countries") or []))
    subject_uids: dict[str, str] = {}
    for i, subject in enumerate(body.get("subjects") or []):
        uid = subject_uid(case_id, i)
        subject_uids[subject["key"]] = uid
        out.subjects.append(
            {
                "uid": uid,
                "labels": ["Subject", SUBJECT_LABELS[subject["kind"]]],
                "kind": subject["kind"],
                "role": subject["role"],
                "agency": agency,
            }
        )
        for kind, value in matching.unique(matching.subject_keys(subject)):
            out.identifiers.append(
                {"owner": uid, "kind": kind, "index": blind_index(index_key, kind, value)}
            )
        for code in subject.get("nationalities") or []:
            out.countries.append({"node": uid, "code": code, "type": "NATIONAL_OF"})
        if subject.get("residence_country"):
            out.countries.append(
                {"node": uid, "code": subject["residence_country"], "type": "RESIDENT_IN"}
            )
        if subject.get("jurisdiction"):
            out.countries.append(
                {"node": uid, "code": subject["jurisdiction"], "type": "REGISTERED_IN"}
            )
    asset_uids: dict[str, str] = {}
    for i, asset in enumerate(body.get("assets") or []):
        uid = asset_uid(case_id, i)
        asset_uids[asset["key"]] = uid
        money: dict[str, Any] = asset.get("estimated_value") or {}
        out.assets.append(
            {
                "uid": uid,
                "labels": ["Asset", ASSET_LABELS[asset["type"]]],
                "type": asset["type"],
                "value_amount": money.get("amount"),
                "value_currency": money.get("currency"),
                "agency": agency,
            }
        )
        for kind, ident in matching.unique(matching.asset_keys(asset)):
            out.identifiers.append(
                {"owner": uid, "kind": kind, "index": blind_index(index_key, kind, ident)}
            )
        if asset.get("country"):
            out.countries.append({"node": uid, "code": asset["country"], "type": "LOCATED_IN"})
        if asset["type"] == "company_share" and asset.get("organisation") in subject_uids:
            out.holdings.append(
                {
                    "from": uid,
                    "to": subject_uids[asset["organisation"]],
                    "type": "SHARE_OF",
                    # a percentage in the case body, a share (0..1) on every graph edge
                    "share": (
                        asset["percentage"] / 100 if asset.get("percentage") is not None else None
                    ),
                }
            )
    for holding in body.get("holdings") or []:
        out.holdings.append(
            {
                "from": subject_uids[holding["subject"]],
                "to": asset_uids[holding["asset"]],
                "type": HOLDING_TYPES[holding["relation"]],
                "share": holding.get("share"),
            }
        )
    for relation in body.get("relations") or []:
        out.relations.append(
            {
                "from": subject_uids[relation["from"]],
                "to": subject_uids[relation["to"]],
                "type": RELATION_TYPES[relation["relation"]],
                "share": relation.get("share"),
            }
        )
    return out
