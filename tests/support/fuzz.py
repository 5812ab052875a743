"""Fuzzing the API with schemathesis: the suite's bounded run and bench/fuzz.py's long one.

The OpenAPI document is read from the live app (`schemathesis.openapi.from_wsgi`), and every
operation is called in-process against the real Neo4j and Redis as each role, with data that
fits the schema (positive) and data that does not (negative), then in stateful scenarios that
chain operations through the links schemathesis infers from the document (a created case's id
feeds the reads, the patch, the submit...). Each response must not be a server error and must
match the response schema the document declares for its status.

Each role acts as a user of its own, made for the run. The fuzzer may log that user out,
change its password, or (as an admin) deactivate it or reset its password: after a logout or a
password change, or a 401 that `/auth/me` confirms (most 401s are the fuzzer's own mangled
headers), the next request is made as a fresh user, so the run keeps its role.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import schemathesis
from flask import Flask
from hypothesis.stateful import run_state_machine_as_test
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance

from silver.bootstrap import Silver
from silver.services import auth

ROLES = ("caseworker", "screener", "evaluator", "admin")
AGENCY = {"caseworker": "FIOD"}
CHECKS = [not_a_server_error, response_schema_conformance]
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
PASSWORD = "fuzzing-password-of-a-role"


@dataclass(frozen=True)
class Finding:
    """One failed check: where, as whom, and what (deduplicated by these three)."""

    role: str
    operation: str
    message: str
    status: int
    reproduce: str = field(compare=False, hash=False, default="")

    def __str__(self) -> str:
        return (
            f"[{self.role}] {self.operation} -> {self.status}: {self.message}\n  {self.reproduce}"
        )


@dataclass
class Fuzzer:
    """Runs schemathesis cases against `app` as the roles, counting requests and findings."""

    app: Flask
    prefix: str = "fuzz"
    requests: int = 0
    findings: set[Finding] = field(default_factory=set)
    _tokens: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", self.app)
        self.svc: Silver = self.app.extensions["silver"]

    def operations(self) -> list[Any]:
        return [result.ok() for result in self.schema.get_all_operations()]

    # -- identity --------------------------------------------------------------------------
    def _login(self, role: str) -> str:
        username = f"{self.prefix}-{role[:4]}-{uuid.uuid4().hex[:10]}"
        auth.create_user(username, role, AGENCY.get(role), PASSWORD, self.svc.uow())
        response = self.app.test_client().post(
            "/api/v1/auth/token", json={"username": username, "password": PASSWORD}
        )
        assert response.status_code == 200, response.json
        token: str = response.json["access_token"]  # type: ignore[index]
        return token

    def headers(self, role: str) -> dict[str, str]:
        if role == "anonymous":
            return {}
        if role not in self._tokens:
            self._tokens[role] = self._login(role)
        return {"Authorization": f"Bearer {self._tokens[role]}"}

    def _after(self, role: str, case: Any, status: int) -> None:
        self.requests += 1
        if role not in self._tokens:
            return
        ended = (
            status < 300 and case.method == "POST" and case.path.endswith(("/logout", "/password"))
        )
        if status == 401 and not ended:
            # A 401 is most often the fuzzer's own doing (a mangled header); is the token gone?
            me = self.app.test_client().get("/api/v1/auth/me", headers=self.headers(role))
            ended = me.status_code == 401
        if ended:
            del self._tokens[role]

    # -- checks ----------------------------------------------------------------------------
    def _validate(self, role: str, case: Any, response: Any, **kwargs: Any) -> None:
        try:
            case.validate_response(response, checks=CHECKS, **kwargs)
        except FailureGroup as group:
            for failure in group.exceptions:
                detail = " ".join(str(failure.message).split())[:400]
                self._record(role, case, response, f"{failure.title}: {detail}")
        except AssertionError as exc:
            self._record(role, case, response, str(exc).splitlines()[0] if str(exc) else "")

    def _record(self, role: str, case: Any, response: Any, message: str) -> None:
        self.findings.add(
            Finding(
                role=role,
                operation=f"{case.method} {case.operation.path}",
                message=message,
                status=response.status_code,
                reproduce=case.as_curl_command(headers=self.headers(role)),
            )
        )

    def call(self, role: str, case: Any) -> None:
        response = case.call(headers=self.headers(role))
        self._after(role, case, response.status_code)
        self._validate(role, case, response)

    # -- the phases ------------------------------------------------------------------------
    def fuzz(
        self,
        role: str,
        operations: Iterable[Any],
        max_examples: int,
        derandomize: bool,
        modes: Iterable[schemathesis.GenerationMode] = MODES,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        """Each operation with `max_examples` cases of each generation mode."""
        for operation in operations:
            for mode in modes:
                strategy = operation.as_strategy(generation_mode=mode)

                @hypothesis.settings(
                    max_examples=max_examples,
                    derandomize=derandomize,
                    database=None,
                    deadline=None,
                    phases=[hypothesis.Phase.generate],
                    suppress_health_check=list(hypothesis.HealthCheck),
                )
                @hypothesis.given(case=strategy)
                def run(case: Any) -> None:
                    self.call(role, case)

                # Unsatisfiable: nothing to negate (an operation without parameters or body).
                with contextlib.suppress(hypothesis.errors.Unsatisfiable):
                    run()
            if progress:
                progress(f"{role} {operation.label}: {self.requests} requests")

    def stateful(self, role: str, max_examples: int, steps: int, derandomize: bool) -> None:
        """Scenarios of up to `steps` linked calls, `max_examples` of them."""
        fuzzer = self
        machine = self.schema.as_state_machine()

        class Scenario(machine):  # type: ignore[misc, valid-type]
            def get_call_kwargs(self, case: Any) -> dict[str, Any]:
                return {"headers": fuzzer.headers(role)}

            def after_call(self, response: Any, case: Any) -> None:
                super().after_call(response, case)
                fuzzer._after(role, case, response.status_code)

            def validate_response(
                self,
                response: Any,
                case: Any,
                additional_checks: Any = None,
                **kwargs: Any,
            ) -> None:
                fuzzer._validate(role, case, response, recorder=self.recorder)

        run_state_machine_as_test(
            Scenario,
            settings=hypothesis.settings(
                max_examples=max_examples,
                stateful_step_count=steps,
                derandomize=derandomize,
                database=None,
                deadline=None,
                phases=[hypothesis.Phase.generate],
                suppress_health_check=list(hypothesis.HealthCheck),
            ),
        )

    def report(self) -> str:
        lines = [str(f) for f in sorted(self.findings, key=lambda f: (f.operation, f.role))]
        return "\n".join(lines)


def restore_profiles(svc: Silver, before: list[dict[str, Any]]) -> int:
    """Put back the country profiles (and participation) an admin's fuzzing changed; how many."""
    countries = svc.services.countries
    old = {row["code"]: row for row in before}
    changed = [row for row in countries.all() if row["version"] != old[row["code"]]["version"]]
    if not changed:
        return 0
    admin = auth.create_user(
        f"fuzz-restore-{uuid.uuid4().hex[:10]}", "admin", None, PASSWORD, svc.uow()
    )
    for row in changed:
        was = old[row["code"]]
        profile = {
            k: v for k, v in was["profile"].items() if k not in ("reviewed_by", "reviewed_at")
        }
        changes = {**profile, "participant": was["participant"]}
        countries.update(row["code"], changes, row["version"], admin)
    return len(changed)
