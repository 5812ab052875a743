"""HTML forms <-> the API's JSON bodies: plain functions, no Flask, no services.

A case form is kept as `CaseForm`: the top-level fields as strings (and lists for checkboxes)
and the rows of subjects, assets, holdings and relations, each a dict of strings. Rows are
posted as `subjects-3-full_name`; their numbers need not be contiguous (rows added by the
script count on), and the rows are renumbered from 0 in the order posted. On saving, a row whose
fields are all empty (selects with a default aside) is dropped. Errors come back under the API's
paths (`subjects.0.full_name`) and `field_for` names the form field they concern.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from werkzeug.datastructures import MultiDict

from silver.domain import cases
from silver.domain.cases import ASSET_TYPE_FIELDS

FormData = MultiDict[str, str]

Row = dict[str, str]

TOP_FIELDS = (
    "title",
    "national_reference",
    "offence_summary",
    "max_penalty_years",
    "legal_basis_type",
    "legal_basis_reference",
    "urgency",
    "requested_instrument",
    "target_countries",
    "contains_special_categories",
    "special_categories_justification",
)
ROW_FIELDS: dict[str, tuple[str, ...]] = {
    "subjects": (
        "key",
        "kind",
        "role",
        "justification",
        "full_name",
        "aliases",
        "date_of_birth",
        "nationalities",
        "residence_country",
        "refugee_country",
        "identifiers",
        "name",
        "registration_number",
        "jurisdiction",
        "lei",
        "remarks",
    ),
    "assets": (
        "key",
        "type",
        "country",
        "value_amount",
        "value_currency",
        "description",
        "iban",
        "account_number",
        "bic",
        "address",
        "cadastral_reference",
        "vin",
        "registration_plate",
        "registration_country",
        "imo",
        "name",
        "registration_mark",
        "currency",
        "organisation",
        "percentage",
        "isin",
    ),
    "holdings": ("subject", "asset", "relation", "share"),
    "relations": ("from", "to", "relation", "share"),
}
ROW_DEFAULTS: dict[str, Row] = {
    "subjects": {"kind": "person", "role": "suspect"},
    "assets": {"type": "bank_account", "value_currency": "EUR"},
    "holdings": {"relation": "owns"},
    "relations": {"relation": "director_of"},
}
GROUPS = tuple(ROW_FIELDS)
# A subject's field as the form names it: the form asks only for a refugee's country of origin.
SUBJECT_ROW_NAMES = {"refugee_status": "refugee_country"}
PERSON_FIELDS = tuple(SUBJECT_ROW_NAMES.get(name, name) for name in cases.PERSON_FIELDS)
ORGANISATION_FIELDS = cases.ORGANISATION_FIELDS
ALL_TYPE_FIELDS = tuple(dict.fromkeys(f for names in ASSET_TYPE_FIELDS.values() for f in names))
FIELD_TYPES: dict[str, list[str]] = {
    name: [kind for kind, names in ASSET_TYPE_FIELDS.items() if name in names]
    for name in ALL_TYPE_FIELDS
}


@dataclass
class CaseForm:
    fields: dict[str, str] = field(default_factory=dict)
    crime_types: list[str] = field(default_factory=list)
    rows: dict[str, list[Row]] = field(default_factory=lambda: {g: [] for g in GROUPS})

    def value(self, name: str) -> str:
        return self.fields.get(name, "")


def filled(
    row: Mapping[str, str], names: Iterable[str], prefix: str, errors: Mapping[str, Any]
) -> bool:
    """Whether any of these fields of a row holds a value or an error (so it stays visible)."""
    return any(row.get(n) or f"{prefix}{n}" in errors for n in names)


def empty_row(group: str) -> Row:
    return {name: ROW_DEFAULTS[group].get(name, "") for name in ROW_FIELDS[group]}


def empty_case_form() -> CaseForm:
    form = CaseForm(fields={name: "" for name in TOP_FIELDS})
    form.fields["urgency"] = "normal"
    form.rows = {group: [empty_row(group)] for group in GROUPS}
    return form


def _clean(value: Any) -> str:
    text = str(value or "").replace("\r\n", "\n").strip()
    return "\n".join(line.strip() for line in text.split("\n")) if "\n" in text else text


def _blank(group: str, row: Row) -> bool:
    defaults = ROW_DEFAULTS[group]
    return not any(value for name, value in row.items() if name not in defaults)


def read_case_form(data: FormData) -> CaseForm:
    form = CaseForm(fields={name: _clean(data.get(name, "")) for name in TOP_FIELDS})
    form.crime_types = [str(v) for v in data.getlist("crime_types") if v]
    for group, names in ROW_FIELDS.items():
        pattern = re.compile(rf"{group}-(\d{{1,4}})-")
        numbers = sorted({int(m.group(1)) for key in data if (m := pattern.match(str(key)))})
        form.rows[group] = [
            {n: _clean(data.get(f"{group}-{i}-{n}", "")) for n in names} for i in numbers
        ]
    return form


def drop_blank_rows(form: CaseForm) -> None:
    """Before saving: rows left empty are not part of the case."""
    for group in GROUPS:
        form.rows[group] = [row for row in form.rows[group] if not _blank(group, row)]


def apply_row_action(form: CaseForm, action: str) -> bool:
    """`add-subjects` or `remove-assets-2` (the buttons that work without the script)."""
    match = re.fullmatch(r"(add|remove)-(subjects|assets|holdings|relations)(?:-(\d+))?", action)
    if match is None:
        return False
    verb, group, index = match.groups()
    if verb == "add":
        form.rows[group].append(empty_row(group))
    elif index is not None and int(index) < len(form.rows[group]):
        del form.rows[group][int(index)]
    return True


def _opt(value: str) -> str | None:
    return value if value != "" else None


def split_list(text: str) -> list[str]:
    """Country codes and the like: separated by commas, spaces or lines."""
    return [part for part in re.split(r"[\s,;]+", text) if part]


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def _identifier(line: str) -> dict[str, Any]:
    """`passport NX1234567 NL`: type, value, then an optional two-letter country."""
    parts = line.split()
    kind = parts[0] if parts else ""
    rest = parts[1:]
    country = None
    if len(rest) >= 2 and re.fullmatch(r"[A-Za-z]{2}", rest[-1]):
        country = rest.pop()
    return {"type": kind, "value": " ".join(rest), "country": country}


def _identifier_line(identifier: Mapping[str, Any]) -> str:
    parts = [identifier.get("type") or "", identifier.get("value") or ""]
    if identifier.get("country"):
        parts.append(identifier["country"])
    return " ".join(p for p in parts if p)


def _subject(row: Row) -> dict[str, Any]:
    out: dict[str, Any] = {"key": row["key"], "kind": row["kind"], "role": row["role"]}
    for name in ("justification", "remarks", "full_name", "date_of_birth", "residence_country"):
        if row[name]:
            out[name] = row[name]
    for name in ORGANISATION_FIELDS:
        if row[name]:
            out[name] = row[name]
    if row["aliases"]:
        out["aliases"] = _lines(row["aliases"])
    if row["nationalities"]:
        out["nationalities"] = split_list(row["nationalities"])
    if row["refugee_country"]:
        out["refugee_status"] = {"country_of_origin": row["refugee_country"]}
    if row["identifiers"]:
        out["identifiers"] = [_identifier(line) for line in _lines(row["identifiers"])]
    return out


def _asset(row: Row) -> dict[str, Any]:
    out: dict[str, Any] = {"key": row["key"], "type": row["type"]}
    for name in ("country", "description", *ALL_TYPE_FIELDS):
        if row.get(name):
            out[name] = row[name]
    if row["value_amount"]:
        out["estimated_value"] = {"amount": row["value_amount"], "currency": row["value_currency"]}
    return out


def _link(row: Row, ends: tuple[str, str]) -> dict[str, Any]:
    return {
        ends[0]: row[ends[0]],
        ends[1]: row[ends[1]],
        "relation": row["relation"],
        "share": _opt(row["share"]),
    }


def case_body(form: CaseForm) -> dict[str, Any]:
    """The JSON body of `POST /api/v1/cases` the form describes (validated by the caller)."""
    f = form.fields
    legal = (
        {"type": f["legal_basis_type"], "reference": _opt(f["legal_basis_reference"])}
        if f["legal_basis_type"] or f["legal_basis_reference"]
        else None
    )
    return {
        "title": f["title"],
        "national_reference": _opt(f["national_reference"]),
        "crime_types": list(form.crime_types),
        "offence_summary": _opt(f["offence_summary"]),
        "max_penalty_years": _opt(f["max_penalty_years"]),
        "legal_basis": legal,
        "urgency": f["urgency"] or "normal",
        "requested_instrument": _opt(f["requested_instrument"]),
        "target_countries": split_list(f["target_countries"]),
        "contains_special_categories": f["contains_special_categories"] != "",
        "special_categories_justification": _opt(f["special_categories_justification"]),
        "subjects": [_subject(r) for r in form.rows["subjects"]],
        "assets": [_asset(r) for r in form.rows["assets"]],
        "holdings": [_link(r, ("subject", "asset")) for r in form.rows["holdings"]],
        "relations": [_link(r, ("from", "to")) for r in form.rows["relations"]],
    }


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _subject_row(subject: Mapping[str, Any]) -> Row:
    row = empty_row("subjects")
    for name in ROW_FIELDS["subjects"]:
        if name in subject and not isinstance(subject[name], list | dict):
            row[name] = _text(subject[name])
    row["aliases"] = "\n".join(subject.get("aliases") or [])
    row["nationalities"] = ", ".join(subject.get("nationalities") or [])
    row["refugee_country"] = (subject.get("refugee_status") or {}).get("country_of_origin") or ""
    row["identifiers"] = "\n".join(_identifier_line(i) for i in subject.get("identifiers") or [])
    return row


def _asset_row(asset: Mapping[str, Any]) -> Row:
    row = empty_row("assets")
    for name in ROW_FIELDS["assets"]:
        if name in asset:
            row[name] = _text(asset[name])
    value = asset.get("estimated_value") or {}
    row["value_amount"] = _text(value.get("amount"))
    row["value_currency"] = _text(value.get("currency")) or "EUR"
    return row


def _link_row(group: str, item: Mapping[str, Any]) -> Row:
    row = empty_row(group)
    for name in ROW_FIELDS[group]:
        row[name] = _text(item.get(name))
    return row


def case_form(body: Mapping[str, Any]) -> CaseForm:
    """The form that shows a stored case body (for editing)."""
    legal = body.get("legal_basis") or {}
    form = CaseForm(
        fields={
            "title": _text(body.get("title")),
            "national_reference": _text(body.get("national_reference")),
            "offence_summary": _text(body.get("offence_summary")),
            "max_penalty_years": _text(body.get("max_penalty_years")),
            "legal_basis_type": _text(legal.get("type")),
            "legal_basis_reference": _text(legal.get("reference")),
            "urgency": _text(body.get("urgency")) or "normal",
            "requested_instrument": _text(body.get("requested_instrument")),
            "target_countries": ", ".join(body.get("target_countries") or []),
            "contains_special_categories": "on" if body.get("contains_special_categories") else "",
            "special_categories_justification": _text(body.get("special_categories_justification")),
        },
        crime_types=list(body.get("crime_types") or []),
    )
    form.rows = {
        "subjects": [_subject_row(s) for s in body.get("subjects") or []],
        "assets": [_asset_row(a) for a in body.get("assets") or []],
        "holdings": [_link_row("holdings", h) for h in body.get("holdings") or []],
        "relations": [_link_row("relations", r) for r in body.get("relations") or []],
    }
    return form


def field_for(path: str) -> str:
    """The form field an API error path concerns (`assets.1.estimated_value.amount` ->
    `assets-1-value_amount`); a whole row's error names the row (`subjects-0`)."""
    parts = path.split(".")
    head = parts[0]
    if head in GROUPS and len(parts) >= 2 and parts[1].isdigit():
        if len(parts) == 2:
            return f"{head}-{parts[1]}"
        name = parts[2]
        if head == "assets" and name == "estimated_value":
            name = "value_currency" if parts[-1] == "currency" else "value_amount"
        elif head == "subjects":
            name = SUBJECT_ROW_NAMES.get(name, name)
        return f"{head}-{parts[1]}-{name}"
    if head == "legal_basis":
        return "legal_basis_reference" if parts[-1] == "reference" else "legal_basis_type"
    return head


def field_errors(errors: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for path, messages in errors.items():
        out.setdefault(field_for(path), []).extend(messages)
    return out


def without_indexes(errors: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """`countries.1` -> `countries`: a list's field shows the errors of its items."""
    out: dict[str, list[str]] = {}
    for path, messages in errors.items():
        name = ".".join(part for part in path.split(".") if not part.isdigit())
        out.setdefault(name, []).extend(messages)
    return out


def int_or_none(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


# --- Decisions, outcomes, country profiles: dicts for the API's own schemas -------------------


def decision_body(data: FormData) -> dict[str, Any]:
    """The body of `POST /api/v1/cases/{id}/decisions` the screener's form describes. The
    country checkboxes are a diffusion's recipients; the transfer bases are those of the
    countries the message reaches (every participant listed for a notice)."""
    decision = str(data.get("decision") or "")
    body: dict[str, Any] = {
        "decision": decision,
        "reason_codes": [str(c) for c in data.getlist("reason_codes")],
        "justification": _clean(data.get("justification", "")),
    }
    if decision != "approve":
        return body
    instrument = str(data.get("instrument") or "") or None
    countries = [str(c) for c in data.getlist("countries")] if instrument == "diffusion" else []
    offered = [
        str(k)[len("transfer_basis-") :] for k in data if str(k).startswith("transfer_basis-")
    ]
    reached = countries if instrument == "diffusion" else offered
    body.update(
        instrument=instrument,
        countries=countries,
        acknowledged_rules=[str(r) for r in data.getlist("acknowledged_rules")],
        transfer_bases={
            code: str(data.get(f"transfer_basis-{code}"))
            for code in reached
            if data.get(f"transfer_basis-{code}")
        },
    )
    return body


# The answer form's choice "(new asset)" in "Asset concerned": no asset key starts with "(".
NEW_ASSET = "(new)"
NEW_ASSET_PREFIX = "new_asset-"
NEW_ASSET_FIELDS = ROW_FIELDS["assets"]
NEW_ASSET_DEFAULTS: Row = {"value_currency": "EUR"}


def new_asset_row(data: FormData) -> Row:
    """The fields of the answer form's "new asset found by the country" (`new_asset-iban`)."""
    return {n: _clean(data.get(f"{NEW_ASSET_PREFIX}{n}", "")) for n in NEW_ASSET_FIELDS}


def _new_asset(data: FormData, country: str) -> dict[str, Any] | None:
    """The `new_asset` of an answer: when "(new asset)" is chosen or any of its fields (a default
    aside) is filled in, so nothing typed there is silently dropped. Its country defaults to the
    country that answered."""
    row = new_asset_row(data)
    typed = any(v for n, v in row.items() if v and v != NEW_ASSET_DEFAULTS.get(n))
    if _clean(data.get("asset", "")) != NEW_ASSET and not typed:
        return None
    if not row["country"] and country:
        row["country"] = country
    row["value_currency"] = row["value_currency"] or NEW_ASSET_DEFAULTS["value_currency"]
    return _asset(row)


def outcome_body(data: FormData) -> dict[str, Any]:
    """The body of `POST /api/v1/cases/{id}/outcomes`: an answer about one of the case's assets
    or, instead, about a `new_asset` the country found."""
    amount = _clean(data.get("value_amount", ""))
    country = _clean(data.get("country", ""))
    new_asset = _new_asset(data, country)
    asset = _clean(data.get("asset", ""))
    return {
        "country": country,
        "result": _clean(data.get("result", "")),
        # An existing asset chosen AND new-asset fields filled: both go, and the service
        # refuses the answer ("give either asset or new_asset"), instead of guessing.
        "asset": None if asset == NEW_ASSET else _opt(asset),
        "new_asset": new_asset,
        "value": (
            {"amount": amount, "currency": _clean(data.get("value_currency", "")) or "EUR"}
            if amount
            else None
        ),
        "reported_on": _clean(data.get("reported_on", "")) or date.today().isoformat(),
        "notes": _opt(_clean(data.get("notes", ""))),
    }


def outcome_field_for(path: str) -> str:
    """The answer form's field an API error path concerns: `value.amount` -> `value_amount`,
    `new_asset.iban` -> `new_asset-iban`, `new_asset.estimated_value.amount` ->
    `new_asset-value_amount`; an error of the whole new asset names `new_asset`."""
    parts = path.split(".")
    if parts[0] == "value":
        return "value_currency" if parts[-1] == "currency" else "value_amount"
    if parts[0] == "new_asset" and len(parts) >= 2:
        name = parts[1]
        if name == "estimated_value":
            name = "value_currency" if parts[-1] == "currency" else "value_amount"
        return f"{NEW_ASSET_PREFIX}{name}" if name in NEW_ASSET_FIELDS else "new_asset"
    return path


def outcome_field_errors(errors: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """The errors of an answer under the answer form's field names (`outcome_field_for`)."""
    out: dict[str, list[str]] = {}
    for path, messages in errors.items():
        out.setdefault(outcome_field_for(path), []).extend(messages)
    return out


PROFILE_BOOLEANS = ("eu_member", "led_adequacy", "human_rights_concern_cleared")
PROFILE_CHOICES = ("death_penalty_status", "freedom_house_status", "fatf_status")
PROFILE_NUMBERS = ("cpi_score", "cpi_year")
PROFILE_TEXTS = ("freedom_house_detail", "fatf_detail", "human_rights_concerns", "notes")


def profile_changes(data: FormData, may_change_participation: bool) -> dict[str, Any]:
    """The body of `PUT /api/v1/countries/{code}/profile` the form describes: every field, so
    an unticked box is `false`; `participant` only from an admin's form."""
    body: dict[str, Any] = {name: data.get(name) is not None for name in PROFILE_BOOLEANS}
    if may_change_participation:
        body["participant"] = data.get("participant") is not None
    for name in PROFILE_CHOICES + PROFILE_NUMBERS:
        body[name] = _opt(_clean(data.get(name, "")))
    for name in PROFILE_TEXTS:
        body[name] = _clean(data.get(name, ""))
    body["capital_offences"] = [str(o) for o in data.getlist("capital_offences")]
    body["sources"] = _lines(_clean(data.get("sources", "")))
    return body
