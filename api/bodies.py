"""Request bodies as an attacker or a careless client sends them (CONTRACT.md, "Input that is
not a valid request").

Every JSON body of the API is parsed here, once, after the caller was authenticated
(`api.security.guard` runs before any view):

- a route that takes JSON refuses any other body with 415 (a JSON body sent as `text/plain`
  used to be read as empty, and then refused for its missing fields);
- malformed JSON is 400, and so is JSON nested deeper than `MAX_DEPTH` objects and arrays: the
  standard library parses recursively, so a body nested 50,000 deep would otherwise end in a
  RecursionError (a 500); 32 is far more than any body of the API needs (a case is 4 deep);
- the size limit (1 MiB, 413) is Flask's MAX_CONTENT_LENGTH (`api.app`);
- what the strings may hold is the schemas' (`api.schemas.BaseSchema`).

The blueprints use `Blueprint` below so that flask-smorest parses with `BodyParser`; Flask's own
`request.get_json()` (the login limits read the username with it) goes through
`SafeJSONProvider`, with the same limits.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

import flask
import flask_smorest
from flask.json.provider import DefaultJSONProvider
from webargs import core
from webargs.flaskparser import FlaskParser, abort, is_json_request

MAX_DEPTH = 32
JSON_EXPECTED = "This endpoint takes a JSON body: send it with Content-Type: application/json."


class InvalidJSON(ValueError):
    """A body that is not JSON, or JSON beyond the limits."""


def parse_json(data: bytes | str) -> Any:
    """`data` as JSON, or InvalidJSON saying why not (never a RecursionError)."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        value = json.loads(text)
    except RecursionError:
        raise InvalidJSON(f"JSON nested deeper than {MAX_DEPTH} levels") from None
    except UnicodeDecodeError:
        raise InvalidJSON("the body is not UTF-8") from None
    except ValueError as exc:  # JSONDecodeError, and integers of more than 4300 digits
        raise InvalidJSON(f"invalid JSON: {exc}") from None
    if _deeper_than(value, MAX_DEPTH):
        raise InvalidJSON(f"JSON nested deeper than {MAX_DEPTH} levels")
    return value


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether objects and arrays nest more than `limit` deep (without recursion)."""
    stack = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return False


class SafeJSONProvider(DefaultJSONProvider):
    """Flask's JSON, whose loads never raises anything but ValueError (so `get_json()` is a 400
    and `get_json(silent=True)` None for a body nested 50,000 deep)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return parse_json(s)


class BodyParser(FlaskParser):
    """webargs' Flask parser with the limits above and a 415 for a body that is not JSON."""

    def _raw_load_json(self, req: flask.Request) -> Any:
        if not is_json_request(req):
            if req.headers.get("Content-Type") or req.get_data(cache=True):
                abort(415, messages={"json": {"_body": [JSON_EXPECTED]}})
            return core.missing
        data = req.get_data(cache=True)
        if not data:
            return core.missing
        try:
            return parse_json(data)
        except InvalidJSON as exc:
            abort(400, messages={"json": {"_body": [str(exc)]}})

    def _handle_invalid_json_error(
        self, error: Any, req: flask.Request, *args: Any, **kwargs: Any
    ) -> NoReturn:
        abort(400, messages={"json": {"_body": [f"invalid JSON: {error}"]}})


class Blueprint(flask_smorest.Blueprint):  # type: ignore[misc]
    """The API's blueprints: flask-smorest's, parsing with `BodyParser`."""

    ARGUMENTS_PARSER = BodyParser()
