"""The case services, bound as the bootstrap binds them, over an in-memory unit of work.

These run in milliseconds and without sockets; the same flows against the real Neo4j are in
tests/integration/test_cases.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from silver.domain.cases import Status
from silver.domain.errors import (
    Conflict,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    ValidationFailed,
)
from silver.domain.users import Agency, Role, User
from silver.infra import crypto
from silver.infra.config import load_settings
from silver.infra.keys import KeyMaterial
from silver.services import screening
from silver.services.facade import Context, Services
from tests.support.cases import case_body
from tests.unit.fakes import FakeStore, FakeUnitOfWork

KEYS = KeyMaterial(
    master=crypto.MasterKeyring.parse(f"k1:{crypto.encode_key(crypto.new_secret_key())}"),
    index_key=crypto.new_secret_key(),
    signing=crypto.SigningKey.generate(),
    master_from_env=True,
)
SEEDED = FakeStore.seeded()
FIOD = User("fiod-1", Role.CASEWORKER, Agency.FIOD, None)
OM = User("om-1", Role.CASEWORKER, Agency.OM, None)
SCREENER = User("screener-1", Role.SCREENER, None, None)


def unused(*_: Any) -> Any:
    raise AssertionError("not used by these services")


@pytest.fixture
def store() -> FakeStore:
    return SEEDED.copy()


@pytest.fixture
def services(store: FakeStore, tmp_path: Path) -> Services:
    uows: list[FakeUnitOfWork] = []

    def uow() -> FakeUnitOfWork:
        uows.append(FakeUnitOfWork(store))
        return uows[-1]

    settings = load_settings({"SILVER_VAR_DIR": str(tmp_path), "SILVER_QUOTA": "9"})
    return Services(
        Context(
            settings=settings,
            uow=uow,
            keys=lambda: KEYS,
            enqueue_notices=unused,
            transport=unused,
            stats_reader=unused,
        )
    )


def test_create_commits_a_sealed_draft_with_a_projection_and_an_audit_event(
    services: Services, store: FakeStore
) -> None:
    body = case_body()
    case = services.cases.create(body, FIOD)

    row = store.cases[case.id]
    assert row["status"] == Status.DRAFT.value and row["version"] == 1
    assert row["number"].startswith("NL-SN-") and row["number"].endswith("-0001")
    assert body["title"] not in json.dumps(row, default=str), "the content is sealed"
    assert store.projections[case.id].subjects, "the graph projection was written"
    assert [e.event.action for e in store.audit] == ["case.create"]
    assert services.cases.get(case.id, FIOD).body["title"] == body["title"]


def test_another_agency_cannot_see_the_case(services: Services) -> None:
    case = services.cases.create(case_body(), FIOD)
    with pytest.raises(NotFound):
        services.cases.get(case.id, OM)
    assert services.cases.find(OM, None, 1, 50) == ([], 0)


def test_an_edit_needs_the_current_version_and_a_stale_one_loses(
    services: Services, store: FakeStore
) -> None:
    case = services.cases.create(case_body(), FIOD)

    with pytest.raises(PreconditionRequired):
        services.cases.update(case.id, {"title": "New"}, None, FIOD)
    updated = services.cases.update(case.id, {"title": "New"}, 1, FIOD)
    assert updated.version == 2 and updated.body["title"] == "New"
    with pytest.raises(PreconditionFailed):
        services.cases.update(case.id, {"title": "Lost"}, 1, FIOD)
    assert services.cases.get(case.id, FIOD).body["title"] == "New"
    assert store.cases[case.id]["version"] == 2


def test_a_refused_change_leaves_nothing_behind(services: Services, store: FakeStore) -> None:
    case = services.cases.create(case_body(), FIOD)
    before = (dict(store.cases[case.id]), len(store.audit))
    bad_asset = {**case.body["assets"][0], "iban": "NL00ABNA0000000000"}

    with pytest.raises(ValidationFailed) as refused:
        services.cases.update(case.id, {"assets": [bad_asset]}, 1, FIOD)
    assert "assets.0.iban" in refused.value.errors
    assert (dict(store.cases[case.id]), len(store.audit)) == before


def test_submit_screens_in_the_same_transaction_and_freezes_the_case(
    services: Services, store: FakeStore
) -> None:
    case = services.cases.create(case_body(), FIOD)
    submitted = services.cases.submit(case.id, 1, FIOD)

    assert submitted.status is Status.SUBMITTED
    version, sealed, verdict = store.screenings[case.id]
    assert version == submitted.version and verdict
    assert "findings" not in sealed, "the stored result is sealed with the case key"
    result = screening.stored_result(store.cases[case.id], KEYS)
    assert result is not None and result["verdict"] == verdict
    with pytest.raises(Conflict):
        services.cases.update(case.id, {"title": "x"}, submitted.version, FIOD)


def test_two_cases_with_the_same_iban_link_by_number_and_agency_only(
    services: Services,
) -> None:
    first = services.cases.create(case_body(), FIOD)
    shared_iban = first.body["assets"][0]["iban"]
    body = case_body()
    body["assets"][0]["iban"] = shared_iban
    second = services.cases.create(body, OM)

    links = services.cases.links(second.id, OM)
    assert {"number": first.number, "agency": "FIOD"} in links[0]["cases"]
    assert links[0]["identifier_type"] == "iban"
    assert services.cases.links(first.id, FIOD)[0]["cases"] == [
        {"number": second.number, "agency": "OM"}
    ]
