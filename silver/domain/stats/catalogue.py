"""What the statistics count: the sections with their breakdowns and metrics, and the codes a
figure's key may be. The catalogue is also what the API's schema describes, so the OpenAPI
document cannot drift from what is returned."""

from __future__ import annotations

import re
from dataclasses import dataclass

AUDIENCES = ("internal", "public")
AGENCIES = ("FIOD", "OM", "POLITIE")
FUNNEL = ("proposed", "submitted", "returned", "rejected", "approved", "disseminated", "closed")
RESULTS = ("no_information", "asset_located", "frozen", "seized", "confiscated", "returned")
DECISION_TIMES = ("first_decision", "final_decision")
# The country rules whose risk (prohibited or high) can keep a country out (DOMAIN.md).
KEEP_OUT_RULES = (
    "MISUSE.NOT_PARTICIPANT",
    "MISUSE.DEATH_PENALTY",
    "MISUSE.REFUGEE",
    "MISUSE.HUMAN_RIGHTS",
    "MISUSE.CORRUPTION",
    "MISUSE.SUBJECT_TIES",
)
TOTAL, ALL = "total", "all"
SUPPRESSED = "suppressed"
# The key of anything the graph holds that is not a known code (it could be free text).
UNRECOGNISED = "unrecognised"

# Keys taken from the graph must look like codes, or they are never repeated.
COUNTRY_CODE = re.compile(r"[A-Z]{2}")
CURRENCY_CODE = re.compile(r"[A-Z]{3}")
CODE = re.compile(r"[A-Z][A-Z0-9_.]{0,63}")

# The address of a figure: (section, dimension, key, metric).
Ref = tuple[str, str, str, str]


@dataclass(frozen=True)
class Section:
    """One section of the output: what it counts, its breakdowns and its figures."""

    name: str
    title: str
    about: str
    dimensions: tuple[str, ...]
    metrics: tuple[str, ...]


SECTIONS: tuple[Section, ...] = (
    Section(
        "funnel",
        "Funnel",
        "Cases proposed in the period, and how many of them reached each stage: submitted "
        "(ever), returned or rejected (by at least one such decision), approved, disseminated, "
        "closed. By agency.",
        (TOTAL, "agency"),
        FUNNEL,
    ),
    Section(
        "crime_types",
        "Crime types",
        "Cases by crime type (a case may have several, so the rows add up to more than the total).",
        (TOTAL, "crime_type"),
        ("proposed", "submitted", "approved"),
    ),
    Section(
        "asset_types",
        "Assets named in the cases",
        "Assets of the period's cases (named by caseworkers or reported by countries) by type, "
        "the cases with at least one, and their estimated value in EUR (amounts without a rate "
        "under `unconverted`).",
        (TOTAL, "asset_type"),
        ("assets", "cases", "estimated_value_eur", "unconverted"),
    ),
    Section(
        "reasons",
        "Why cases did not pass screening",
        "Reject and return decisions by reason code (a decision may give several codes).",
        (TOTAL, "reason"),
        ("rejections", "returns"),
    ),
    Section(
        "countries",
        "Recipient countries",
        "Per participating country (the Netherlands excepted): cases it received (a notice or "
        "diffusion sent or acknowledged reached it), cases it answered with at least one "
        "outcome, the response rate (responded / received, 4 decimals) and the median days "
        "from the sending to its first answer.",
        (TOTAL, "country"),
        ("received", "responded", "response_rate", "median_days_to_first_response"),
    ),
    Section(
        "asset_results",
        "Asset results",
        "Outcomes reported by the countries, by stage and by country, with their value in EUR "
        "(amounts without a rate under `unconverted`).",
        (TOTAL, "stage", "country"),
        ("outcomes", "value_eur", "unconverted"),
    ),
    Section(
        "time_to_decision",
        "Time from submission to decision",
        "Days (2 decimals) from a case's first submission to its first decision of any kind, "
        "and to its final decision (the approval, or the rejection): cases, median and 90th "
        "percentile.",
        ("until",),
        ("cases", "median_days", "p90_days"),
    ),
    Section(
        "quota",
        "Quota",
        "The pilot's quota of notices and diffusions for the Netherlands: the limit, the "
        "approved cases of the whole pilot (each approved notice or diffusion counts one; the "
        "quota is the pilot's, so this ignores the period and counts purged cases too) and "
        "what remains; `used_in_period` counts the period's approved cases.",
        (TOTAL,),
        ("limit", "used", "remaining", "used_in_period"),
    ),
    Section(
        "kept_out",
        "Misuse risk kept a country out",
        "Target countries an approval did not reach because of a prohibited or high misuse "
        "risk: (case, country) pairs and cases in total, by rule (a country may be kept out by "
        "several rules) and by country.",
        (TOTAL, "rule", "country"),
        ("kept_out", "cases"),
    ),
    Section(
        "overdue",
        "Overdue answers",
        "(case, country) pairs that have not answered although the notice is flagged overdue "
        "or was sent and is past its due time.",
        (TOTAL, "country"),
        ("overdue",),
    ),
    Section(
        "months",
        "Over time",
        "Per month (UTC): cases proposed (by creation), and final approvals, rejections and "
        "returns decided (by decision time) on the period's cases.",
        (TOTAL, "month"),
        ("proposed", "approvals", "rejections", "returns"),
    ),
)
SECTION_NAMES = tuple(s.name for s in SECTIONS)
