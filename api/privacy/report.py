"""The access report as a letter (HTML, and the PDF made from it): in Dutch, with the legal
wording an answer to an access request (LED art. 14, as implemented in the Wpg and Wjsg)
needs. Self-contained: no scripts, no external resources."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

_env = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

FIELD_NAMES = {
    "key": "sleutel",
    "kind": "soort",
    "role": "rol",
    "full_name": "volledige naam",
    "aliases": "aliassen",
    "date_of_birth": "geboortedatum",
    "nationalities": "nationaliteiten",
    "residence_country": "land van verblijf",
    "refugee_status": "vluchtelingenstatus",
    "identifiers": "identiteitsdocumenten",
    "remarks": "opmerkingen",
    "justification": "rechtvaardiging",
    "name": "naam",
    "registration_number": "registratienummer",
    "jurisdiction": "jurisdictie",
    "lei": "LEI",
}


def _value(value: Any) -> str:
    if value is None or value == []:
        return "\N{EN DASH}"
    if isinstance(value, list):
        return "; ".join(_value(v) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_value(v)}" for k, v in value.items() if v is not None)
    return str(value)


def render_subject_report(report: Mapping[str, Any]) -> str:
    subject = report["subject"]
    rows = [(FIELD_NAMES.get(k, k), _value(v)) for k, v in subject.items()]
    return _env.get_template("subject_report.html").render(r=report, rows=rows, value=_value)
