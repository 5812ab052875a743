"""EUR reference rates: one table of one date and one source, shipped as
`silver/data/eur_rates.csv` (units of a currency per 1 EUR). A currency the table lacks is never
guessed: its amounts stay unconverted."""

from __future__ import annotations

import csv
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from silver.domain.errors import ConfigError
from silver.domain.stats.catalogue import CURRENCY_CODE

RATES_PATH = Path(__file__).resolve().parents[2] / "data" / "eur_rates.csv"


@dataclass(frozen=True)
class RateTable:
    """Reference rates in units of a currency per 1 EUR, all of one date and one source."""

    rates: Mapping[str, Decimal]
    date: date
    source: str

    @property
    def convertible(self) -> list[str]:
        return ["EUR", *sorted(self.rates)]

    def to_eur(self, amount: Decimal, currency: str) -> Decimal | None:
        if currency == "EUR":
            return amount
        rate = self.rates.get(currency)
        return None if rate is None else amount / rate


def load_rates(path: Path = RATES_PATH) -> RateTable:
    """Read the rate table; a malformed one stops the service rather than mis-convert."""
    rates: dict[str, Decimal] = {}
    dates: set[str] = set()
    sources: set[str] = set()
    with path.open(newline="", encoding="utf-8") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            currency = (row.get("currency") or "").strip()
            try:
                rate = Decimal((row.get("rate_to_eur") or "").strip())
            except InvalidOperation:
                raise ConfigError(f"{path.name} line {line}: rate_to_eur is not a number") from None
            if not CURRENCY_CODE.fullmatch(currency) or not rate > 0 or currency in rates:
                raise ConfigError(f"{path.name} line {line}: bad or repeated currency or rate")
            rates[currency] = rate
            dates.add((row.get("date") or "").strip())
            sources.add((row.get("source") or "").strip())
    if len(dates) != 1 or len(sources) != 1 or not rates:
        raise ConfigError(f"{path.name} must hold rates of exactly one date and one source")
    try:
        day = date.fromisoformat(dates.pop())
    except ValueError:
        raise ConfigError(f"{path.name}: date must be YYYY-MM-DD") from None
    return RateTable(rates, day, sources.pop())


@functools.lru_cache(maxsize=1)
def default_rates() -> RateTable:
    """The shipped rate table, read once per process."""
    return load_rates()
