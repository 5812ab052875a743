"""Data-subject rights (LED arts. 14-18, Wpg): what a request may ask and what it does to a case.

Pure: from a case body and a request to the corrected body and what changed. The services
(`silver.services.privacy`) load, seal, store and tell the recipients.

- A search names a person by full name and date of birth. It is answered from the keyed blind
  index the matching work keeps on every person (`person_name_dob`: the name normalised as in
  matching, with the date of birth), so no case is decrypted to find them.
- A rectification changes fields of one subject. The corrected case must be as valid as at
  intake, so a wrong date of birth is refused naming `changes.date_of_birth`.
- An erasure removes a person from the case, with the holdings and relations that name them,
  and leaves a valid case. When no suspect or convicted person remains, the case has lost its
  reason to exist and is closed.
- A restriction marks a subject so that no new dissemination carries them (LED art. 16(3)).

Where data that was transferred is corrected or erased, every recipient that holds it is told
(LED art. 16(6)) by a signed message whose `instrument` is `rectification` or `erasure`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from silver.domain import matching
from silver.domain.case_body import (
    Field,
    Invalid,
    Shape,
    _public,
    date_of_birth,
    text,
    validate_case_body,
)
from silver.domain.cases import ORGANISATION_FIELDS, PERSON_FIELDS
from silver.domain.errors import ValidationFailed

RECTIFICATION = "rectification"
ERASURE = "erasure"
# The instruments of the messages that correct what recipients received.
CORRECTIONS = (RECTIFICATION, ERASURE)
ACCUSED_ROLES = frozenset({"suspect", "convicted"})

# The fields of a subject a rectification may change, by kind. The key, kind and role are what
# the case is built on: changing them is a new case, not a correction.
RECTIFIABLE: Mapping[str, tuple[str, ...]] = {
    "person": (*PERSON_FIELDS, "remarks", "justification"),
    "organisation": (*ORGANISATION_FIELDS, "remarks", "justification"),
}

SEARCH = Shape(
    {
        "full_name": Field(text(300, min_length=1), required=True),
        "date_of_birth": Field(date_of_birth, required=True),
        "request_reference": Field(text(100), nullable=True, default=None),
    }
)
REASON_MAX = 2000


def unreadable(value: object) -> str | None:
    """Why a text (or any text inside a list or object) cannot be kept: a lone surrogate or a
    control character (tab and newline aside). None when it can."""
    if isinstance(value, str):
        if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
            return "is not valid Unicode (a lone surrogate)"
        if any((ord(c) < 0x20 and c not in "\t\n\r") or ord(c) == 0x7F for c in value):
            return "contains a control character"
        return None
    if isinstance(value, Mapping):
        value = list(value.values())
    if isinstance(value, list | tuple):
        for item in value:
            if problem := unreadable(item):
                return problem
    return None


def _readable_fields(raw: object, names: Iterable[str], prefix: str = "") -> None:
    if not isinstance(raw, Mapping):
        return
    errors = {
        f"{prefix}{name}": [problem]
        for name in names
        if (problem := unreadable(raw.get(name))) is not None
    }
    if errors:
        raise ValidationFailed(errors)


def validate_search(raw: object) -> dict[str, Any]:
    """`{full_name, date_of_birth, request_reference?}` in canonical form, or ValidationFailed."""
    _readable_fields(raw, ("full_name", "date_of_birth", "request_reference"))
    try:
        found = SEARCH(raw)
    except Invalid as exc:
        raise _public(exc) from None
    if not matching.person_name_key(found["full_name"]):
        raise ValidationFailed({"full_name": ["must contain letters of a name"]})
    return found


def search_key(full_name: str, born: str) -> matching.MatchKey:
    """The matching key a person of this name and date of birth is indexed under."""
    name = matching.person_name_key(full_name)
    if not name:
        raise ValidationFailed({"full_name": ["must contain letters of a name"]})
    return "person_name_dob", f"{name}|{born}"


def check_reason(reason: object, field: str = "reason") -> str:
    """A request's reason: required text, kept sealed with the case."""
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationFailed({field: ["give the reason (e.g. the request it answers)"]})
    if problem := unreadable(reason):
        raise ValidationFailed({field: [problem]})
    if len(reason) > REASON_MAX:
        raise ValidationFailed({field: [f"Longer than maximum length {REASON_MAX}."]})
    return reason.strip()


def subject_index(body: Mapping[str, Any], key: str) -> int | None:
    for i, subject in enumerate(body.get("subjects") or []):
        if subject.get("key") == key:
            return i
    return None


@dataclass(frozen=True)
class Rectified:
    body: dict[str, Any]
    subject: dict[str, Any]
    fields: list[str]
    previous: dict[str, Any]
    corrected: dict[str, Any]


def rectify(body: Mapping[str, Any], key: object, changes: object) -> Rectified:
    """The case body with the subject `key`'s `changes` applied, validated as a whole. Errors
    in the changed fields are named `changes.<field>`."""
    if not isinstance(key, str) or (index := subject_index(body, key)) is None:
        raise ValidationFailed({"subject": ["names no subject of this case"]})
    subject = dict(body["subjects"][index])
    if not isinstance(changes, Mapping) or not changes:
        raise ValidationFailed({"changes": ["give at least one field and its corrected value"]})
    _readable_fields(changes, list(changes), prefix="changes.")
    allowed = RECTIFIABLE[subject["kind"]]
    refused = {
        f"changes.{name}": [
            f"cannot be rectified for a {subject['kind']}; one of: {', '.join(allowed)}"
        ]
        for name in changes
        if name not in allowed
    }
    if refused:
        raise ValidationFailed(refused)
    subjects = list(body["subjects"])
    subjects[index] = {**subject, **changes}
    try:
        new_body = validate_case_body({**body, "subjects": subjects})
    except ValidationFailed as exc:
        raise ValidationFailed(_as_changes(exc.errors, index, changes)) from None
    new_subject = new_body["subjects"][index]
    fields = [n for n in allowed if n in changes and new_subject.get(n) != subject.get(n)]
    if not fields:
        raise ValidationFailed({"changes": ["changes nothing: every value is already held"]})
    return Rectified(
        body=new_body,
        subject=new_subject,
        fields=fields,
        previous={n: subject.get(n) for n in fields},
        corrected={n: new_subject.get(n) for n in fields},
    )


def _as_changes(
    errors: Mapping[str, list[str]], index: int, changes: Mapping[str, Any]
) -> dict[str, list[str]]:
    """The whole case's errors, those of the rectified subject's changed fields renamed to the
    request's `changes.<field>`."""
    prefix = f"subjects.{index}."
    out: dict[str, list[str]] = {}
    for path, messages in errors.items():
        if path.startswith(prefix) and path[len(prefix) :].split(".")[0] in changes:
            path = "changes." + path[len(prefix) :]
        out.setdefault(path, []).extend(messages)
    return out


@dataclass(frozen=True)
class Erased:
    body: dict[str, Any]
    subject: dict[str, Any]
    closes_case: bool


def erase(body: Mapping[str, Any], key: str) -> Erased:
    """The case body without the person `key`, nor the holdings and relations naming them; a
    valid case still. `closes_case` when no suspect or convicted person is left."""
    index = subject_index(body, key)
    if index is None:
        raise ValidationFailed({"subject": ["names no subject of this case"]})
    subject = dict(body["subjects"][index])
    if subject.get("kind") != "person":
        raise ValidationFailed(
            {"subject": ["erasure concerns a natural person; an organisation is no data subject"]}
        )
    new_body = {
        **body,
        "subjects": [s for s in body["subjects"] if s.get("key") != key],
        "holdings": [h for h in body.get("holdings") or [] if h.get("subject") != key],
        "relations": [
            r for r in body.get("relations") or [] if key not in (r.get("from"), r.get("to"))
        ],
    }
    new_body = validate_case_body(new_body)
    accused_left = any(
        s.get("kind") == "person" and s.get("role") in ACCUSED_ROLES for s in new_body["subjects"]
    )
    return Erased(new_body, subject, closes_case=not accused_left)


def without_subjects(body: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    """The body as a new dissemination may see it: restricted subjects left out (their
    holdings and relations drop out of a message with them)."""
    left_out = set(keys)
    if not left_out:
        return dict(body)
    return {
        **body,
        "subjects": [s for s in body.get("subjects") or [] if s.get("key") not in left_out],
    }
