"""The project base schema (unknown fields are rejected, text is checked) and the problem
document."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load

from silver.domain.text import unsafe_text


class FreeText(fields.String):
    """A string that may span lines (tab, line feed and carriage return allowed): a summary,
    remarks, a justification, notes. Every other string of a request is a single line."""


class BaseSchema(Schema):
    """Rejects unknown fields, and refuses every string of the request, keys included, that
    holds a control character or a lone surrogate, under the field's path (one walk over the
    raw input before any field is loaded: silver.domain.text says why)."""

    class Meta:
        unknown = RAISE
        ordered = True

    @pre_load(pass_collection=True)
    def _refuse_unsafe_text(self, data: Any, **_: Any) -> Any:
        errors: dict[str, list[str]] = {}
        _walk(data, self, (), errors)
        if errors:
            raise ValidationError(_nested(errors))
        return data


# What a position of the input is: a schema (an object of known fields), a field, or nothing
# known (free-form JSON: tab and line breaks allowed, as in free text).
Position = Schema | fields.Field[Any] | None


def _walk(value: Any, where: Position, path: tuple[str, ...], errors: dict[str, list[str]]) -> None:
    if isinstance(value, str):
        free = where is None or isinstance(where, FreeText) or not isinstance(where, fields.String)
        problem = unsafe_text(value, free_text=free)
        if problem is not None:
            errors.setdefault(".".join(path) or "_schema", []).append(problem)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            name = str(key)
            problem = unsafe_text(name)
            if problem is not None:
                errors.setdefault(".".join((*path, repr(name)[1:-1])), []).append(
                    f"the field name {problem}"
                )
                continue
            _walk(item, _member(where, name), (*path, name), errors)
    elif isinstance(value, list | tuple):
        inner = _element(where)
        for index, item in enumerate(value):
            _walk(item, inner, (*path, str(index)), errors)


def _member(where: Position, name: str) -> Position:
    """The position of `name` inside an object at `where`."""
    if isinstance(where, Schema):
        for field_name, field in where.fields.items():
            if (field.data_key or field_name) == name:
                return field
        return None
    if isinstance(where, fields.Nested):
        return _member(where.schema, name)
    if isinstance(where, fields.Dict):
        return where.value_field
    return None


def _element(where: Position) -> Position:
    """The position of the items of a list at `where`."""
    if isinstance(where, fields.List):
        return where.inner
    if isinstance(where, fields.Nested) and where.many:
        return where.schema
    if isinstance(where, Schema):
        return where  # a schema loaded with many=True
    return None


def _nested(errors: dict[str, list[str]]) -> dict[str, Any]:
    """{"a.0.b": [...]} -> {"a": {"0": {"b": [...]}}}: marshmallow's shape, flattened again
    into dotted paths by the error handler."""
    out: dict[str, Any] = {}
    for path, messages in errors.items():
        node = out
        *parents, last = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = messages
    return out


class ProblemSchema(Schema):
    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
