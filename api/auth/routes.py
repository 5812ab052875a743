from __future__ import annotations

from typing import Any

from api.auth.schemas import MeSchema, PasswordChangeSchema, TokenRequestSchema, TokenSchema
from api.bodies import Blueprint
from api.extensions import services
from api.limits import client_address
from api.security import BEARER, bearer_token, current_user, public, requires

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Identity and tokens")


@blp.route("/token", methods=["POST"])
@blp.arguments(TokenRequestSchema)
@blp.response(200, TokenSchema)
@blp.alt_response(401, description="Unknown username or wrong password")
@blp.alt_response(403, description="The password was reset: change it first (POST /password)")
@blp.alt_response(
    429,
    description="Too many failed logins from this address or for this username (the same "
    "answer whether the username exists or not); see Retry-After",
)
@public
def issue_token(body: dict[str, str]) -> dict[str, Any]:
    issued = services().users.issue_token(body["username"], body["password"], client_address())
    return {
        "access_token": issued.access_token,
        "token_type": "Bearer",
        "expires_in": issued.expires_in,
    }


@blp.route("/password", methods=["POST"])
@blp.arguments(PasswordChangeSchema)
@blp.response(200, TokenSchema)
@blp.alt_response(401, description="Unknown username or wrong current password")
@blp.alt_response(422, description="The new password is too short or the current one")
@blp.alt_response(429, description="Locked after repeated failures; see Retry-After")
@public
def change_password(body: dict[str, str]) -> dict[str, Any]:
    """Change your password (and the one-time password an admin gave you after a reset, which
    must be changed before the token endpoint gives a token). The current password is checked
    as a login is; every token of yours is revoked, and the answer is a fresh token."""
    issued = services().users.change_password(
        body["username"], body["current_password"], body["new_password"], client_address()
    )
    return {
        "access_token": issued.access_token,
        "token_type": "Bearer",
        "expires_in": issued.expires_in,
    }


@blp.route("/logout", methods=["POST"])
@blp.doc(security=BEARER)
@blp.response(204)
@requires()
def logout() -> None:
    services().users.revoke(bearer_token(), current_user())


@blp.route("/me", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, MeSchema)
@requires()
def me() -> dict[str, Any]:
    return current_user().public()
