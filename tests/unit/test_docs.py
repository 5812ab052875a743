"""docs/domain.md tells the truth about the screening rules the code registers."""

from __future__ import annotations

import re
from pathlib import Path

from screening import rule_catalogue

DOMAIN_MD = Path(__file__).resolve().parents[2] / "docs" / "domain.md"
RULE_ROW = re.compile(r"^\| `([A-Z]+\.[A-Z0-9_]+)` \| ([^|]+) \|[^|]*\| ([^|]+) \|$")


def _documented_rules() -> dict[str, tuple[str, str]]:
    """rule id -> (severity or highest risk, legal basis), from the rule tables."""
    rows: dict[str, tuple[str, str]] = {}
    for line in DOMAIN_MD.read_text(encoding="utf-8").splitlines():
        match = RULE_ROW.match(line.strip())
        if match:
            rule, level, basis = (part.strip() for part in match.groups())
            assert rule not in rows, f"{rule} is documented twice"
            rows[rule] = (level, basis)
    return rows


def test_every_screening_rule_is_documented_with_its_severity_and_legal_basis() -> None:
    expected = {
        row["rule"]: (row.get("severity") or row.get("risk") or "\u2014", row["legal_basis"])
        for row in rule_catalogue()
    }
    assert _documented_rules() == expected


def test_the_domain_page_points_to_the_openapi_document() -> None:
    assert "GET /api/v1/openapi.json" in DOMAIN_MD.read_text(encoding="utf-8")
