from __future__ import annotations

from typing import Any

from flask import Response, json
from flask.views import MethodView

from api.bodies import Blueprint
from api.dissemination.schemas import (
    AnswersDueSchema,
    DisseminationSchema,
    DueQuerySchema,
    OutcomeBodySchema,
    OutcomeSchema,
    OverdueQuerySchema,
    OverdueSchema,
    SigningKeySchema,
)
from api.extensions import services
from api.security import BEARER, current_user, public, requires
from silver.domain.users import Role
from silver.infra.jose import JWK_SET_MEDIA_TYPE

blp = Blueprint(
    "dissemination",
    __name__,
    url_prefix="/api/v1",
    description="Signed messages to the recipients, and the countries' answers",
)


@blp.route("/cases/<string:case_id>/disseminations", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, DisseminationSchema(many=True))
@requires(Role.CASEWORKER, Role.SCREENER)
def disseminations(case_id: str) -> Any:
    """One row per recipient: status, attempts, the last error, when it was sent and when an
    answer is due."""
    return services().disseminations.of(case_id, current_user())


@blp.route("/cases/<string:case_id>/disseminations/<string:recipient>/retry", methods=["POST"])
@blp.doc(security=BEARER)
@blp.response(202, DisseminationSchema)
@blp.alt_response(409, description="The dissemination has not failed")
@requires(Role.SCREENER)
def retry(case_id: str, recipient: str) -> Any:
    """Send a failed recipient's message again (the same message and message id)."""
    return services().disseminations.retry(case_id, recipient, current_user()), 202


@blp.route("/disseminations", methods=["GET"])
@blp.doc(security=BEARER)
@blp.arguments(OverdueQuerySchema, location="query")
@blp.response(200, OverdueSchema(many=True))
@requires(Role.CASEWORKER, Role.SCREENER)
def overdue(query: dict[str, Any]) -> Any:
    """Recipients whose answer is overdue: across the caseworker's agency's cases (a screener:
    all cases)."""
    return services().disseminations.overdue(current_user())


@blp.route("/disseminations/due", methods=["GET"])
@blp.doc(security=BEARER)
@blp.arguments(DueQuerySchema, location="query")
@blp.response(200, AnswersDueSchema)
@requires(Role.CASEWORKER, Role.SCREENER)
def answers_due(query: dict[str, Any]) -> Any:
    """The answers to chase: recipients whose answer is overdue or due within `within_days`,
    across the caseworker's agency's cases (a screener: all cases), earliest first, and the
    same counted by country and by case."""
    return services().disseminations.due(current_user(), query["within_days"])


@blp.route("/signing-key", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, SigningKeySchema)
@requires()
def signing_key() -> Any:
    """The public key that verifies every message Silver sends."""
    signing = services().signing_keys.current().current
    return {
        "key_id": signing.key_id,
        "algorithm": "Ed25519",
        "public_key_pem": signing.public_pem(),
    }


_JWKS_EXAMPLE = {
    "keys": [
        {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
            "kid": "ed25519-0f1e2d3c4b5a6978",
            "alg": "EdDSA",
            "use": "sig",
        }
    ]
}


@blp.route("/signing-keys.jwks", methods=["GET"])
@blp.doc(
    responses={
        200: {
            "description": "The JWK set",
            "content": {
                JWK_SET_MEDIA_TYPE: {"schema": {"type": "object"}, "example": _JWKS_EXAMPLE}
            },
        }
    },
)
@public
def signing_keys_jwks() -> Any:
    """Every public key that verifies a message Silver sent, as a JWK set (RFC 7517): the
    current key first, then the keys it replaced. No token needed: recipients verify a
    message's detached JWS (`X-Silver-JWS`, or `<id>.jws` in the outbox) with it, by the
    `kid` in the JWS header, using any JOSE library."""
    body = json.dumps(services().signing_keys.jwks())
    return Response(
        body, mimetype=JWK_SET_MEDIA_TYPE, headers={"Cache-Control": "public, max-age=300"}
    )


@blp.route("/cases/<string:case_id>/outcomes")
class Outcomes(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(OutcomeBodySchema)
    @blp.response(201, OutcomeSchema)
    @requires(Role.CASEWORKER, Role.SCREENER)
    def post(self, body: dict[str, Any], case_id: str) -> Any:
        """Record a country's answer (owning caseworker or screener). Only a country that
        received the case can answer (422 otherwise); a `new_asset` is validated like intake."""
        return services().outcomes.record(case_id, body, current_user())

    @blp.doc(security=BEARER)
    @blp.response(200, OutcomeSchema(many=True))
    @requires(Role.CASEWORKER, Role.SCREENER)
    def get(self, case_id: str) -> Any:
        """Every answer, in the order reported."""
        return services().outcomes.of(case_id, current_user())
