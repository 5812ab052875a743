from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.bodies import Blueprint
from api.cases.routes import if_match
from api.countries.schemas import (
    CountryListQuerySchema,
    CountrySchema,
    ProfileChangeSchema,
    ProfileFieldsSchema,
)
from api.extensions import services
from api.security import BEARER, current_user, requires
from silver.domain.users import Role

blp = Blueprint(
    "countries",
    __name__,
    url_prefix="/api/v1/countries",
    description="Every ISO country, the pilot's participants and their misuse-risk profiles",
)


def _etag(country: dict[str, Any]) -> str:
    return f'"{country["version"]}"'


@blp.route("")
@blp.doc(security=BEARER)
@blp.arguments(CountryListQuerySchema, location="query")
@blp.response(
    200, CountrySchema(many=True), headers={"X-Total-Count": {"schema": {"type": "integer"}}}
)
@requires()
def list_countries(query: dict[str, Any]) -> Any:
    """Every ISO 3166-1 country (all of them on one page by default); `participant` filters."""
    rows = services().countries.all(query["participant"])
    start = (query["page"] - 1) * query["page_size"]
    return rows[start : start + query["page_size"]], 200, {"X-Total-Count": str(len(rows))}


@blp.route("/<string:code>")
@blp.doc(security=BEARER)
@blp.response(200, CountrySchema, headers={"ETag": {"schema": {"type": "string"}}})
@requires()
def get_country(code: str) -> Any:
    """One country and its profile; the ETag guards a later PUT."""
    country = services().countries.get(code)
    return country, 200, {"ETag": _etag(country)}


@blp.route("/<string:code>/profile")
class Profile(MethodView):
    @blp.doc(
        security=BEARER,
        parameters=[
            {"in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"}}
        ],
    )
    @blp.arguments(ProfileFieldsSchema)
    @blp.response(200, CountrySchema, headers={"ETag": {"schema": {"type": "string"}}})
    @blp.alt_response(412, description="The If-Match ETag is stale")
    @blp.alt_response(428, description="If-Match is missing")
    @requires(Role.SCREENER, Role.ADMIN)
    def put(self, changes: dict[str, Any], code: str) -> Any:
        """Review a profile: the indicators given replace the stored ones, the others stay;
        `reviewed_by` and `reviewed_at` are set by the server. Only an admin changes
        `participant`. Every version is kept (GET .../profile/history)."""
        country = services().countries.update(code, changes, if_match(), current_user())
        return country, 200, {"ETag": _etag(country)}


@blp.route("/<string:code>/profile/history")
@blp.doc(security=BEARER)
@blp.response(200, ProfileChangeSchema(many=True))
@requires(Role.SCREENER, Role.ADMIN)
def profile_history(code: str) -> Any:
    """Every reviewed version of the profile, newest first."""
    return services().countries.history(code)
