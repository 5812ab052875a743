"""Why a verdict is what it is: the causes the case and screening pages show."""

from __future__ import annotations

from typing import Any

from web.verdict import verdict_causes


def finding(rule: str, severity: str) -> dict[str, Any]:
    return {"rule": rule, "severity": severity, "field": None, "message": "m", "legal_basis": ""}


def country(code: str, *risks: str) -> dict[str, Any]:
    reasons = [{"rule": f"R.{r.upper()}", "risk": r, "message": r} for r in risks]
    order = ("low", "medium", "high", "prohibited")
    return {"country": code, "risk": max(risks, key=order.index, default="low"), "reasons": reasons}


def test_a_blocked_verdict_is_explained_by_its_blocking_findings_only() -> None:
    result = {
        "verdict": "blocked",
        "findings": [finding("CASE.MIN_DATA", "block"), finding("GDPR.THIRD_PARTY", "warn")],
        "countries": [country("BR", "high")],
    }
    assert verdict_causes(result, {"BR"}) == {"findings": [result["findings"][0]]}


def test_needs_review_without_findings_names_the_countries_at_high_risk() -> None:
    br, ae, es = country("BR", "high", "medium"), country("AE", "high"), country("ES", "medium")
    result = {"verdict": "needs_review", "findings": [], "countries": [ae, br, es]}
    causes = verdict_causes(result, ["BR", "ES"])
    assert causes["findings"] == []
    assert causes["targets"] == [{"country": br, "reasons": [br["reasons"][0]]}]
    assert causes["others"] == [ae]


def test_needs_review_names_its_warnings_and_a_clear_verdict_has_no_causes() -> None:
    warn = finding("INTERPOL.ART3", "warn")
    result = {"verdict": "needs_review", "findings": [warn, finding("X", "info")], "countries": []}
    assert verdict_causes(result, [])["findings"] == [warn]
    assert verdict_causes({"verdict": "clear", "findings": [], "countries": []}, []) == {}
