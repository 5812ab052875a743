"""Neo4j values into plain Python ones, for every repository."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def native(value: Any) -> Any:
    """A Neo4j temporal value as its `datetime`/`date`; anything else unchanged."""
    return value.to_native() if hasattr(value, "to_native") else value


def plain(properties: Mapping[str, Any]) -> dict[str, Any]:
    """A node's properties (or a map) with native values."""
    return {k: native(v) for k, v in properties.items()}
