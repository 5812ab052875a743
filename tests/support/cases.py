"""Builders of valid case bodies for tests (each call unique where it matters)."""

from __future__ import annotations

import random
import uuid
from typing import Any

from tests.support import identifiers


def nl_iban(rng: random.Random | None = None) -> str:
    rng = rng or random.Random()
    bank = rng.choice(["ABNA", "INGB", "RABO", "TRIO"])
    return identifiers.iban("NL", f"{bank}{rng.randrange(10**10):010d}")


def imo(rng: random.Random | None = None) -> str:
    rng = rng or random.Random()
    return identifiers.imo(f"{rng.randrange(10**6):06d}")


def case_body(**overrides: Any) -> dict[str, Any]:
    tag = uuid.uuid4().hex[:8]
    body: dict[str, Any] = {
        "title": f"Operatie Zilvervos {tag}",
        "national_reference": f"FIOD-{tag}",
        "crime_types": ["fraud", "money_laundering"],
        "offence_summary": "Carousel fraud with VAT on mobile phones, proceeds moved abroad.",
        "max_penalty_years": 6,
        "legal_basis": {"type": "criminal_investigation", "reference": "RC 2026/12"},
        "urgency": "normal",
        "requested_instrument": "diffusion",
        "target_countries": ["ES", "BE"],
        "contains_special_categories": False,
        "special_categories_justification": None,
        "subjects": [
            {
                "key": "s1",
                "kind": "person",
                "role": "suspect",
                "full_name": f"Jan Testpersoon {tag}",
                "aliases": [],
                "date_of_birth": "1970-05-01",
                "nationalities": ["NL"],
                "residence_country": "NL",
                "refugee_status": None,
                "identifiers": [{"type": "passport", "value": f"NX{tag.upper()}", "country": "NL"}],
                "remarks": None,
            },
            {
                "key": "o1",
                "kind": "organisation",
                "role": "suspect",
                "name": f"Zilvervos {tag} BV",
                "registration_number": tag.upper(),
                "jurisdiction": "NL",
                "lei": None,
                "remarks": None,
            },
        ],
        "assets": [
            {
                "key": "a1",
                "type": "bank_account",
                "iban": nl_iban(),
                "country": "NL",
                "estimated_value": {"amount": "1250.00", "currency": "EUR"},
                "description": None,
            },
            {
                "key": "a2",
                "type": "vessel",
                "imo": imo(),
                "name": "Blue Fox",
                "country": "ES",
                "estimated_value": None,
                "description": "motor yacht",
            },
        ],
        "holdings": [{"subject": "s1", "asset": "a1", "relation": "owns", "share": 1.0}],
        "relations": [{"from": "s1", "to": "o1", "relation": "director_of", "share": None}],
    }
    body.update(overrides)
    return body
