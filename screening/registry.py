"""The rule registry: a rule is one decorated function.

A case rule yields `Hit(field, message)`s; the registry adds its id, severity and legal basis.
A country rule yields `RiskHit(risk, message)`s, each at most the rule's declared risk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from screening.model import Risk, Severity

if TYPE_CHECKING:
    from screening.view import CaseView, CountryView


class Hit(NamedTuple):
    field: str | None
    message: str


class RiskHit(NamedTuple):
    risk: Risk
    message: str


CaseCheck = Callable[["CaseView"], Iterable[Hit]]
CountryCheck = Callable[["CaseView", "CountryView"], Iterable[RiskHit]]


@dataclass(frozen=True)
class CaseRule:
    id: str
    severity: Severity
    legal_basis: str
    check: CaseCheck


@dataclass(frozen=True)
class CountryRule:
    id: str
    risk: Risk
    legal_basis: str
    check: CountryCheck


CASE_RULES: list[CaseRule] = []
COUNTRY_RULES: list[CountryRule] = []


def _ensure_new(rule_id: str) -> None:
    if rule_id in {r.id for r in CASE_RULES} | {r.id for r in COUNTRY_RULES}:
        raise ValueError(f"rule {rule_id} is registered twice")


def case_rule(rule_id: str, *, severity: Severity, basis: str) -> Callable[[CaseCheck], CaseCheck]:
    def register(check: CaseCheck) -> CaseCheck:
        _ensure_new(rule_id)
        CASE_RULES.append(CaseRule(rule_id, severity, basis, check))
        return check

    return register


def country_rule(rule_id: str, *, risk: Risk, basis: str) -> Callable[[CountryCheck], CountryCheck]:
    """`risk` is the highest risk the rule gives; a hit may give less (e.g. CPI 40-59)."""

    def register(check: CountryCheck) -> CountryCheck:
        _ensure_new(rule_id)
        COUNTRY_RULES.append(CountryRule(rule_id, risk, basis, check))
        return check

    return register
