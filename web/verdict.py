"""Why a screening's verdict is what it is, for the case and screening pages."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any


def verdict_causes(result: dict[str, Any], targets: Collection[str]) -> dict[str, Any]:
    """What made the verdict (screening.engine's rule): the blocking findings when blocked;
    else the warnings and the countries at high risk, the targets with their reasons first
    (a notice reaches every participant, so the others count too)."""
    findings = result.get("findings", [])
    if result.get("verdict") == "blocked":
        return {"findings": [f for f in findings if f["severity"] == "block"]}
    if result.get("verdict") != "needs_review":
        return {}
    high = [c for c in result.get("countries", []) if c["risk"] == "high"]
    return {
        "findings": [f for f in findings if f["severity"] == "warn"],
        "targets": [
            {"country": c, "reasons": [r for r in c["reasons"] if r["risk"] == "high"]}
            for c in high
            if c["country"] in targets
        ],
        "others": [c for c in high if c["country"] not in targets],
    }
