"""People management for admins: list, read and change users (role, agency, active), and
reset a forgotten password. Users are created with the CLI or the admin page."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.bodies import Blueprint
from api.cases.routes import if_match
from api.extensions import services
from api.security import BEARER, current_user, requires
from api.users.schemas import PasswordResetSchema, UserPatchSchema, UserSchema
from silver.domain.users import Role, User

blp = Blueprint(
    "users",
    __name__,
    url_prefix="/api/v1/users",
    description="People management (admins): roles, agencies, deactivation, password resets",
)
_ETAG = {"ETag": {"schema": {"type": "string"}}}
_IF_MATCH = [{"in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"}}]


def render(user: User) -> dict[str, Any]:
    """A user as the API shows it: never the password hash."""
    return {
        "username": user.username,
        "role": user.role.value,
        "agency": user.agency.value if user.agency else None,
        "active": user.active,
        "must_change_password": user.must_change_password,
        "locked_until": user.locked_until,
        "last_login_at": user.last_login_at,
        "version": user.version,
    }


def _etag(user: User) -> str:
    return f'"{user.version}"'


@blp.route("")
@blp.doc(security=BEARER)
@blp.response(200, UserSchema(many=True))
@requires(Role.ADMIN)
def list_users() -> Any:
    """Every user, by username."""
    return [render(u) for u in services().users.all(current_user())]


@blp.route("/<string:username>")
class OneUser(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, UserSchema, headers=_ETAG)
    @requires(Role.ADMIN)
    def get(self, username: str) -> Any:
        """One user; the ETag guards a later PATCH."""
        user = services().users.get(current_user(), username)
        return render(user), 200, {"ETag": _etag(user)}

    @blp.doc(security=BEARER, parameters=_IF_MATCH)
    @blp.arguments(UserPatchSchema)
    @blp.response(200, UserSchema, headers=_ETAG)
    @blp.alt_response(
        409, description="The last active admin cannot lose the role or be deactivated"
    )
    @blp.alt_response(412, description="The If-Match ETag is stale")
    @blp.alt_response(428, description="If-Match is missing")
    @requires(Role.ADMIN)
    def patch(self, changes: dict[str, Any], username: str) -> Any:
        """Change the role, agency and/or `active` of a user, against the version read.
        Deactivating revokes the user's tokens: they stop working at once. Audited."""
        user = services().users.update(current_user(), username, changes, if_match())
        return render(user), 200, {"ETag": _etag(user)}


@blp.route("/<string:username>/password-reset", methods=["POST"])
@blp.doc(security=BEARER)
@blp.response(200, PasswordResetSchema, headers={"Cache-Control": {"schema": {"type": "string"}}})
@requires(Role.ADMIN)
def password_reset(username: str) -> Any:
    """A one-time password for a user who forgot theirs, shown in this answer only. The user's
    tokens are revoked, the account unlocked, and the user must change the password before
    getting a token (the token endpoint answers 403 until then). Audited."""
    reset = services().users.reset_password(current_user(), username)
    body = {
        "username": reset.user.username,
        "one_time_password": reset.one_time_password,
        "must_change_password": True,
    }
    return body, 200, {"Cache-Control": "no-store"}
