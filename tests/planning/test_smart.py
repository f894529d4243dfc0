"""The SMART check: per criterion, what is missing."""

from __future__ import annotations

from decimal import Decimal

from actionplan.models import Action, Administration, CoLeadResponse, CoLeadState
from indicators.models import Indicator
from indicators.services import indicator_save
from planning.drafting import services
from planning.drafting.selectors import proposal_detail
from planning.smart import smart_check
from tests.planning.conftest import DESCRIPTION


def check(action: Action, plan, indicators=(), co_leads=(), responses=()):
    result = smart_check(
        action,
        plan=plan,
        indicators=list(indicators),
        co_leads=list(co_leads),
        responses=list(responses),
    )
    return {c.key: c.missing for c in result.criteria}


def complete(**changes) -> Action:
    fields = {
        "title": "Vormingspakket grensoverschrijding",
        "description": DESCRIPTION,
        "estimated_budget": Decimal(1000),
        "capacity": "Twee VTE",
        "start_year": 2026,
        "end_year": 2028,
        **changes,
    }
    return Action(**fields)


def target(**changes) -> Indicator:
    return Indicator(kind="quantitative", target_value=Decimal(10), target_year=2029, **changes)


def test_a_complete_proposal_meets_every_criterion(plan):
    assert check(complete(), plan, indicators=[target()]) == {
        "specific": [],
        "measurable": [],
        "acceptable": [],
        "realistic": [],
        "time_bound": [],
    }


def test_specific_asks_for_a_description_of_substance(plan):
    missing = check(complete(description="Kort."), plan, indicators=[target()])["specific"]
    assert missing == ["een omschrijving van minstens 80 tekens: wat, voor wie, hoe"]


def test_measurable_asks_for_an_indicator_with_a_target(plan):
    assert check(complete(), plan)["measurable"] == ["minstens één indicator"]
    without = Indicator(kind="quantitative", target_value=None, target_year=2029)
    assert check(complete(), plan, indicators=[without])["measurable"] == [
        "een streefwaarde met streefjaar bij minstens één indicator"
    ]


def test_acceptable_asks_every_co_lead_to_confirm(plan):
    zorg = Administration(pk=1, name="Zorg")
    werk = Administration(pk=2, name="Werk")
    onderwijs = Administration(pk=3, name="Onderwijs")
    responses = [
        CoLeadResponse(administration_id=1, state=CoLeadState.CONFIRMED),
        CoLeadResponse(administration_id=2, state=CoLeadState.DECLINED, reason="Nee"),
    ]
    missing = check(
        complete(),
        plan,
        indicators=[target()],
        co_leads=[zorg, werk, onderwijs],
        responses=responses,
    )["acceptable"]
    assert missing == ["Werk weigert", "bevestiging van Onderwijs"]


def test_realistic_asks_for_budget_and_capacity(plan):
    missing = check(complete(estimated_budget=None, capacity=" "), plan)["realistic"]
    assert missing == ["een geraamd budget", "de capaciteit en middelen"]


def test_time_bound_asks_for_timing_in_the_plan_period(plan):
    assert check(complete(end_year=2031), plan)["time_bound"] == ["begin en einde binnen 2025–2029"]


def test_the_selector_checks_what_is_stored(proposal, editor_a, editor_b, admin_b, coordinator):
    smart = proposal_detail(proposal.pk, coordinator).smart  # type: ignore[attr-defined]
    assert [c.key for c in smart.criteria if not c.met] == ["measurable", "acceptable"]
    indicator_save(
        action=proposal,
        user=editor_a,
        data={
            "name": "Bereikte scholen",
            "unit": "scholen",
            "target_value": 200,
            "target_year": 2028,
        },
    )
    services.co_lead_respond(action=proposal, administration=admin_b, user=editor_b, confirm=True)
    assert proposal_detail(proposal.pk, coordinator).smart.all_met  # type: ignore[attr-defined]
