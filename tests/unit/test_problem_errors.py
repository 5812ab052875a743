from __future__ import annotations

from api.errors import flatten_errors


def test_nested_marshmallow_errors_become_field_paths() -> None:
    nested = {
        "assets": {2: {"iban": ["IBAN checksum does not match"]}},
        "subjects": {0: {"_schema": ["a person needs a full_name"]}},
        "title": ["Missing data for required field."],
    }
    assert flatten_errors(nested) == {
        "assets.2.iban": ["IBAN checksum does not match"],
        "subjects.0": ["a person needs a full_name"],
        "title": ["Missing data for required field."],
    }
