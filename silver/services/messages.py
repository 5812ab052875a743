"""The signed message a recipient receives: what goes in it, its exact bytes, its signature.

Data minimisation (LED art. 4(1)(c)) is decided here, in one place: `payload_for` copies a
field into a message only when it is on an allow-list, so a field added to the case body later
stays at home until someone decides a recipient needs it. The national reference, remarks,
refugee status, special-category justifications, third-party justifications and titles are
never on it.

The signature covers the exact bytes of `encode(message)`; those bytes are what is stored and
sent, so a recipient can verify them without knowing how they were made: with the bare Ed25519
signature (`.sig`, the contract's), or with any JOSE library through the detached JWS (`.jws`)
and the JWK set of our keys.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from silver.domain.cases import ASSET_TYPE_FIELDS, GENERAL_SECRETARIAT, INSTRUMENTS, REQUESTER
from silver.domain.errors import CryptoError
from silver.infra import crypto, jose

SCHEMA_VERSION = 1

MESSAGE_NAMESPACE = uuid.UUID("e62a24a4-d07e-4bd8-9264-a1a9354df3f7")

REQUESTED_ACTION = (
    "Locate and identify the assets listed, obtain information on them and, where national "
    "law allows, discreetly monitor them. This request is not coercive: seizure, freezing and "
    "confiscation require a separate mutual legal assistance request under national law."
)

HANDLING: Mapping[str, str] = {
    "classification": "INTERPOL RESTRICTED",
    "purpose": "For law-enforcement purposes of asset tracing only.",
    "onward_transfer": "No onward transfer without the prior consent of the Netherlands.",
    "evidential_use": "Not for use as evidence without a mutual legal assistance request.",
    "retention": "Delete when no longer needed for this purpose, at the latest at expires_at.",
}

PERSON_FIELDS = ("full_name", "aliases", "date_of_birth", "nationalities", "identifiers")
ORGANISATION_FIELDS = ("name", "registration_number", "jurisdiction", "lei")
IDENTIFIER_FIELDS = ("type", "value", "country")
ASSET_COMMON_FIELDS = ("key", "type", "country", "estimated_value", "description")
LINK_FIELDS = ("relation", "share")
ACCUSED_ROLES = frozenset({"suspect", "convicted"})

ASSET_CATEGORIES: Mapping[str, str] = {
    "bank_account": "bank_accounts",
    "real_estate": "real_estate",
    "vehicle": "vehicles",
    "vessel": "vessels",
    "aircraft": "aircraft",
    "crypto_wallet": "crypto_wallets",
    "company_share": "company_shares",
    "cash_or_valuables": "valuables",
    "other": "other_assets",
}

Body = Mapping[str, Any]

LEGAL_BASIS_CORRECTION = (
    "LED art. 16(6) (Directive (EU) 2016/680), as implemented in the Wpg and Wjsg"
)


# --- Payload ------------------------------------------------------------------------------------


def check_recipient(instrument: str, recipient: str) -> None:
    """A notice goes to the General Secretariat only; a diffusion to a country, never NL."""
    if instrument not in INSTRUMENTS:
        raise ValueError(f"instrument must be one of {', '.join(INSTRUMENTS)}, not {instrument!r}")
    if instrument == "notice":
        if recipient != GENERAL_SECRETARIAT:
            raise ValueError(f"a notice goes to {GENERAL_SECRETARIAT}, not to {recipient!r}")
        return
    if not (len(recipient) == 2 and recipient.isascii() and recipient.isupper()):
        raise ValueError(f"a diffusion goes to an ISO 3166-1 alpha-2 country, not {recipient!r}")
    if recipient == REQUESTER:
        raise ValueError(f"{REQUESTER} is the requesting country and never a recipient")


def _pick(source: Body, names: Iterable[str]) -> dict[str, Any]:
    """The named fields that hold a value, copied so the payload never aliases the case."""
    return {n: copy.deepcopy(source[n]) for n in names if source.get(n) is not None}


def _items(body: Body, name: str) -> list[Mapping[str, Any]]:
    return [item for item in body.get(name) or [] if isinstance(item, Mapping)]


def _included_assets(body: Body, country: str | None) -> list[Mapping[str, Any]]:
    assets = _items(body, "assets")
    return assets if country is None else [a for a in assets if a.get("country") == country]


def _included_subject_keys(body: Body, asset_keys: set[str]) -> set[str]:
    """Suspects, convicted, holders of an included asset, and organisations one link away.

    An organisation is one link away when a relation joins it to one of the other included
    subjects, or an included company share is a share of it. Only one link: an ownership chain
    beyond that is for the recipient to find, not for us to send.
    """
    subjects = {s.get("key"): s for s in _items(body, "subjects")}
    core = {k for k, s in subjects.items() if s.get("role") in ACCUSED_ROLES}
    core |= {h.get("subject") for h in _items(body, "holdings") if h.get("asset") in asset_keys}
    linked = {
        a.get("organisation")
        for a in _items(body, "assets")
        if a.get("key") in asset_keys and a.get("type") == "company_share"
    }
    for r in _items(body, "relations"):
        if r.get("from") in core:
            linked.add(r.get("to"))
        if r.get("to") in core:
            linked.add(r.get("from"))
    organisations = {k for k, s in subjects.items() if s.get("kind") == "organisation"}
    return {k for k in core | (linked & organisations) if isinstance(k, str) and k in subjects}


def _subject(subject: Body) -> dict[str, Any]:
    out = _pick(subject, ("key", "kind", "role"))
    if subject.get("kind") == "organisation":
        return out | _pick(subject, ORGANISATION_FIELDS)
    out |= _pick(subject, PERSON_FIELDS)
    if "identifiers" in out:
        out["identifiers"] = [_pick(i, IDENTIFIER_FIELDS) for i in subject["identifiers"]]
    return out


def _asset(asset: Body) -> dict[str, Any]:
    own = ASSET_TYPE_FIELDS.get(str(asset.get("type")), ())
    return _pick(asset, (*ASSET_COMMON_FIELDS, *own))


def _links(body: Body, name: str, ends: tuple[str, str], keys: set[str]) -> list[dict[str, Any]]:
    return [
        _pick(item, (*ends, *LINK_FIELDS))
        for item in _items(body, name)
        if item.get(ends[0]) in keys and item.get(ends[1]) in keys
    ]


def _offence(body: Body) -> dict[str, Any]:
    out = _pick(body, ("crime_types", "offence_summary", "max_penalty_years", "urgency"))
    basis = body.get("legal_basis")
    if isinstance(basis, Mapping):
        out["legal_basis"] = _pick(basis, ("type", "reference"))
    return out


def payload_for(case_body: Body, instrument: str, recipient: str) -> dict[str, Any]:
    """What `recipient` needs of the case, and nothing more (LED art. 4(1)(c)).

    A notice (to the General Secretariat) carries every asset; a diffusion to a country only
    the assets located there, and says so with `assets_located_in` (the list is empty when
    none are). Subjects: see `_included_subject_keys`. Holdings and relations only between
    included subjects and assets. Fields without a value are left out.
    """
    check_recipient(instrument, recipient)
    country = None if instrument == "notice" else recipient
    assets = _included_assets(case_body, country)
    asset_keys = {str(a.get("key")) for a in assets}
    subject_keys = _included_subject_keys(case_body, asset_keys)
    payload = _offence(case_body)
    if country is not None:
        payload["assets_located_in"] = country
    payload["requested_action"] = REQUESTED_ACTION
    payload["subjects"] = [
        _subject(s) for s in _items(case_body, "subjects") if s.get("key") in subject_keys
    ]
    payload["assets"] = [_asset(a) for a in assets]
    payload["holdings"] = _links(
        case_body, "holdings", ("subject", "asset"), subject_keys | asset_keys
    )
    payload["relations"] = _links(case_body, "relations", ("from", "to"), subject_keys)
    return payload


def categories_of(payload: Body) -> list[str]:
    """The categories of personal data a payload carries, for the transfer log (LED art. 25)."""
    found: set[str] = set()
    if payload.get("crime_types") or payload.get("offence_summary"):
        found.add("offence")
    for s in _items(payload, "subjects"):
        if s.get("kind") == "organisation":
            found.add("organisations")
            continue
        found.add("identity")
        for field, category in (
            ("date_of_birth", "date_of_birth"),
            ("nationalities", "nationality"),
            ("identifiers", "identity_documents"),
        ):
            if s.get(field):
                found.add(category)
    for a in _items(payload, "assets"):
        found.add(ASSET_CATEGORIES.get(str(a.get("type")), "other_assets"))
    if payload.get("relations"):
        found.add("relationships")
    return sorted(found)


# --- The message and its bytes ------------------------------------------------------------------


def utc_text(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z, to the second; a naive time is refused rather than guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a message time must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_message(
    *,
    message_id: str,
    case_number: str,
    instrument: str,
    recipient: str,
    created_at: datetime,
    expires_at: datetime,
    sender: str,
    payload: Mapping[str, Any],
) -> dict[str, Any]:
    """The envelope around a payload: who, when, until when, and how it may be handled."""
    check_recipient(instrument, recipient)
    return _message_envelope(
        message_id=message_id,
        case_number=case_number,
        instrument=instrument,
        recipient=recipient,
        created_at=created_at,
        expires_at=expires_at,
        sender=sender,
        payload=payload,
    )


def _message_envelope(
    *,
    message_id: str,
    case_number: str,
    instrument: str,
    recipient: str,
    created_at: datetime,
    expires_at: datetime,
    sender: str,
    payload: Mapping[str, Any],
) -> dict[str, Any]:
    if expires_at <= created_at:
        raise ValueError("a message must expire after it is created")
    return {
        "schema_version": SCHEMA_VERSION,
        "message_id": message_id,
        "case_number": case_number,
        "instrument": instrument,
        "recipient": recipient,
        "sender": sender,
        "created_at": utc_text(created_at),
        "expires_at": utc_text(expires_at),
        "handling": dict(HANDLING),
        "payload": copy.deepcopy(dict(payload)),
    }


def encode(message: Mapping[str, Any]) -> bytes:
    """Canonical JSON: sorted keys, no whitespace, UTF-8. Equal messages give equal bytes."""
    text = json.dumps(
        message, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


def message_id_for(case_id: str, recipient: str, round_: int) -> str:
    """The same case, recipient and round always give the same id: a retry cannot send twice.

    `round_` counts deliberate re-sends (a screener's retry of a failed recipient); the
    gateway deduplicates on this id.
    """
    if round_ < 0:
        raise ValueError("round_ must not be negative")
    return str(uuid.uuid5(MESSAGE_NAMESPACE, f"{case_id}\x1f{recipient}\x1f{round_}"))


def correction_message_id(case_id: str, recipient: str, correction_id: str) -> str:
    """The id of one correction's message to one recipient: a retried job cannot send twice."""
    return str(uuid.uuid5(MESSAGE_NAMESPACE, f"{case_id}\x1f{recipient}\x1f{correction_id}"))


def received_subject(message: Mapping[str, Any], key: str) -> dict[str, Any] | None:
    """The subject `key` as a sent message carried it, or None when it did not carry them."""
    payload = message.get("payload")
    if not isinstance(payload, Mapping):
        return None
    for subject in _items(payload, "subjects"):
        if subject.get("key") == key:
            return dict(subject)
    return None


def correction_payload(
    instrument: str,
    subject: Body,
    corrected: Mapping[str, Any],
    reason: str,
    corrects: str,
) -> dict[str, Any] | None:
    """What a recipient that received `subject` is told of its rectification or erasure (LED
    art. 16(6)): the subject's key, for a rectification the corrected fields among those a
    message may carry (their new values, minimised as a dissemination's), and the reason.
    None when the correction touches nothing the recipient received."""
    payload: dict[str, Any] = {
        "subject": subject.get("key"),
        "corrects_message_id": corrects,
        "reason": reason,
        "legal_basis": LEGAL_BASIS_CORRECTION,
    }
    if instrument == "erasure":
        payload["requested_action"] = (
            "Erase every personal data on this subject received with the message named, and "
            "what was derived from it, unless national law obliges you to keep it."
        )
        return payload
    allowed = ORGANISATION_FIELDS if subject.get("kind") == "organisation" else PERSON_FIELDS
    fields = {name: value for name, value in corrected.items() if name in allowed}
    if not fields:
        return None
    shown = _subject({**subject, **fields})
    payload["corrected_fields"] = {name: shown.get(name) for name in fields}
    payload["requested_action"] = (
        "Replace the values of the fields named in every copy of the data received with the "
        "message named."
    )
    return payload


def build_correction(
    *,
    message_id: str,
    case_number: str,
    instrument: str,
    recipient: str,
    created_at: datetime,
    expires_at: datetime,
    sender: str,
    payload: Mapping[str, Any],
) -> dict[str, Any]:
    """The envelope of a rectification or an erasure, as a dissemination's (`build_message`)."""
    if instrument not in ("rectification", "erasure"):
        raise ValueError(f"a correction is a rectification or an erasure, not {instrument!r}")
    return _message_envelope(
        message_id=message_id,
        case_number=case_number,
        instrument=instrument,
        recipient=recipient,
        created_at=created_at,
        expires_at=expires_at,
        sender=sender,
        payload=payload,
    )


def correction_categories(payload: Body) -> list[str]:
    """The categories of personal data a correction carries (the transfer log)."""
    found = {"corrections"}
    corrected = payload.get("corrected_fields")
    if isinstance(corrected, Mapping):
        for field, category in (
            ("full_name", "identity"),
            ("aliases", "identity"),
            ("name", "organisations"),
            ("date_of_birth", "date_of_birth"),
            ("nationalities", "nationality"),
            ("identifiers", "identity_documents"),
        ):
            if field in corrected:
                found.add(category)
    return sorted(found)


# --- Signatures ---------------------------------------------------------------------------------


def sign(signing_key: crypto.SigningKey, data: bytes) -> str:
    """The Ed25519 signature of exactly `data`, in standard base64."""
    return base64.b64encode(signing_key.sign(data)).decode("ascii")


def verify(public_pem: str, data: bytes, signature_b64: str) -> bool:
    """Whether `signature_b64` signs `data`; a malformed signature is simply not valid.

    A public key that cannot be read raises CryptoError: that is a configuration fault, not a
    verdict on the message.
    """
    try:
        signature = base64.b64decode(signature_b64.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    if len(signature) != 64:
        return False
    return crypto.verify_signature(public_pem, data, signature)


def sign_jws(signing_key: crypto.SigningKey, data: bytes) -> str:
    """The compact JWS (EdDSA) of exactly `data`, payload detached: `header..signature`."""
    return jose.sign_detached(signing_key, data)


@dataclass(frozen=True)
class VerifyReport:
    """The verdict on one message file; `problem` says why when `ok` is False."""

    ok: bool
    path: Path
    message_id: str | None = None
    recipient: str | None = None
    key_id: str | None = None
    problem: str | None = None


def _read(path: Path, what: str) -> bytes | str:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return f"{what} {path} does not exist"
    except OSError as exc:
        return f"{what} {path} cannot be read: {exc.strerror or exc}"


def _envelope(data: bytes) -> dict[str, Any] | None:
    try:
        message = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return message if isinstance(message, dict) else None


def _text_field(message: Mapping[str, Any] | None, name: str) -> str | None:
    value = (message or {}).get(name)
    return value if isinstance(value, str) else None


def verify_file(path: Path, public_pem: str, signature_path: Path | None = None) -> VerifyReport:
    """Check a message file against its signature (by default `<stem>.sig` beside it).

    Never raises for a bad file: a missing file, unreadable JSON, a bad signature or an
    unreadable public key each give ok=False with the reason in `problem`.
    """
    path = Path(path)
    signature_path = signature_path or path.with_suffix(".sig")
    try:
        key_id: str | None = crypto.public_key_id(public_pem)
    except CryptoError as exc:
        return VerifyReport(False, path, problem=f"public key: {exc}")
    data = _read(path, "message file")
    if isinstance(data, str):
        return VerifyReport(False, path, key_id=key_id, problem=data)
    message = _envelope(data)
    report = VerifyReport(
        False,
        path,
        message_id=_text_field(message, "message_id"),
        recipient=_text_field(message, "recipient"),
        key_id=key_id,
    )
    problem = _problem(data, message, path, signature_path, public_pem)
    return replace(report, ok=problem is None, problem=problem)


def _problem(
    data: bytes,
    message: Mapping[str, Any] | None,
    path: Path,
    signature_path: Path,
    public_pem: str,
) -> str | None:
    signature = _read(signature_path, "signature file")
    if isinstance(signature, str):
        return signature
    try:
        signature_text = signature.decode("ascii")
    except UnicodeDecodeError:
        return f"signature file {signature_path} is not base64 text"
    if not verify(public_pem, data, signature_text):
        return "the signature does not match the message bytes and this public key"
    if message is None:
        return "the signed bytes are not a JSON object"
    if message.get("message_id") != path.stem:
        return f"the file name does not match message_id {message.get('message_id')!r}"
    return None


def verify_jws_file(path: Path, public_keys: Mapping[str, jose.PublicKey]) -> VerifyReport:
    """Check a detached JWS file (`<id>.jws`) against the message beside it (`<id>.json`) with
    the key its header names among `public_keys` (kid -> public PEM or JWK).

    Never raises for a bad file: the reason is in `problem`, as for `verify_file`."""
    path = Path(path)
    message_path = path.with_suffix(".json")
    token = _read(path, "JWS file")
    if isinstance(token, str):
        return VerifyReport(False, path, problem=token)
    data = _read(message_path, "message file")
    if isinstance(data, str):
        return VerifyReport(False, path, problem=data)
    message = _envelope(data)
    report = VerifyReport(
        False,
        path,
        message_id=_text_field(message, "message_id"),
        recipient=_text_field(message, "recipient"),
    )
    try:
        text = token.decode("ascii")
        kid = jose.verify_detached(text, data, public_keys)
    except UnicodeDecodeError:
        return replace(report, problem=f"JWS file {path} is not ASCII text")
    except CryptoError as exc:
        return replace(report, problem=str(exc))
    report = replace(report, key_id=kid)
    if message is None:
        return replace(report, problem="the signed bytes are not a JSON object")
    if message.get("message_id") != path.stem:
        return replace(
            report, problem=f"the file name does not match message_id {message.get('message_id')!r}"
        )
    return replace(report, ok=True)
