"""A small, clearly fictional demo data set (`flask --app wsgi demo load`).

The cases are data: `silver/data/demo_cases.json`, a list of `{"agency", "body"}` where each
body is exactly a `POST /api/v1/cases` body. Every name, number and place in it is invented:
people are "Demo Persoon ...", companies "Fictief ..." or "Voorbeeld ...", references start
with DEMO and every title with "[DEMO]". The identifiers are nevertheless valid (IBAN, IMO, VIN,
LEI and ISIN check digits, Bitcoin Base58Check and Ethereum EIP-55 checksums), because the API
validates them; they were computed, not copied from anywhere, with the generators in
`tests/support/identifiers.py` (use those for a new demo case), and bank codes such as DEMO or
999 belong to no bank.

Two cases of different agencies (FIOD and OM) share one bank account, written differently, and
one vessel, so that `GET /api/v1/cases/{id}/links` has something to show.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from silver.domain.case_body import validate_case_body
from silver.domain.errors import Conflict
from silver.domain.uow import AbstractUnitOfWork
from silver.domain.users import Agency, Role, User
from silver.infra.keys import KeyMaterial
from silver.services import auth, intake
from silver.services.progress import Track, untracked

__all__ = [
    "DEMO_CASES",
    "DEMO_CASES_PATH",
    "DEMO_USERS",
    "MARKER_USER",
    "load_demo",
]

Body = dict[str, Any]

DEMO_CASES_PATH = Path(__file__).resolve().parents[1] / "data" / "demo_cases.json"


def _read_cases(path: Path) -> list[tuple[str, Body]]:
    with path.open(encoding="utf-8") as fh:
        return [(case["agency"], case["body"]) for case in json.load(fh)]


# (agency of the proposing caseworker, case body), in the order they are created.
DEMO_CASES: list[tuple[str, Body]] = _read_cases(DEMO_CASES_PATH)


# --- Loading ----------------------------------------------------------------------------------

# (username, role, agency). The first user is the marker: when it exists, the demo is loaded.
DEMO_USERS: tuple[tuple[str, str, str | None], ...] = (
    ("demo-fiod", Role.CASEWORKER.value, Agency.FIOD.value),
    ("demo-om", Role.CASEWORKER.value, Agency.OM.value),
    ("demo-politie", Role.CASEWORKER.value, Agency.POLITIE.value),
    ("demo-screener", Role.SCREENER.value, None),
    ("demo-screener2", Role.SCREENER.value, None),
    ("demo-evaluator", Role.EVALUATOR.value, None),
    ("demo-admin", Role.ADMIN.value, None),
    ("demo-privacy", Role.PRIVACY_OFFICER.value, None),
)
MARKER_USER = DEMO_USERS[0][0]


class DemoServices(Protocol):
    """What the loader needs of the application's services (api.extensions.Services)."""

    @property
    def keys(self) -> KeyMaterial: ...

    def uow(self) -> AbstractUnitOfWork: ...


def load_demo(
    services: DemoServices,
    *,
    password: str,
    uow_factory: Callable[[], AbstractUnitOfWork] | None = None,
    prefix: str = "demo",
    track: Track = untracked,
) -> list[str]:
    """Create the demo users and cases; return the numbers of the cases created.

    Idempotent by its marker user: when `demo-fiod` exists already, the demo counts as loaded
    and nothing is written (returns []). Creating that user is the claim, so two loaders
    running at once cannot both load (the username is unique). All bodies are validated first,
    so invalid demo data writes nothing; if a load is cut off later (the database went away),
    delete the demo users and their cases before loading again. Other demo users that exist
    already are reused when they have the right role and agency. Every user gets `password`;
    the cases are drafts, each proposed by its agency's demo caseworker. `prefix` replaces
    "demo" in the usernames (tests load their own copy).
    """
    new_uow = uow_factory or services.uow
    bodies = [(agency, validate_case_body(copy.deepcopy(body))) for agency, body in DEMO_CASES]
    users = [
        (username.replace("demo", prefix, 1), role, agency) for username, role, agency in DEMO_USERS
    ]
    marker, *others = users
    try:
        created = auth.create_user(*marker, password, new_uow())
    except Conflict:
        return []
    caseworkers: dict[str, User] = {Agency.FIOD.value: created}
    for username, role, agency in others:
        user = _ensure_user(username, role, agency, password, new_uow)
        if agency is not None:
            caseworkers[agency] = user
    return [
        intake.create_case(body, caseworkers[agency], new_uow(), services.keys).number
        for agency, body in track(bodies, len(bodies), "demo cases")
    ]


def _ensure_user(
    username: str,
    role: str,
    agency: str | None,
    password: str,
    new_uow: Callable[[], AbstractUnitOfWork],
) -> User:
    try:
        return auth.create_user(username, role, agency, password, new_uow())
    except Conflict:
        with new_uow() as uow:
            user: User | None = uow.users.get(username)
    if user is None or user.role.value != role or (user.agency and user.agency.value) != agency:
        raise Conflict(
            f"user {username!r} exists already, but not as the demo's {role}"
            + (f" of {agency}" if agency else "")
        )
    return user
