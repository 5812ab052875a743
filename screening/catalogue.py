"""The catalogue of every screening rule: id, level, severity or risk, legal basis.

Kept apart from the registry so that the registry knows no rule module (the rule modules
register themselves into it) and nothing imports in a circle.
"""

from __future__ import annotations

from screening import case_rules as _case_rules  # noqa: F401 - registers the case rules
from screening.country_rules import TRANSFER_BASIS_LEGAL_BASIS, TRANSFER_BASIS_RULE
from screening.registry import CASE_RULES, COUNTRY_RULES


def rule_catalogue() -> list[dict[str, str]]:
    """Every registered rule: id, level (case or country), severity or risk, legal basis."""
    rows = [
        {"rule": r.id, "level": "case", "severity": r.severity, "legal_basis": r.legal_basis}
        for r in CASE_RULES
    ]
    rows += [
        {"rule": r.id, "level": "country", "risk": r.risk, "legal_basis": r.legal_basis}
        for r in COUNTRY_RULES
    ]
    rows.append(
        {"rule": TRANSFER_BASIS_RULE, "level": "country", "legal_basis": TRANSFER_BASIS_LEGAL_BASIS}
    )
    return rows
