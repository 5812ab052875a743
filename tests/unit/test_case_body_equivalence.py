"""The domain's case-body validation against the marshmallow schemas it replaces.

A differential test: bodies, patches and assets, valid ones (the demo cases, the test builders)
and broken ones (a value anywhere replaced by any JSON, fields dropped or added, keys and
references pointing nowhere), go through both; the output or the flattened error dict must be
the same. Two differences are on purpose and expected here:
- where the old schema crashed (a 500: an object where a key was expected, as in
  `"relations": [{"to": {}}]`), the domain reports a validation error;
- a target country that only normalises to NL (`"N L"`, full-width letters) is refused too,
  where the old check compared the raw text.
The old schema's patch (`partial=True`) also applied the cross-field rules to the patch alone;
the domain checks a patch field by field and the rules on the corrected case, so the patch is
compared with the old schema's fields (nested objects complete) without those rules.

Run with more examples (past the suite's 300 s per test):
    SILVER_DIFF_EXAMPLES=20000 pytest --timeout=0 tests/unit/test_case_body_equivalence.py
"""

from __future__ import annotations

import copy
import json
import os
import string
from collections.abc import Callable, Mapping
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError, validates_schema

from api.cases.schemas import AssetSchema, CaseBodySchema
from api.errors import flatten_errors
from silver.domain import identifiers as ids
from silver.domain.case_body import validate_asset, validate_case_body, validate_case_patch
from silver.domain.errors import ValidationFailed
from silver.services import demo
from tests.support.cases import case_body

EXAMPLES = int(os.environ.get("SILVER_DIFF_EXAMPLES", "300"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
NL_MESSAGE = "the Netherlands is the requesting country, never a recipient"
TOP_FIELDS = tuple(CaseBodySchema().fields)


class OldPatchSchema(CaseBodySchema):
    """The old body schema's fields and the NL rule, without the rules across fields."""

    def _references(self, *args: Any, **kwargs: Any) -> None:  # no longer a hook here
        return None

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _not_nl(self, data: Mapping[str, Any], original: Any, **_: Any) -> None:
        targets = original.get("target_countries") if isinstance(original, Mapping) else None
        if isinstance(targets, list):
            errors = {
                i: [NL_MESSAGE]
                for i, code in enumerate(targets)
                if isinstance(code, str) and code.strip().upper() == "NL"
            }
            if errors:
                raise ValidationError({"target_countries": errors})


Outcome = tuple[str, Any]


def old(schema: Any, raw: Any, **load: Any) -> Outcome:
    try:
        return "ok", dict(schema.dump(schema.load(copy.deepcopy(raw), **load)))
    except ValidationError as exc:
        return "errors", flatten_errors(exc.messages)
    except Exception as exc:
        return "crash", type(exc).__name__


def new(validate: Callable[[Any], dict[str, Any]], raw: Any) -> Outcome:
    try:
        return "ok", validate(copy.deepcopy(raw))
    except ValidationFailed as exc:
        return "errors", exc.errors


def nl_only_now(raw: Any) -> dict[str, list[str]]:
    """Targets the old raw comparison let through although they normalise to NL."""
    targets = raw.get("target_countries") if isinstance(raw, Mapping) else None
    if not isinstance(targets, list):
        return {}
    extra = {}
    for i, code in enumerate(targets):
        if not isinstance(code, str) or code.strip().upper() == "NL":
            continue
        try:
            if ids.normalise_country(code) == "NL":
                extra[f"target_countries.{i}"] = [NL_MESSAGE]
        except ids.InvalidIdentifier:
            pass
    return extra


def assert_same(before: Outcome, after: Outcome, extra: dict[str, list[str]]) -> None:
    event(f"old: {before[0]}" + (", NL normalised" if extra else ""))
    if before[0] == "crash":
        assert after[0] == "errors", (before, after)
        return
    if extra:
        expected = {**(before[1] if before[0] == "errors" else {}), **extra}
        assert after == ("errors", expected)
        return
    assert after == before
    if after[0] == "ok":  # the same key order too (the API answers in the body's order)
        assert json.dumps(after[1]) == json.dumps(before[1])


# --- Generating bodies --------------------------------------------------------------------------

FIELD_NAMES = sorted(
    {
        *TOP_FIELDS,
        *AssetSchema().fields,
        "key",
        "kind",
        "role",
        "justification",
        "full_name",
        "aliases",
        "date_of_birth",
        "nationalities",
        "residence_country",
        "refugee_status",
        "identifiers",
        "registration_number",
        "jurisdiction",
        "lei",
        "subject",
        "asset",
        "relation",
        "share",
        "from",
        "to",
        "amount",
        "reference",
        "value",
        "country_of_origin",
    }
)
WORDS = [
    *FIELD_NAMES,
    "",
    " ",
    "NL",
    " nl ",
    "nL",
    "N L",
    "\uff2e\uff2c",
    "ES",
    "BE",
    "XX",
    "UK",
    "NLD",
    "XK",
    "EUR",
    "eur",
    "EUX",
    "1250",
    "1250.00",
    "1.005",
    "-1",
    "12.5",
    " 7 ",
    "nan",
    "1e400",
    "inf",
    "1_0",
    "2999-01-01",
    "1899-12-31",
    "1980-01-01",
    "20200101",
    "true",
    "on",
    "no",
    "YES",
    "0",
    "1",
    "s1",
    "o1",
    "a1",
    "a2",
    "ghost",
    "s1\n",
    "x" * 301,
    "x" * 2001,
    "NL91ABNA0417164300",
    "nl91 abna 0417 1643 00",
    "NL91ABNA0417164301",
    "DEUTDEFF500",
    "ABNANL2",
    "5493001KJTIIGC8Y1R13",
    "US0378331005",
    "1M8GDM9AXKP042788",
    "IMO 9074728",
    "9074729",
    "BTC",
    "ETH",
    "DOGECOINZ",
    "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3",
    "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",
    "PH-BXA",
    "12-ABC-3",
    "person",
    "organisation",
    "suspect",
    "convicted",
    "third_party",
    "passport",
    "criminal_investigation",
    "bank_account",
    "real_estate",
    "vehicle",
    "vessel",
    "aircraft",
    "crypto_wallet",
    "company_share",
    "cash_or_valuables",
    "other",
    "owns",
    "director_of",
    "fraud",
    "notice",
    "diffusion",
    "urgent",
    "normal",
]
texts = st.one_of(st.sampled_from(WORDS), st.text(max_size=12), st.text(string.digits, max_size=4))
leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 150),
    st.integers(),
    st.sampled_from([10**400, 0.5, 1.5, 100.0, 100.5, float("nan"), float("inf")]),
    st.floats(),
    texts,
)
json_values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)

VALID_ASSETS: list[dict[str, Any]] = [
    {"type": "bank_account", "iban": "GB82 WEST 1234 5698 7654 32"},
    {"type": "bank_account", "account_number": "12-345-678", "bic": "DEUTDEFF500"},
    {"type": "vessel", "imo": "9074729"},
    {"type": "vehicle", "registration_plate": "12-ABC-3"},
    {"type": "aircraft", "registration_mark": "PH-BXA"},
    {"type": "crypto_wallet", "currency": "BTC", "address": "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"},
    {"type": "crypto_wallet", "currency": "ETH", "address": demo.eth_address("seed")},
    {"type": "crypto_wallet", "currency": "USDT", "address": "T" + "a" * 33},
    {"type": "company_share", "organisation": "o1", "percentage": 25.5, "isin": "US0378331005"},
    {"type": "real_estate", "address": "Calle Falsa 123, Marbella", "country": "ES"},
    {"type": "cash_or_valuables", "description": "gold bars in a safe"},
]


def seed_bodies() -> list[dict[str, Any]]:
    bodies = [copy.deepcopy(body) for _, body in demo.DEMO_CASES]
    bodies.append(case_body())
    with_assets = case_body()
    with_assets["assets"] += [{"key": f"x{i}", **a} for i, a in enumerate(VALID_ASSETS)]
    bodies.append(with_assets)
    bodies.append({"title": "Draft"})
    return bodies


SEEDS = seed_bodies()


@st.composite
def mutated(draw: st.DrawFn, seed: Any) -> Any:
    """`seed` with up to four changes at random places: a value replaced by any JSON (or by
    None, or by a word that means something somewhere), a field dropped or added, an item
    appended."""
    value = copy.deepcopy(seed)
    for _ in range(draw(st.sampled_from([0, 1, 1, 1, 2, 2, 3, 4]))):
        value = _mutate_once(draw, value)
    return value


GROUPS = ("subjects", "assets", "holdings", "relations")


def _mutate_once(draw: st.DrawFn, root: Any) -> Any:
    groups = [g for g in GROUPS if isinstance(root, dict) and isinstance(root.get(g), list)]
    inside: bool = draw(st.booleans())
    if groups and inside:  # inside one subject, asset, holding or relation
        items = root[draw(st.sampled_from(groups))]
        if items:
            i = draw(st.integers(0, len(items) - 1))
            items[i] = _mutate_once(draw, items[i])
            return root
    holder: Any = None
    slot: Any = None
    node = root
    # walk down from the root (mostly deep: the rules live in the nested objects)
    while isinstance(node, dict | list) and node and (holder is None or draw(st.integers(0, 4))):
        holder = node
        slot = draw(st.sampled_from(sorted(node) if isinstance(node, dict) else range(len(node))))
        node = node[slot]
    action = draw(st.sampled_from(["replace", "replace", "drop", "add", "append"]))
    if action == "add" and isinstance(node, dict):
        node[draw(st.sampled_from(FIELD_NAMES) | texts)] = draw(json_values)
        return root
    if action == "append" and isinstance(node, list):
        again: bool = draw(st.booleans())
        node.append(copy.deepcopy(node[0]) if node and again else draw(json_values))
        return root
    if action == "drop" and isinstance(holder, dict):
        del holder[slot]
        return root
    new_value = draw(leaves | json_values)
    if holder is None:
        return new_value
    holder[slot] = new_value
    return root


bodies = st.sampled_from(SEEDS).flatmap(mutated)


@st.composite
def patches(draw: st.DrawFn) -> Any:
    seed = draw(st.sampled_from(SEEDS))
    names = draw(st.lists(st.sampled_from(sorted(seed)), unique=True, max_size=4))
    return draw(mutated({n: seed[n] for n in names}))


assets = st.sampled_from(
    [a for body in SEEDS for a in body.get("assets", [])]
    + [{"key": "n1", **a} for a in VALID_ASSETS]
).flatmap(mutated)


@SETTINGS
@given(bodies)
def test_a_body_validates_as_before(raw: Any) -> None:
    assert_same(old(CaseBodySchema(), raw), new(validate_case_body, raw), nl_only_now(raw))


@SETTINGS
@given(patches())
def test_a_patch_validates_field_by_field_as_before(raw: Any) -> None:
    before = old(OldPatchSchema(), raw, partial=TOP_FIELDS)
    assert_same(before, new(validate_case_patch, raw), nl_only_now(raw))


@SETTINGS
@given(assets)
def test_an_asset_validates_as_before(raw: Any) -> None:
    assert_same(old(AssetSchema(), raw), new(validate_asset, raw), {})


@SETTINGS
@given(bodies)
def test_the_canonical_form_is_a_fixed_point(raw: Any) -> None:
    outcome = new(validate_case_body, raw)
    if outcome[0] == "ok":
        assert validate_case_body(copy.deepcopy(outcome[1])) == outcome[1]


def test_garbage_where_a_key_belongs_is_an_error_not_a_crash() -> None:
    raw = case_body(relations=[{"to": {}}])
    assert old(CaseBodySchema(), raw)[0] == "crash"
    kind, errors = new(validate_case_body, raw)
    assert kind == "errors"
    assert errors["relations.0.to"] == [
        "Not a valid string.",
        "does not name a subject key of this case",
    ]
    assert errors["relations.0.from"] == [
        "Missing data for required field.",
        "does not name a subject key of this case",
    ]
