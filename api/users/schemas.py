from __future__ import annotations

from marshmallow import fields, validate

from api.schemas import BaseSchema
from silver.domain.users import Agency, Role


class UserSchema(BaseSchema):
    username = fields.String(required=True)
    role = fields.String(required=True, metadata={"enum": [r.value for r in Role]})
    agency = fields.String(allow_none=True, metadata={"enum": [a.value for a in Agency]})
    active = fields.Boolean(metadata={"description": "False: the user cannot log in"})
    must_change_password = fields.Boolean(
        metadata={"description": "True after a reset, until the user chose a new password"}
    )
    locked_until = fields.DateTime(
        allow_none=True, metadata={"description": "Locked after repeated failed logins"}
    )
    last_login_at = fields.DateTime(allow_none=True)
    version = fields.Integer(metadata={"description": "Also the ETag; send it in If-Match"})


class UserPatchSchema(BaseSchema):
    role = fields.String(validate=validate.OneOf([r.value for r in Role]))
    agency = fields.String(
        allow_none=True,
        validate=validate.OneOf([a.value for a in Agency]),
        metadata={
            "description": "Caseworkers only; another role drops the agency unless one is sent "
            "(which is then refused)"
        },
    )
    active = fields.Boolean(
        metadata={"description": "false deactivates: the user's tokens stop working at once"}
    )


class PasswordResetSchema(BaseSchema):
    username = fields.String(required=True)
    one_time_password = fields.String(
        required=True,
        metadata={
            "description": "Shown this once: hand it to the user, who must change it at their "
            "next login (POST /api/v1/auth/password)"
        },
    )
    must_change_password = fields.Boolean(required=True)
