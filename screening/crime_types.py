"""Which of a case's crime types may be capital offences in a country (MISUSE.DEATH_PENALTY).

Case crime types (`CRIME_TYPES`) and the profiles' capital offences (`CAPITAL_OFFENCES`) differ,
so this table maps one onto the other. For each case type:

- `definite`: capital-offence categories the crime type *is*. A match where the country is
  retentionist makes it `prohibited`; where the death penalty is abolished in practice but
  still in law, `high`.
- `possible`: categories the conduct behind the crime type may well amount to. A match makes
  the country `high` (four eyes), never `prohibited`: the screener checks the facts.

Decisions (the cost of a false match is a screener's review; of a missed one, a person's life):
- drug_trafficking, corruption and human_trafficking are their own categories. Human
  trafficking is also possibly `other` (the profiles' `other` collects kidnapping, abduction and
  rape, which trafficking cases often involve).
- organised_crime is an umbrella (drugs, trafficking, violence, kidnapping): possibly any
  capital offence the country has.
- other is unknown conduct: possibly any capital offence the country has. A case with no crime
  type yet, or with a type not in the vocabulary, is screened as `other`.
- fraud, tax_fraud, money_laundering, environmental_crime and cybercrime map to nothing: none is
  a capital category in the profiles (China removed fraud in 2015; `other` collects treason,
  espionage, rape, armed robbery, kidnapping and similar). A predicate offence behind money
  laundering, such as drug trafficking, must be declared as its own crime type.
"""

from __future__ import annotations

from dataclasses import dataclass

from silver.domain.countries import CAPITAL_OFFENCES


@dataclass(frozen=True)
class CapitalMapping:
    definite: frozenset[str]
    possible: frozenset[str]


_NONE: frozenset[str] = frozenset()
_ANY: frozenset[str] = frozenset(CAPITAL_OFFENCES)

CAPITAL_OFFENCE_MAP: dict[str, CapitalMapping] = {
    "fraud": CapitalMapping(_NONE, _NONE),
    "corruption": CapitalMapping(frozenset({"corruption"}), _NONE),
    "drug_trafficking": CapitalMapping(frozenset({"drug_trafficking"}), _NONE),
    "money_laundering": CapitalMapping(_NONE, _NONE),
    "environmental_crime": CapitalMapping(_NONE, _NONE),
    "tax_fraud": CapitalMapping(_NONE, _NONE),
    "organised_crime": CapitalMapping(_NONE, _ANY),
    "human_trafficking": CapitalMapping(frozenset({"human_trafficking"}), frozenset({"other"})),
    "cybercrime": CapitalMapping(_NONE, _NONE),
    "other": CapitalMapping(_NONE, _ANY),
}

CASE_CRIME_TYPES: tuple[str, ...] = tuple(CAPITAL_OFFENCE_MAP)


def capital_mapping(crime_type: str) -> CapitalMapping:
    return CAPITAL_OFFENCE_MAP.get(crime_type, CAPITAL_OFFENCE_MAP["other"])
