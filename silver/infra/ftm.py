"""FollowTheMoney (FtM) <-> Silver: the mapper at the domain's edge.

FtM is the entity model of OCCRP Aleph and OpenSanctions. The ``followthemoney`` library's model
is the source of truth for schema and property names; the tables below only say which FtM
property holds which Silver field, and every entity built here is checked against the model
(``model.get_proxy(entity, cleaned=False)`` keeps each value; the unit tests hold it to that).

Silver -> FtM (:func:`case_to_entities`):

* A subject is a ``Person`` or a ``Company`` (an organisation is exported as a Company: FtM's
  ``Ownership`` needs an ``Asset`` as its target, and a Company is both an Organization and an
  Asset). An asset is a ``BankAccount``, ``RealEstate``, ``Vehicle``, ``Vessel``, ``Airplane``,
  ``CryptoWallet``, ``Security`` (a company share, ``issuer`` the organisation) or, for cash and
  valuables and other assets, FtM's generic ``Asset``.
* A person's identifiers are ``Passport`` or ``Identification`` entities (``holder``, ``number``,
  ``country``, ``type``), and passport, national id and tax id numbers are also written on the
  Person (``passportNumber``, ``idNumber``, ``taxNumber``), where Aleph matches them.
* A holding or relation is an FtM interval entity: ``owns`` and ``shareholder_of`` an
  ``Ownership`` with ``percentage``; ``beneficial_owner`` and ``beneficial_owner_of`` an
  ``Ownership`` with ``ownershipType: beneficial``; ``director_of`` a ``Directorship``;
  ``relative_of`` a ``Family``; ``associate_of`` an ``Associate``. ``controls`` and ``uses``
  (of an asset) have no FtM schema (FtM's ``Control`` links two legal entities), so they, and
  any link whose ends the preferred schema does not admit (an Ownership of a crypto wallet,
  which FtM does not count as an Asset; a Family of an organisation), are an ``UnknownLink``
  whose ``role`` names the Silver relation.
* Silver terms FtM has no property for travel in ``keywords``: a subject's role (``suspect``,
  ``convicted``, ``third_party``) and ``cash_or_valuables`` (against ``other``) on an Asset.
  A subject's ``remarks`` is its ``notes`` and a third party's ``justification`` its
  ``summary``; an asset's ``description`` is its ``description``.
* Money: ``amount`` and ``currency``. A crypto wallet's ``currency`` is its cryptocurrency
  (as FtM has it), so its estimated value goes into ``amountEur`` or ``amountUsd``.
* A vehicle's VIN and registration plate are both its ``registrationNumber`` (FtM has no VIN
  property); a 17-character value of the VIN alphabet is read back as the VIN.

What does not travel: a person's ``refugee_status`` (special-category data, and FtM has no
place for it: re-enter it after an import), a company share's ``percentage`` (a ``Security``
has no such property), a ``share`` on a link other than an Ownership, and a crypto wallet's
value in a currency other than EUR or USD. Case-level fields (title, legal basis, ...) are not
entities.

Ids: an entity id is ``silver-<16 hex of SHA-256 of the case id>-<the client key, escaped>``
for subjects and assets (FtM ids allow only letters, digits, ``.`` and ``-``, so ``.`` ``_``
and ``-`` in a key become ``.d`` ``.u`` and ``.h``), and a hash of the ends and the relation for
links and identifications. Ids are stable across exports of one case, and an import of
Silver's own export gets the original keys back. A foreign id that is a valid Silver key is
the key itself; any other id becomes ``e`` + 16 hex of its hash.

FtM -> Silver (:func:`entities_to_body`, :func:`map_entities`): the subjects, assets, holdings
and relations parts of a case body, plus errors keyed ``entities.<index>.<property>``. Values
are passed on as written (the case-body validation normalises and checks them afterwards);
:meth:`MappedEntities.translate` turns that validation's errors (``assets.3.iban``) into
``entities.<index>.<property>``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.property import Property
from followthemoney.schema import Schema

from silver.domain.projection import IDENTIFYING_FIELDS

Entity = dict[str, Any]

# --- The tables ---------------------------------------------------------------------------

SUBJECT_SCHEMA = {"person": "Person", "organisation": "Company"}
# FtM schemata an import reads as an organisation (LegalEntity: the ICIJ's unknown kind).
ORGANISATION_SCHEMATA = ("Company", "Organization", "LegalEntity", "PublicBody")

# (Silver field, FtM property); a list field takes every value, the others exactly one.
PERSON_FIELDS = (
    ("full_name", "name"),
    ("aliases", "alias"),
    ("date_of_birth", "birthDate"),
    ("nationalities", "nationality"),
    ("residence_country", "country"),
)
ORGANISATION_FIELDS = (
    ("name", "name"),
    ("registration_number", "registrationNumber"),
    ("jurisdiction", "jurisdiction"),
    ("lei", "leiCode"),
)
SUBJECT_TEXT_FIELDS = (("remarks", "notes"), ("justification", "summary"))
LIST_FIELDS = frozenset({"aliases", "nationalities"})
ROLES = ("suspect", "convicted", "third_party")
TERMS = "keywords"  # where Silver's own terms travel

# A person's identifier types that FtM also has as a property of the Person.
PERSON_ID_PROPERTIES = {
    "passport": "passportNumber",
    "national_id": "idNumber",
    "tax_id": "taxNumber",
}
IDENTIFICATION_SCHEMATA = ("Identification", "Passport")


@dataclass(frozen=True)
class AssetForm:
    schema: str
    fields: tuple[tuple[str, str], ...]


ASSET_FORMS: dict[str, AssetForm] = {
    "bank_account": AssetForm(
        "BankAccount", (("iban", "iban"), ("account_number", "accountNumber"), ("bic", "bic"))
    ),
    "real_estate": AssetForm(
        "RealEstate", (("address", "address"), ("cadastral_reference", "cadastralCode"))
    ),
    "vehicle": AssetForm(
        "Vehicle", (("registration_plate", "registrationNumber"), ("vin", "registrationNumber"))
    ),
    "vessel": AssetForm("Vessel", (("imo", "imoNumber"), ("name", "name"))),
    "aircraft": AssetForm("Airplane", (("registration_mark", "registrationNumber"),)),
    "crypto_wallet": AssetForm(
        "CryptoWallet", (("currency", "currency"), ("address", "publicKey"))
    ),
    "company_share": AssetForm("Security", (("organisation", "issuer"), ("isin", "isin"))),
    "cash_or_valuables": AssetForm("Asset", ()),
    "other": AssetForm("Asset", ()),
}
ASSET_TYPE_OF_SCHEMA = {
    form.schema: kind for kind, form in ASSET_FORMS.items() if kind != "cash_or_valuables"
}
ASSET_COMMON_FIELDS = (("country", "country"), ("description", "description"))
# An estimated value in one of these goes to this property of a crypto wallet.
WALLET_VALUE = {"EUR": "amountEur", "USD": "amountUsd"}
VIN_SHAPE = re.compile(r"[A-HJ-NPR-Z0-9]{17}")


@dataclass(frozen=True)
class LinkForm:
    """An FtM interval schema for a holding or relation; ends come from the model's edge."""

    schema: str
    fixed: tuple[tuple[str, str], ...] = ()
    carries_share: bool = False

    @property
    def ends(self) -> tuple[str, str]:
        s = model.get(self.schema)
        assert s is not None and s.edge_source and s.edge_target
        return s.edge_source, s.edge_target


OWNERSHIP = LinkForm("Ownership", carries_share=True)
BENEFICIAL = LinkForm("Ownership", (("ownershipType", "beneficial"),), carries_share=True)
HOLDING_FORMS: dict[str, LinkForm] = {
    "owns": OWNERSHIP,
    "beneficial_owner": BENEFICIAL,
    "controls": LinkForm("UnknownLink", (("role", "controls"),)),
    "uses": LinkForm("UnknownLink", (("role", "uses"),)),
}
RELATION_FORMS: dict[str, LinkForm] = {
    "director_of": LinkForm("Directorship"),
    "shareholder_of": OWNERSHIP,
    "beneficial_owner_of": BENEFICIAL,
    "relative_of": LinkForm("Family"),
    "associate_of": LinkForm("Associate"),
}
LINK_SCHEMATA = ("Ownership", "Directorship", "Family", "Associate", "UnknownLink")
SHARE_PROPERTY = "percentage"

# --- Ids ----------------------------------------------------------------------------------

KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_ESCAPES = {".": ".d", "_": ".u", "-": ".h"}
_UNESCAPES = {v[1]: k for k, v in _ESCAPES.items()}
_SILVER_ID = re.compile(r"^silver-[0-9a-f]{16}-((?:[A-Za-z0-9]|\.[duh])+)$")


def _a(noun: str) -> str:
    return ("an " if noun[0] in "AEIOU" else "a ") + noun


def _hash(*parts: str, length: int = 16) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:length]


def case_prefix(case_id: str) -> str:
    return f"silver-{_hash(case_id)}"


def key_id(case_id: str, key: str) -> str:
    """The entity id of the subject or asset ``key`` of a case."""
    return f"{case_prefix(case_id)}-" + "".join(_ESCAPES.get(ch, ch) for ch in key)


def key_of(entity_id: str) -> str:
    """The Silver key an entity id stands for (see the module docstring)."""
    match = _SILVER_ID.match(entity_id)
    if match:
        key = re.sub(r"\.([duh])", lambda m: _UNESCAPES[m.group(1)], match.group(1))
        if KEY_RE.match(key):
            return key
    if KEY_RE.match(entity_id):
        return entity_id
    return "e" + _hash(entity_id)


# --- Silver -> FtM ------------------------------------------------------------------------


def _schema(name: str) -> Schema:
    schema = model.get(name)
    assert schema is not None, f"followthemoney has no schema {name}"
    return schema


class _Builder:
    """One FtM entity; values of country properties are written in FtM's lower case."""

    def __init__(self, entity_id: str, schema: str) -> None:
        self.schema = _schema(schema)
        self.entity: Entity = {"id": entity_id, "schema": schema, "properties": {}}

    def put(self, prop: str, *values: Any) -> None:
        spec = self.schema.get(prop)
        assert spec is not None, f"{self.schema.name} has no property {prop}"
        for value in values:
            if value is None or value == "":
                continue
            text = str(value)
            if spec.type.name == "country":
                text = text.lower()
            bucket = self.entity["properties"].setdefault(prop, [])
            if text not in bucket:
                bucket.append(text)


def _percentage(share: Any) -> str | None:
    if share is None:
        return None
    value = (Decimal(repr(float(share))) * 100).normalize()
    return format(value, "f")


def _fits(form: LinkForm, source: Schema, target: Schema) -> bool:
    schema = _schema(form.schema)
    src, tgt = form.ends
    src_range, tgt_range = schema.get(src), schema.get(tgt)
    assert src_range is not None and tgt_range is not None
    return (src_range.range is None or source.is_a(src_range.range)) and (
        tgt_range.range is None or target.is_a(tgt_range.range)
    )


def _asset_schema(asset: Mapping[str, Any]) -> str:
    return ASSET_FORMS[asset["type"]].schema


def case_to_entities(case_id: str, body: Mapping[str, Any]) -> list[Entity]:
    """The subjects, assets, holdings and relations of a case body as FtM entities."""
    out: list[Entity] = []
    schemata: dict[str, Schema] = {}
    for subject in body.get("subjects") or []:
        built = _subject_entity(case_id, subject)
        schemata[subject["key"]] = built.schema
        out.append(built.entity)
        out.extend(_identification_entities(case_id, subject))
    for asset in body.get("assets") or []:
        built = _asset_entity(case_id, asset)
        schemata[asset["key"]] = built.schema
        out.append(built.entity)
    seen: dict[tuple[str, ...], int] = {}

    def occurrence(*parts: str) -> str:
        seen[parts] = seen.get(parts, -1) + 1
        return str(seen[parts])

    for holding in body.get("holdings") or []:
        s, a, rel = holding["subject"], holding["asset"], holding["relation"]
        link_id = f"{case_prefix(case_id)}-h-{_hash(s, a, rel, occurrence('h', s, a, rel))}"
        out.append(
            _link_entity(
                link_id,
                HOLDING_FORMS[rel],
                rel,
                key_id(case_id, s),
                key_id(case_id, a),
                schemata.get(s),
                schemata.get(a),
                holding.get("share"),
            )
        )
    for relation in body.get("relations") or []:
        f, t, rel = relation["from"], relation["to"], relation["relation"]
        link_id = f"{case_prefix(case_id)}-r-{_hash(f, t, rel, occurrence('r', f, t, rel))}"
        out.append(
            _link_entity(
                link_id,
                RELATION_FORMS[rel],
                rel,
                key_id(case_id, f),
                key_id(case_id, t),
                schemata.get(f),
                schemata.get(t),
                relation.get("share"),
            )
        )
    return out


def _subject_entity(case_id: str, subject: Mapping[str, Any]) -> _Builder:
    b = _Builder(key_id(case_id, subject["key"]), SUBJECT_SCHEMA[subject["kind"]])
    fields = PERSON_FIELDS if subject["kind"] == "person" else ORGANISATION_FIELDS
    for name, prop in fields:
        value = subject.get(name)
        b.put(prop, *(value if isinstance(value, list) else [value]))
    if subject["kind"] == "person":
        for ident in subject.get("identifiers") or []:
            if ident.get("type") in PERSON_ID_PROPERTIES:
                b.put(PERSON_ID_PROPERTIES[ident["type"]], ident.get("value"))
    for name, prop in SUBJECT_TEXT_FIELDS:
        b.put(prop, subject.get(name))
    b.put(TERMS, subject.get("role"))
    return b


def _identification_id(case_id: str, key: str, ident: Mapping[str, Any]) -> str:
    parts = (key, ident.get("type") or "", ident.get("value") or "", ident.get("country") or "")
    return f"{case_prefix(case_id)}-id-{_hash(*parts)}"


def _identification_entities(case_id: str, subject: Mapping[str, Any]) -> Iterator[Entity]:
    if subject["kind"] != "person":
        return
    for ident in subject.get("identifiers") or []:
        kind = ident.get("type")
        b = _Builder(
            _identification_id(case_id, subject["key"], ident),
            "Passport" if kind == "passport" else "Identification",
        )
        b.put("holder", key_id(case_id, subject["key"]))
        b.put("number", ident.get("value"))
        b.put("country", ident.get("country"))
        b.put("type", kind)
        yield b.entity


def _asset_entity(case_id: str, asset: Mapping[str, Any]) -> _Builder:
    form = ASSET_FORMS[asset["type"]]
    b = _Builder(key_id(case_id, asset["key"]), form.schema)
    for name, prop in form.fields:
        value = asset.get(name)
        if name == "organisation" and value:
            value = key_id(case_id, value)
        b.put(prop, value)
    for name, prop in ASSET_COMMON_FIELDS:
        b.put(prop, asset.get(name))
    money = asset.get("estimated_value") or {}
    if money:
        if asset["type"] == "crypto_wallet":
            if money.get("currency") in WALLET_VALUE:
                b.put(WALLET_VALUE[money["currency"]], money.get("amount"))
        else:
            b.put("amount", money.get("amount"))
            b.put("currency", money.get("currency"))
    if asset["type"] == "cash_or_valuables":
        b.put(TERMS, "cash_or_valuables")
    return b


def _link_entity(
    link_id: str,
    form: LinkForm,
    relation: str,
    source_id: str,
    target_id: str,
    source: Schema | None,
    target: Schema | None,
    share: Any,
) -> Entity:
    if source is not None and target is not None and not _fits(form, source, target):
        form = LinkForm("UnknownLink", (("role", relation),))
    b = _Builder(link_id, form.schema)
    src, tgt = form.ends
    b.put(src, source_id)
    b.put(tgt, target_id)
    for prop, value in form.fixed:
        b.put(prop, value)
    if form.carries_share:
        b.put(SHARE_PROPERTY, _percentage(share))
    return b.entity


# --- FtM -> Silver ------------------------------------------------------------------------

Path = tuple[int, str | None]  # (entity index, FtM property or None for the whole entity)


@dataclass
class MappedEntities:
    """The parts of a case body mapped from FtM entities, the mapper's own errors, and where
    every part of the body came from."""

    body: dict[str, list[dict[str, Any]]]
    errors: dict[str, list[str]]
    paths: dict[str, Path] = field(default_factory=dict)

    def where(self, body_path: str) -> str | None:
        """``entities.<index>.<property>`` for a body path such as ``assets.3.iban``."""
        parts = body_path.split(".")
        for n in range(len(parts), 1, -1):
            found = self.paths.get(".".join(parts[:n]))
            if found is not None:
                index, prop = found
                return f"entities.{index}" + (f".{prop}" if prop else "")
        return None

    def translate(self, errors: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
        """Errors of the case-body validation, re-keyed to the entities they came from (a key
        that no entity gave, such as a case field, stays as it is)."""
        out: dict[str, list[str]] = {}
        for key, messages in errors.items():
            out.setdefault(self.where(key) or key, []).extend(messages)
        return out


def entities_to_body(entities: Sequence[Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """FtM entities -> the subjects, assets, holdings and relations of a case body, and the
    errors keyed ``entities.<index>.<property>``."""
    mapped = map_entities(entities)
    return mapped.body, mapped.errors


@dataclass
class _Read:
    index: int
    schema: Schema
    id: str
    props: dict[str, list[str]]


def _check_entity(index: int, raw: Any, errors: dict[str, list[str]]) -> _Read | None:
    """Structure, schema and values as the FtM model defines them."""
    here = f"entities.{index}"
    if not isinstance(raw, Mapping):
        errors.setdefault(here, []).append(
            "must be an FtM entity: an object with id, schema and properties"
        )
        return None
    ok = True
    schema_name = raw.get("schema")
    schema = model.get(schema_name) if isinstance(schema_name, str) else None
    if schema is None:
        errors.setdefault(f"{here}.schema", []).append(
            "is not a schema of the FollowTheMoney model"
        )
        ok = False
    elif schema.abstract:
        errors.setdefault(f"{here}.schema", []).append(
            f"{schema.name} is abstract: use one of its concrete schemata"
        )
        ok = False
    entity_id = raw.get("id")
    if not isinstance(entity_id, str) or not entity_id.strip():
        errors.setdefault(f"{here}.id", []).append("is required: a text id")
        ok = False
    properties = raw.get("properties", {})
    if not isinstance(properties, Mapping) or not all(
        isinstance(v, list) and all(isinstance(x, str) for x in v) for v in properties.values()
    ):
        errors.setdefault(f"{here}.properties", []).append(
            "must map each property name to a list of text values"
        )
        ok = False
    if not ok or schema is None or not isinstance(entity_id, str):
        return None
    props: dict[str, list[str]] = {}
    for name, values in properties.items():
        prop = schema.get(name)
        if prop is None:
            errors.setdefault(f"{here}.{name}", []).append(f"is not a property of {schema.name}")
            continue
        bad = [v for v in values if _clean(prop, v) is None]
        if bad:
            errors.setdefault(f"{here}.{name}", []).append(
                f"{len(bad)} value(s) are not a valid {str(prop.type.label).lower()}"
            )
            continue
        kept = [v for v in values if v.strip()]
        if prop.type.name == "country":
            kept = [v.strip().upper() for v in kept]  # FtM writes codes in lower case, Silver upper
        if kept:
            props[name] = kept
    return _Read(index, schema, entity_id.strip(), props)


def _clean(prop: Property, value: str) -> str | None:
    if not value.strip():
        return ""
    try:
        return prop.type.clean(value, format=prop.format)
    except InvalidData:
        return None


class _Mapper:
    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}
        self.paths: dict[str, Path] = {}
        self.body: dict[str, list[dict[str, Any]]] = {
            "subjects": [],
            "assets": [],
            "holdings": [],
            "relations": [],
        }
        # entity id -> (entity index, "subject"|"asset", its schema, its key, body index)
        self.ends: dict[str, tuple[int, str, Schema, str, int]] = {}
        self.keys: set[str] = set()

    def error(self, index: int, prop: str | None, message: str) -> None:
        key = f"entities.{index}" + (f".{prop}" if prop else "")
        self.errors.setdefault(key, []).append(message)

    def cannot_hold(self, read: _Read, allowed: set[str]) -> None:
        for name in read.props:
            if name not in allowed:
                self.error(
                    read.index, name, f"Silver cannot hold the {name} of {_a(read.schema.name)}"
                )

    def one(self, read: _Read, prop: str) -> str | None:
        values = read.props.get(prop) or []
        if len(values) > 1:
            self.error(read.index, prop, "Silver holds one value here, not several")
        return values[0] if values else None

    def key(self, read: _Read) -> str:
        key = key_of(read.id)
        if key in self.keys:
            key = "e" + _hash(read.id)
        self.keys.add(key)
        return key

    def add_path(self, path: str, index: int, prop: str | None) -> None:
        self.paths[path] = (index, prop)

    # -- subjects --------------------------------------------------------------------------

    def subject(self, read: _Read, kind: str) -> None:
        n = len(self.body["subjects"])
        at = f"subjects.{n}"
        key = self.key(read)
        item: dict[str, Any] = {"key": key, "kind": kind}
        self.add_path(at, read.index, None)
        self.add_path(f"{at}.key", read.index, "id")
        self.add_path(f"{at}.kind", read.index, "schema")
        allowed: set[str] = set()
        role = self.terms(read, ROLES, "the subject's role")
        if role:
            item["role"] = role
        self.add_path(f"{at}.role", read.index, TERMS)
        allowed.add(TERMS)
        fields = PERSON_FIELDS if kind == "person" else ORGANISATION_FIELDS
        for name, prop in (*fields, *SUBJECT_TEXT_FIELDS):
            allowed.add(prop)
            self.add_path(f"{at}.{name}", read.index, prop)
            if name == "aliases":
                continue
            if name in LIST_FIELDS:
                values = read.props.get(prop) or []
                if values:
                    item[name] = list(values)
                for i, _ in enumerate(values):
                    self.add_path(f"{at}.{name}.{i}", read.index, prop)
            elif kind == "person" and name == "full_name":
                names = read.props.get(prop) or []
                if names:
                    item["full_name"] = names[0]
            else:
                value = self.one(read, prop)
                if value is not None:
                    item[name] = value
        if kind == "person":
            # A second name of a person is one of its aliases.
            names = (read.props.get("name") or [])[1:]
            aliases = [(v, "name") for v in names] + [
                (v, "alias") for v in read.props.get("alias") or []
            ]
            if aliases:
                item["aliases"] = [v for v, _ in aliases]
            for i, (_, prop) in enumerate(aliases):
                self.add_path(f"{at}.aliases.{i}", read.index, prop)
            idents: list[dict[str, Any]] = []
            for kind_, prop in PERSON_ID_PROPERTIES.items():
                allowed.add(prop)
                for value in read.props.get(prop) or []:
                    self.add_path(f"{at}.identifiers.{len(idents)}", read.index, prop)
                    idents.append({"type": kind_, "value": value, "country": None})
            if idents:
                item["identifiers"] = idents
        self.cannot_hold(read, allowed)
        self.ends[read.id] = (read.index, "subject", read.schema, key, n)
        self.body["subjects"].append(item)

    def terms(self, read: _Read, accepted: Sequence[str], what: str) -> str | None:
        """The one Silver term in ``keywords`` (``what`` names it in messages)."""
        values = [v.strip() for v in read.props.get(TERMS) or []]
        if any(v not in accepted for v in values):
            self.error(read.index, TERMS, f"Silver holds only {what} here: {' or '.join(accepted)}")
        found = sorted({v for v in values if v in accepted})
        if len(found) > 1:
            self.error(read.index, TERMS, f"give one {what}, not several")
        return found[0] if found else None

    def identification(self, read: _Read) -> None:
        holder_ids = read.props.get("holder") or []
        allowed = {"holder", "number", "country", "type"}
        self.cannot_hold(read, allowed)
        if len(holder_ids) != 1:
            self.error(read.index, "holder", "names exactly one person of this import")
            return
        end = self.ends.get(holder_ids[0])
        if end is None or end[1] != "subject":
            self.error(read.index, "holder", "names no subject of this import")
            return
        number = self.one(read, "number")
        country = self.one(read, "country")
        if read.schema.name == "Passport":
            kind = "passport"
        else:
            kind = self.one(read, "type") or "other"
            if kind not in ("national_id", "tax_id", "other", "passport"):
                kind = "other"
        subject = self.body["subjects"][end[4]]
        idents: list[dict[str, Any]] = subject.setdefault("identifiers", [])
        at = f"subjects.{end[4]}.identifiers"
        # The same number on the Person (passportNumber, ...) is this identification.
        for i, ident in enumerate(idents):
            if ident["type"] == kind and ident["value"] == number and ident["country"] is None:
                ident["country"] = country
                position = i
                break
        else:
            position = len(idents)
            idents.append({"type": kind, "value": number, "country": country})
        self.add_path(f"{at}.{position}", read.index, "number")
        self.add_path(f"{at}.{position}.value", read.index, "number")
        self.add_path(f"{at}.{position}.country", read.index, "country")
        self.add_path(f"{at}.{position}.type", read.index, "type")

    # -- assets ----------------------------------------------------------------------------

    def asset(self, read: _Read) -> None:
        n = len(self.body["assets"])
        at = f"assets.{n}"
        key = self.key(read)
        kind = ASSET_TYPE_OF_SCHEMA[read.schema.name]
        allowed: set[str] = set()
        if read.schema.name == "Asset":
            allowed.add(TERMS)
            term = self.terms(read, ("cash_or_valuables",), "the asset type (none: other)")
            kind = term or "other"
        item: dict[str, Any] = {"key": key, "type": kind}
        self.add_path(at, read.index, None)
        self.add_path(f"{at}.key", read.index, "id")
        self.add_path(f"{at}.type", read.index, "schema")
        form = ASSET_FORMS[kind]
        for name, prop in (*form.fields, *ASSET_COMMON_FIELDS):
            allowed.add(prop)
            self.add_path(f"{at}.{name}", read.index, prop)
        if kind == "vehicle":
            self.vehicle_numbers(read, item)
        else:
            for name, prop in form.fields:
                value = self.one(read, prop)
                if value is not None and name == "organisation":
                    issuer = self.ends.get(value)
                    if issuer is None or issuer[1] != "subject":
                        self.error(read.index, prop, "names no subject of this import")
                        continue
                    value = issuer[3]
                if value is not None:
                    item[name] = value
        for name, prop in ASSET_COMMON_FIELDS:
            value = self.one(read, prop)
            if value is not None:
                item[name] = value
        allowed |= self.money(read, item, at)
        self.cannot_hold(read, allowed)
        self.ends[read.id] = (read.index, "asset", read.schema, key, n)
        self.body["assets"].append(item)

    def vehicle_numbers(self, read: _Read, item: dict[str, Any]) -> None:
        """A VIN and a plate are both FtM registration numbers; the VIN has its own shape."""
        for value in read.props.get("registrationNumber") or []:
            compact = re.sub(r"[\s-]", "", value).upper()
            name = "vin" if VIN_SHAPE.fullmatch(compact) else "registration_plate"
            if name in item:
                self.error(
                    read.index,
                    "registrationNumber",
                    "Silver holds one VIN and one registration plate per vehicle",
                )
            item[name] = value

    def money(self, read: _Read, item: dict[str, Any], at: str) -> set[str]:
        """The estimated value; returns the properties it read."""
        wallet = item["type"] == "crypto_wallet"
        forms = {"amountEur": "EUR", "amountUsd": "USD"}
        if not wallet:
            forms = {"amount": "", **forms}
        elif read.props.get("amount"):
            self.error(
                read.index,
                "amount",
                "a wallet's currency is its cryptocurrency: give its value in amountEur or "
                "amountUsd",
            )
        read_props = {*forms, "amount"} | (set() if wallet else {"currency"})
        given = [prop for prop in forms if read.props.get(prop)]
        for prop in given[1:]:
            self.error(read.index, prop, "Silver holds one estimated value per asset")
        if not given:
            self.add_path(f"{at}.estimated_value", read.index, "amount")
            if not wallet and read.props.get("currency"):
                self.error(read.index, "currency", "a currency needs an amount")
            return read_props
        prop = given[0]
        money: dict[str, Any] = {"amount": self.one(read, prop)}
        currency_prop = "currency" if prop == "amount" else prop
        currency = self.one(read, "currency") if prop == "amount" else forms[prop]
        if currency is not None:
            money["currency"] = currency
        item["estimated_value"] = money
        self.add_path(f"{at}.estimated_value", read.index, prop)
        self.add_path(f"{at}.estimated_value.amount", read.index, prop)
        self.add_path(f"{at}.estimated_value.currency", read.index, currency_prop)
        return read_props

    # -- holdings and relations ------------------------------------------------------------

    def link(self, read: _Read) -> None:
        schema = read.schema
        src, tgt = schema.edge_source, schema.edge_target
        assert src and tgt
        allowed = {src, tgt}
        ends: list[tuple[str, int, str, Schema, str, int]] = []
        for prop in (src, tgt):
            values = read.props.get(prop) or []
            if len(values) != 1:
                self.error(read.index, prop, "names exactly one entity of this import")
                continue
            end = self.ends.get(values[0])
            if end is None:
                self.error(read.index, prop, "names no subject or asset of this import")
                continue
            spec = schema.get(prop)
            assert spec is not None
            if spec.range is not None and not end[2].is_a(spec.range):
                self.error(
                    read.index, prop, f"must be {_a(spec.range.name)}, not {_a(end[2].name)}"
                )
                continue
            ends.append((prop, *end))
        relation: str | None = None
        fixed: tuple[tuple[str, str], ...] = ()
        if schema.name == "Ownership":
            allowed |= {SHARE_PROPERTY, "ownershipType"}
            ownership = self.one(read, "ownershipType")
            if ownership == "beneficial":
                fixed = (("ownershipType", "beneficial"),)
            elif ownership is not None:
                self.error(
                    read.index,
                    "ownershipType",
                    "Silver knows only beneficial ownership here (or none: owns)",
                )
        elif schema.name == "UnknownLink":
            allowed.add("role")
            relation = self.one(read, "role")
        self.cannot_hold(read, allowed)
        if len(ends) != 2:
            return
        (_, _, skind, _, skey, _), (_, _, tkind, _, tkey, _) = ends
        if skind != "subject":
            self.error(read.index, src, "must name a subject (a person or an organisation)")
            return
        group = "holdings" if tkind == "asset" else "relations"
        forms = HOLDING_FORMS if group == "holdings" else RELATION_FORMS
        if schema.name == "UnknownLink":
            if relation not in forms:
                self.error(
                    read.index,
                    "role",
                    f"names the Silver relation of this link: one of {', '.join(forms)}",
                )
                return
        else:
            matches = [
                name
                for name, form in forms.items()
                if form.schema == schema.name and form.fixed == fixed
            ]
            if not matches:
                what = "a subject and an asset" if group == "holdings" else "two subjects"
                self.error(read.index, "schema", f"Silver has no {schema.name} between {what}")
                return
            relation = matches[0]
        n = len(self.body[group])
        at = f"{group}.{n}"
        ends_names = ("subject", "asset") if group == "holdings" else ("from", "to")
        item: dict[str, Any] = {ends_names[0]: skey, ends_names[1]: tkey, "relation": relation}
        self.add_path(at, read.index, None)
        self.add_path(f"{at}.{ends_names[0]}", read.index, src)
        self.add_path(f"{at}.{ends_names[1]}", read.index, tgt)
        self.add_path(
            f"{at}.relation", read.index, "role" if schema.name == "UnknownLink" else "schema"
        )
        if schema.name == "Ownership":
            self.add_path(f"{at}.share", read.index, SHARE_PROPERTY)
            text = self.one(read, SHARE_PROPERTY)
            if text is not None:
                try:
                    item["share"] = float(Decimal(text.strip().rstrip("%")) / 100)
                except InvalidOperation:
                    self.error(
                        read.index, SHARE_PROPERTY, "is not a number (a percentage, 0 to 100)"
                    )
        self.body[group].append(item)


def map_entities(entities: Sequence[Any]) -> MappedEntities:
    """FtM entities -> the parts of a case body, the errors, and the path map."""
    m = _Mapper()
    reads: list[_Read] = []
    by_id: dict[str, _Read] = {}
    for index, raw in enumerate(entities):
        read = _check_entity(index, raw, m.errors)
        if read is None:
            continue
        if read.id in by_id:
            m.error(index, "id", f"is also the id of entity {by_id[read.id].index}")
            continue
        by_id[read.id] = read
        reads.append(read)
    # Subjects first, so an asset (a Security's issuer), a link or an identification can name
    # one that comes later in the list.
    kinds: dict[int, str] = {}
    for read in reads:
        name = read.schema.name
        if name == "Person":
            m.subject(read, "person")
        elif name in ORGANISATION_SCHEMATA:
            m.subject(read, "organisation")
        elif name in ASSET_TYPE_OF_SCHEMA:
            kinds[read.index] = "asset"
        elif name in IDENTIFICATION_SCHEMATA:
            kinds[read.index] = "identification"
        elif name in LINK_SCHEMATA:
            kinds[read.index] = "link"
        else:
            m.error(read.index, "schema", f"Silver cannot hold {name} entities")
    for read in reads:
        if kinds.get(read.index) == "asset":
            m.asset(read)
    for read in reads:
        if kinds.get(read.index) == "identification":
            m.identification(read)
    for read in reads:
        if kinds.get(read.index) == "link":
            m.link(read)
    return MappedEntities(m.body, m.errors, m.paths)


# --- An entity seen as a case's subject or asset (for matching reference data) -------------

# Fields of an asset that give the context of its identifiers (the first value is taken).
_CONTEXT_FIELDS = ("country", "currency", "bic")
_IDENTIFYING = frozenset(IDENTIFYING_FIELDS)


def _identification_kind(props: Mapping[str, Sequence[str]]) -> str:
    """An Identification's kind as a case names it (its FtM `type` is free text)."""
    words = " ".join(props.get("type") or []).lower()
    if "passport" in words:
        return "passport"
    if "tax" in words:
        return "tax_id"
    if "national" in words or "identity" in words or "id card" in words:
        return "national_id"
    return "other"


def identifying_views(
    schema: Schema, props: Mapping[str, Sequence[str]]
) -> Iterator[tuple[str, dict[str, Any]]]:
    """The entity as case subjects or assets, one identifying value each, values as published
    (``("asset", {"type": "bank_account", "iban": ...})``): what the domain normalises and
    hashes exactly as it does a case's (silver.domain.reference.identifiers_of)."""
    name = schema.name
    if name == "Person":
        # A number on the Person (passportNumber, idNumber ...) does not say which country
        # issued it, and equal numbers of two countries are two people: no key. A Passport or
        # Identification entity names its country.
        names = [*(props.get("name") or []), *(props.get("alias") or [])]
        for born in props.get("birthDate") or []:
            for full_name in names:
                yield "subject", {"kind": "person", "full_name": full_name, "date_of_birth": born}
        return
    if name in IDENTIFICATION_SCHEMATA:
        kind = "passport" if name == "Passport" else _identification_kind(props)
        for country in props.get("country") or []:
            for value in props.get("number") or []:
                ident = {"type": kind, "value": value, "country": country}
                yield "subject", {"kind": "person", "identifiers": [ident]}
        return
    if schema.is_a("LegalEntity"):
        jurisdiction = next(iter(props.get("jurisdiction") or []), None)
        for org_name in props.get("name") or []:
            if jurisdiction:
                yield (
                    "subject",
                    {"kind": "organisation", "name": org_name, "jurisdiction": jurisdiction},
                )
        for value in props.get("registrationNumber") or []:
            yield (
                "subject",
                {
                    "kind": "organisation",
                    "registration_number": value,
                    "jurisdiction": jurisdiction,
                },
            )
        for value in props.get("leiCode") or []:
            yield "subject", {"kind": "organisation", "lei": value}
    asset_kind = ASSET_TYPE_OF_SCHEMA.get(name)
    if asset_kind is None or asset_kind == "other":
        return
    kind = asset_kind
    form = dict(ASSET_FORMS[kind].fields)
    context: dict[str, Any] = {"type": kind}
    for field_name in _CONTEXT_FIELDS:
        prop = form.get(field_name, field_name)
        if schema.get(prop) is not None:
            context[field_name] = next(iter(props.get(prop) or []), None)
    if kind == "vehicle":
        # A vehicle's FtM country is where it is registered: what its plate is keyed with.
        context["registration_country"] = context.get("country")
    for field_name, prop in ASSET_FORMS[kind].fields:
        if field_name in _CONTEXT_FIELDS or not (
            field_name in _IDENTIFYING or (kind == "crypto_wallet" and field_name == "address")
        ):
            continue
        for value in props.get(prop) or []:
            if kind == "vehicle":
                compact = re.sub(r"[\s-]", "", value).upper()
                if (field_name == "vin") != bool(VIN_SHAPE.fullmatch(compact)):
                    continue
            view = {**context, field_name: value}
            if field_name == "account_number" and not context.get("bic"):
                continue
            yield "asset", view
    if kind == "crypto_wallet":
        # FtM has a second property for a wallet's address.
        for value in props.get("cryptoAddress") or []:
            yield "asset", {**context, "address": value}


# --- A reference entity copied into a case as an asset -------------------------------------

# Where a reference asset is, by the first of these properties it has (a vessel and an aircraft
# by their flag, a company share by its issuer's jurisdiction is not known here).
_WHERE = ("country", "flag", "jurisdiction")


def asset_from_reference(
    schema_name: str, props: Mapping[str, Sequence[str]]
) -> dict[str, Any] | None:
    """What a case can hold of a published asset: its type, the identifying fields of that type
    (the first value of each), a vessel's name, and the country it is in. None when the schema
    is not one of an asset a case holds. Values are as published: the case-body validation
    normalises and checks them when the asset is added."""
    kind = ASSET_TYPE_OF_SCHEMA.get(schema_name)
    if kind is None or kind in ("other", "company_share"):
        return None
    asset: dict[str, Any] = {"type": kind}
    for field_name, prop in ASSET_FORMS[kind].fields:
        values = [v for v in props.get(prop) or [] if v]
        if kind == "vehicle":
            compact = [re.sub(r"[\s-]", "", v).upper() for v in values]
            shaped = [v for v, c in zip(values, compact, strict=True) if VIN_SHAPE.fullmatch(c)]
            values = shaped if field_name == "vin" else [v for v in values if v not in shaped]
        if values and field_name not in asset:
            asset[field_name] = values[0]
    for prop in _WHERE:
        if props.get(prop):
            asset["country"] = str(props[prop][0]).upper()
            break
    if kind == "vehicle" and asset.get("registration_plate") and asset.get("country"):
        asset["registration_country"] = asset["country"]
    return asset
