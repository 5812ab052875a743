from __future__ import annotations

from dataclasses import asdict
from typing import Any

from api.bodies import Blueprint
from api.extensions import services
from api.reference.schemas import DatasetListSchema
from api.security import BEARER, requires
from silver.domain.users import Role

blp = Blueprint(
    "reference",
    __name__,
    url_prefix="/api/v1/reference",
    description="Public FollowTheMoney reference data that cases are matched and traced against",
)


@blp.route("/datasets")
@blp.doc(security=BEARER)
@blp.response(200, DatasetListSchema)
@requires(Role.CASEWORKER, Role.SCREENER, Role.ADMIN)
def list_datasets() -> Any:
    """The reference datasets loaded with `flask --app wsgi reference import`."""
    return {"items": [asdict(d) for d in services().reference.datasets()]}
