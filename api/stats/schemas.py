"""Statistics schemas: the query (validated, unknown parameters rejected) and the document.

The document's `sections` are described from `silver.domain.stats.catalogue.SECTIONS`, the
catalogue the figures are built from, so the OpenAPI description cannot drift from what is
returned.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.schemas import BaseSchema
from silver.domain.stats.catalogue import AUDIENCES, SECTIONS

FORMATS = ("json", "csv", "pdf", "ods", "xlsx")
REPORT_FORMATS = ("html", "pdf")


def _sections_description() -> str:
    lines = [
        "The figures, as `sections[section][dimension][key][metric]`; the CSV has one row per "
        "figure with the same names. Every section except `time_to_decision` has a dimension "
        "`total` with the single key `all`. A count is an integer; an amount in EUR "
        '(`*value_eur`) a decimal string such as `"1250.00"`, and beside it `unconverted`, '
        "the amounts per currency the rate table lacks; a median or rate a number or null when "
        "there is nothing to measure. With `audience=public` a count from 1 to "
        '`suppress_below - 1` is the string `"<5"` (with the configured threshold); any other '
        "figure drawn from 1 to `suppress_below - 1` cases, computed from a hidden count, or "
        "hidden so that a hidden figure cannot be derived by subtraction from a total, is the "
        'string `"suppressed"`. The CSV starts with rows of section `about`: `period_from`, '
        "`period_to`, `audience`, `generated_at`, `suppress_below`, `rates_date`, "
        "`rates_source`. Sections:",
        "",
    ]
    for s in SECTIONS:
        lines.append(
            f"- `{s.name}` ({', '.join(f'`{d}`' for d in s.dimensions)}; "
            f"metrics {', '.join(f'`{m}`' for m in s.metrics)}): {s.about}"
        )
    return "\n".join(lines)


class PeriodSchema(Schema):
    from_ = fields.String(
        attribute="from", data_key="from", allow_none=True, metadata={"format": "date"}
    )
    to = fields.String(allow_none=True, metadata={"format": "date"})


class StatsQuerySchema(BaseSchema):
    from_ = fields.Date(
        data_key="from",
        load_default=None,
        metadata={
            "description": "First day (UTC) of the period, inclusive: cases created on or after it."
        },
    )
    to = fields.Date(
        load_default=None,
        metadata={"description": "Last day (UTC) of the period, inclusive."},
    )
    audience = fields.String(
        load_default=None,
        validate=validate.OneOf(AUDIENCES),
        metadata={
            "description": "`public` suppresses small counts (figures for parliament) and "
            "needs a window of at least a month (422 naming `from` otherwise). Default: "
            "`public` for an evaluator, `internal` for an admin."
        },
    )

    @validates_schema
    def _ordered(self, data: Mapping[str, Any], **_: Any) -> None:
        start, end = data.get("from_"), data.get("to")
        if start and end and start > end:
            raise ValidationError("must not be after `to`", "from")


class StatsFormatQuerySchema(StatsQuerySchema):
    format = fields.String(
        load_default="json",
        validate=validate.OneOf(FORMATS),
        metadata={
            "description": "`csv`: a tidy long table `section,dimension,key,metric,value`; "
            "`ods` (OpenDocument) and `xlsx`: the same rows as a spreadsheet (counts and "
            "amounts as numbers, suppressed figures as text); `pdf`: the report with its "
            "charts, as `GET /stats/pilot/report?format=pdf`."
        },
    )


class ReportQuerySchema(StatsQuerySchema):
    format = fields.String(
        load_default="html",
        validate=validate.OneOf(REPORT_FORMATS),
        metadata={"description": "`html` (default) or `pdf` (A4, charts included)."},
    )


class RatesSchema(Schema):
    date = fields.String(
        metadata={"format": "date", "description": "The date of the reference rates."}
    )
    source = fields.String(metadata={"description": "Where the rates come from."})


class PilotStatsSchema(Schema):
    period = fields.Nested(
        PeriodSchema, metadata={"description": "The period asked for (null: open)."}
    )
    audience = fields.String(validate=validate.OneOf(AUDIENCES))
    generated_at = fields.String(metadata={"format": "date-time"})
    suppress_below = fields.Integer(
        allow_none=True,
        metadata={"description": "The suppression threshold of a public document, else null."},
    )
    rates = fields.Nested(RatesSchema, metadata={"description": "The EUR rate table used."})
    sections = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(
            keys=fields.String(),
            values=fields.Dict(keys=fields.String(), values=fields.Dict(keys=fields.String())),
        ),
        metadata={"description": _sections_description()},
    )
