"""The screener's decision policy (screening/decisions.py): every rule of
`POST /api/v1/cases/{id}/decisions`, without services."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening import QuotaState
from screening.decisions import (
    GENERAL_SECRETARIAT,
    REASON_CODES,
    DecisionRequest,
    FirstApproval,
    rule_on,
)
from silver.domain.errors import Conflict, ValidationFailed
from tests.unit.test_screening_fixtures import organisation, person, run, valid_case

# Russia is prohibited for a subject with refugee status from Russia.
REFUGEE_FROM_RU = valid_case(subjects=[person(refugee_status={"country_of_origin": "RU"})])


def approve(**fields: Any) -> DecisionRequest:
    return DecisionRequest(decision="approve", **fields)


def test_a_clear_diffusion_to_an_eu_country_is_approved_by_one_screener() -> None:
    ruling = rule_on(
        approve(instrument="diffusion", countries=("ES",)), run(valid_case()), actor="a"
    )
    assert ruling.outcome == "approved"
    assert ruling.stage == "single"
    assert ruling.recipients == ("ES",)
    assert ruling.transfer_bases == {"ES": "eu_member"}
    assert ruling.four_eyes_reasons == ()


def test_a_block_finding_refuses_approval_naming_the_rule() -> None:
    case = valid_case(max_penalty_years=2)
    with pytest.raises(Conflict, match=r"CASE\.PENALTY_THRESHOLD"):
        rule_on(approve(instrument="diffusion", countries=("ES",)), run(case), actor="a")


def test_a_used_up_quota_refuses_approval() -> None:
    with pytest.raises(Conflict, match=r"INTERPOL\.QUOTA"):
        rule_on(
            approve(instrument="diffusion", countries=("ES",)),
            run(valid_case(), quota=QuotaState(limit=9, used=9)),
            actor="a",
        )


def test_an_unacknowledged_warning_refuses_approval_naming_the_rule() -> None:
    case = valid_case(subjects=[person(), organisation()])
    with pytest.raises(Conflict, match=r"GDPR\.THIRD_PARTY"):
        rule_on(approve(instrument="diffusion", countries=("ES",)), run(case), actor="a")


def test_an_acknowledged_warning_needs_a_second_screener() -> None:
    case = valid_case(subjects=[person(), organisation()])
    ruling = rule_on(
        approve(
            instrument="diffusion", countries=("ES",), acknowledged_rules=("GDPR.THIRD_PARTY",)
        ),
        run(case),
        actor="a",
    )
    assert ruling.outcome == "awaiting_second_approval"
    assert ruling.stage == "first"
    assert any("GDPR.THIRD_PARTY" in reason for reason in ruling.four_eyes_reasons)


def test_an_unknown_acknowledged_rule_is_a_validation_error() -> None:
    with pytest.raises(ValidationFailed) as err:
        rule_on(
            approve(instrument="diffusion", countries=("ES",), acknowledged_rules=("NOPE",)),
            run(valid_case()),
            actor="a",
        )
    assert "acknowledged_rules" in err.value.errors


def test_a_high_risk_country_needs_four_eyes_and_a_confirmed_transfer_basis() -> None:
    result = run(valid_case(target_countries=["BR"]))
    with pytest.raises(ValidationFailed) as err:
        rule_on(approve(instrument="diffusion", countries=("BR",)), result, actor="a")
    assert "transfer_bases.BR" in err.value.errors
    assert "appropriate_safeguards" in err.value.errors["transfer_bases.BR"][0]
    ruling = rule_on(
        approve(
            instrument="diffusion",
            countries=("BR",),
            transfer_bases={"BR": "appropriate_safeguards"},
        ),
        result,
        actor="a",
    )
    assert ruling.outcome == "awaiting_second_approval"
    assert "BR is a high-risk country" in ruling.four_eyes_reasons[0]
    assert ruling.transfer_bases == {"BR": "appropriate_safeguards"}


def test_a_transfer_basis_the_country_does_not_allow_is_refused() -> None:
    with pytest.raises(ValidationFailed) as err:
        rule_on(
            approve(instrument="diffusion", countries=("US",), transfer_bases={"US": "adequacy"}),
            run(valid_case()),
            actor="a",
        )
    assert "'adequacy' is not available for US" in err.value.errors["transfer_bases.US"][0]


def test_the_uk_transfers_under_its_adequacy_decision() -> None:
    ruling = rule_on(
        approve(instrument="diffusion", countries=("GB",), transfer_bases={"GB": "adequacy"}),
        run(valid_case()),
        actor="a",
    )
    assert ruling.transfer_bases == {"GB": "adequacy"}
    assert ruling.outcome == "approved"


def test_a_prohibited_country_is_refused_with_its_reason() -> None:
    with pytest.raises(ValidationFailed) as err:
        rule_on(
            approve(instrument="diffusion", countries=("RU", "ES")),
            run(REFUGEE_FROM_RU),
            actor="a",
        )
    [message] = err.value.errors["countries"]
    assert message.startswith("RU: prohibited for this case")
    assert "MISUSE.REFUGEE" in message


def test_a_non_participant_is_refused() -> None:
    case = valid_case(target_countries=["CH"])
    with pytest.raises(ValidationFailed) as err:
        rule_on(approve(instrument="diffusion", countries=("CH",)), run(case), actor="a")
    assert err.value.errors["countries"] == [
        "CH: not a participant of the pilot (MISUSE.NOT_PARTICIPANT)"
    ]


def test_the_netherlands_is_never_a_recipient() -> None:
    with pytest.raises(ValidationFailed) as err:
        rule_on(approve(instrument="diffusion", countries=("NL",)), run(valid_case()), actor="a")
    assert "requester" in err.value.errors["countries"][0]


def test_a_diffusion_needs_countries_and_an_instrument_is_required() -> None:
    with pytest.raises(ValidationFailed) as err:
        rule_on(approve(instrument="diffusion"), run(valid_case()), actor="a")
    assert "countries" in err.value.errors
    with pytest.raises(ValidationFailed) as err:
        rule_on(approve(countries=("ES",)), run(valid_case()), actor="a")
    assert "instrument" in err.value.errors


def test_a_notice_is_refused_when_any_participant_is_prohibited() -> None:
    with pytest.raises(ValidationFailed) as err:
        rule_on(approve(instrument="notice"), run(REFUGEE_FROM_RU), actor="a")
    [message] = err.value.errors["instrument"]
    assert "RU (MISUSE.REFUGEE" in message
    assert "diffusion" in message


def test_a_notice_goes_to_the_general_secretariat_and_reaches_every_participant() -> None:
    result = run(valid_case())
    third = {
        c.country: c.allowed_transfer_bases[0]
        for c in result.countries
        if c.participant and c.transfer_basis != "eu_member"
    }
    ruling = rule_on(approve(instrument="notice", transfer_bases=third), result, actor="a")
    assert ruling.recipients == (GENERAL_SECRETARIAT,)
    assert set(ruling.reached) == {c.country for c in result.countries if c.participant}
    assert "NL" not in ruling.reached
    # Many participants are high-risk, so a notice always needs four eyes with the seed data.
    assert ruling.outcome == "awaiting_second_approval"


def test_a_notice_with_countries_is_a_validation_error() -> None:
    with pytest.raises(ValidationFailed) as err:
        rule_on(approve(instrument="notice", countries=("ES",)), run(valid_case()), actor="a")
    assert "countries" in err.value.errors


@pytest.mark.parametrize("decision", ["reject", "return"])
def test_reject_and_return_need_reason_codes_and_a_justification(decision: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        rule_on(DecisionRequest(decision=decision), run(valid_case()), actor="a")  # type: ignore[arg-type]
    assert set(err.value.errors) == {"reason_codes", "justification"}
    with pytest.raises(ValidationFailed) as err:
        rule_on(
            DecisionRequest(decision=decision, reason_codes=("BOGUS",), justification="x"),  # type: ignore[arg-type]
            run(valid_case()),
            actor="a",
        )
    assert "BOGUS" in err.value.errors["reason_codes"][0]


def test_a_return_is_possible_even_while_a_block_stands() -> None:
    ruling = rule_on(
        DecisionRequest(
            decision="return", reason_codes=("PENALTY_THRESHOLD",), justification="Below 4 years."
        ),
        run(valid_case(max_penalty_years=2)),
        actor="a",
    )
    assert ruling.outcome == "returned"


def _first(by: str = "a") -> FirstApproval:
    return FirstApproval(
        by=by,
        instrument="diffusion",
        countries=("BR",),
        acknowledged_rules=(),
        transfer_bases={"BR": "appropriate_safeguards"},
    )


def test_the_same_screener_cannot_give_the_second_approval() -> None:
    result = run(valid_case(target_countries=["BR"]))
    with pytest.raises(Conflict, match="different screener"):
        rule_on(approve(), result, actor="a", first=_first("a"))


def test_a_second_screener_confirms_the_first_approval() -> None:
    result = run(valid_case(target_countries=["BR"]))
    ruling = rule_on(approve(), result, actor="b", first=_first("a"))
    assert ruling.outcome == "approved"
    assert ruling.stage == "second"
    assert ruling.recipients == ("BR",)


def test_a_second_approval_cannot_change_the_countries() -> None:
    result = run(valid_case(target_countries=["BR"]))
    with pytest.raises(Conflict, match="confirms them as they are"):
        rule_on(approve(countries=("ES",)), result, actor="b", first=_first("a"))


def test_a_second_approval_is_refused_when_the_quota_ran_out_meanwhile() -> None:
    result = run(valid_case(target_countries=["BR"]), quota=QuotaState(limit=9, used=9))
    with pytest.raises(Conflict, match=r"INTERPOL\.QUOTA"):
        rule_on(approve(), result, actor="b", first=_first("a"))


def test_target_countries_left_out_for_their_risk_are_recorded() -> None:
    result = run(REFUGEE_FROM_RU | {"target_countries": ["ES", "RU", "CH"]})
    ruling = rule_on(
        approve(instrument="diffusion", countries=("ES",)),
        result,
        actor="a",
        target_countries=("ES", "RU", "CH"),
    )
    kept = {(k.country, k.rule) for k in ruling.kept_out}
    assert ("RU", "MISUSE.REFUGEE") in kept
    assert ("CH", "MISUSE.NOT_PARTICIPANT") in kept
    assert all(k.country != "ES" for k in ruling.kept_out)


def test_the_reason_codes_are_the_contract_list() -> None:
    assert REASON_CODES == (
        "INSUFFICIENT_DATA", "PENALTY_THRESHOLD", "GDPR_SPECIAL_CATEGORY", "GDPR_NATIONAL_ID",
        "GDPR_MINOR", "GDPR_MINIMISATION", "GDPR_THIRD_PARTY", "MISUSE_RISK", "ART3_NEUTRALITY",
        "NOT_PROPORTIONATE", "QUOTA", "OTHER",
    )  # fmt: skip


_RESULT_RU = run(REFUGEE_FROM_RU)
_ALLOWED = sorted(
    c.country for c in _RESULT_RU.countries if c.participant and c.risk != "prohibited"
)
_PROHIBITED = sorted(c.country for c in _RESULT_RU.countries if c.risk == "prohibited")


@settings(max_examples=60, deadline=None)
@given(
    chosen=st.lists(st.sampled_from(_ALLOWED), min_size=0, max_size=6, unique=True),
    bad=st.sampled_from(_PROHIBITED),
    position=st.integers(min_value=0, max_value=6),
)
def test_adding_a_prohibited_country_never_makes_an_approval_possible(
    chosen: list[str], bad: str, position: int
) -> None:
    countries = list(chosen)
    countries.insert(min(position, len(countries)), bad)
    bases = {c: row.allowed_transfer_bases[0] for c in countries if (row := _RESULT_RU.country(c))}
    with pytest.raises(ValidationFailed) as err:
        rule_on(
            approve(instrument="diffusion", countries=tuple(countries), transfer_bases=bases),
            _RESULT_RU,
            actor="a",
        )
    assert any(message.startswith(f"{bad}: ") for message in err.value.errors["countries"])
