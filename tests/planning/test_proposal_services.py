"""The rules of the drafting cycle, service by service: who may take which step from which
stage, with which message, and what history records."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actionplan.models import (
    Action,
    ActionStage,
    AttentionPoint,
    CoLeadResponse,
    CoLeadState,
    StrategicGoal,
)
from actionplan.services import action_save
from planning.drafting import services
from tests.factories import ActionFactory, AdministrationFactory, OperationalGoalFactory
from tests.planning.conftest import propose


def reasons(action: Action) -> list[str]:
    return list(
        action.history.order_by("history_date").values_list("history_change_reason", flat=True)
    )


# --- Proposing -------------------------------------------------------------------------


def test_an_editor_proposes_for_their_administration(proposal, admin_a, editor_a):
    assert proposal.stage == ActionStage.PROPOSED
    assert proposal.code == "" and proposal.operational_goal is None
    assert proposal.lead_administration == admin_a
    record = proposal.history.get()
    assert record.history_change_reason == "Voorstel ingediend"
    assert record.history_user == editor_a


def test_an_editor_cannot_propose_for_another_administration(plan, editor_a, admin_b):
    with pytest.raises(PermissionDenied, match="eigen administratie"):
        propose(editor_a, admin_b)
    assert not Action.objects.exists()


def test_a_reader_cannot_propose(plan, reader, admin_a):
    with pytest.raises(PermissionDenied):
        propose(reader, admin_a)


def test_a_proposal_lies_inside_the_plan_period(plan, editor_a, admin_a):
    with pytest.raises(ValidationError, match="looptijd van het plan"):
        propose(editor_a, admin_a, end_year=2031)


def test_the_lead_administration_is_not_also_a_co_lead(plan, editor_a, admin_a):
    with pytest.raises(ValidationError, match="niet ook meewerkend"):
        propose(editor_a, admin_a, {"co_lead_administrations": [admin_a]})


def test_each_co_lead_is_asked_to_answer(proposal, admin_b):
    response = CoLeadResponse.objects.get(action=proposal)
    assert (response.administration, response.state) == (admin_b, CoLeadState.PENDING)


def test_changing_co_leads_asks_the_new_ones_and_drops_the_old(proposal, editor_a, admin_b):
    admin_c = AdministrationFactory(code="WSE", name="Departement Werk")
    services.proposal_update(
        action=proposal,
        user=editor_a,
        expected_version=proposal.version,
        data={},
        m2m={"co_lead_administrations": [admin_c]},
    )
    assert list(CoLeadResponse.objects.values_list("administration__code", "state")) == [
        ("WSE", CoLeadState.PENDING)
    ]


# --- Editing, concurrency --------------------------------------------------------------


def test_an_edit_raises_the_version_and_records_the_change(proposal, editor_a):
    saved = services.proposal_update(
        action=proposal, user=editor_a, expected_version=1, data={"title": "Nieuwe titel hier"}
    )
    assert saved.version == 2
    assert reasons(saved)[-1] == "Voorstel gewijzigd"


def test_an_edit_elsewhere_makes_the_editors_version_stale(proposal, editor_a):
    # AJH corrects the proposal in the admin (action_save) while the editor has it open.
    loaded = proposal.version
    proposal.title = "Gecorrigeerd door AJH"
    action_save(action=proposal, reason="Typfout")
    with pytest.raises(services.ProposalConflict, match="intussen gewijzigd"):
        services.proposal_update(
            action=proposal,
            user=editor_a,
            expected_version=loaded,
            data={"title": "Van de redacteur"},
        )
    assert Action.objects.get(pk=proposal.pk).title == "Gecorrigeerd door AJH"


def test_a_stale_version_is_a_conflict_and_saves_nothing(proposal, editor_a):
    services.proposal_update(
        action=proposal, user=editor_a, expected_version=1, data={"title": "Eerste wijziging"}
    )
    with pytest.raises(services.ProposalConflict, match="intussen gewijzigd"):
        services.proposal_update(
            action=proposal, user=editor_a, expected_version=1, data={"title": "Tweede"}
        )
    assert Action.objects.get().title == "Eerste wijziging"


def test_an_editor_of_another_administration_cannot_edit(proposal, editor_b):
    with pytest.raises(PermissionDenied):
        services.proposal_update(
            action=proposal, user=editor_b, expected_version=1, data={"title": "Overgenomen"}
        )


def test_an_accepted_proposal_cannot_be_edited(proposal, editor_a, coordinator):
    services.proposal_accept(action=proposal, user=coordinator)
    with pytest.raises(services.StageError, match="enkel zolang"):
        services.proposal_update(
            action=proposal, user=editor_a, expected_version=2, data={"title": "Te laat"}
        )


def test_an_editor_cannot_move_a_proposal_to_another_administration(proposal, editor_a, admin_b):
    with pytest.raises(PermissionDenied):
        services.proposal_update(
            action=proposal,
            user=editor_a,
            expected_version=1,
            data={"lead_administration": admin_b},
            m2m={"co_lead_administrations": []},
        )


# --- Co-lead answers -------------------------------------------------------------------


def test_a_co_lead_confirms(proposal, editor_b, admin_b):
    response = services.co_lead_respond(
        action=proposal, administration=admin_b, user=editor_b, confirm=True
    )
    assert response.state == CoLeadState.CONFIRMED and response.decided_by == editor_b
    assert response.history.count() == 2


def test_declining_needs_a_reason(proposal, editor_b, admin_b):
    with pytest.raises(ValidationError, match="reden"):
        services.co_lead_respond(
            action=proposal, administration=admin_b, user=editor_b, confirm=False
        )
    response = services.co_lead_respond(
        action=proposal,
        administration=admin_b,
        user=editor_b,
        confirm=False,
        reason="Geen capaciteit in 2026",
    )
    assert response.state == CoLeadState.DECLINED
    assert response.history.latest().history_change_reason == "Geen capaciteit in 2026"


def test_only_members_of_the_co_lead_answer(proposal, editor_a, coordinator, admin_b):
    for user in (editor_a, coordinator):
        with pytest.raises(PermissionDenied, match="meewerkende administratie"):
            services.co_lead_respond(
                action=proposal, administration=admin_b, user=user, confirm=True
            )


# --- AJH's decisions -------------------------------------------------------------------


@pytest.mark.parametrize(
    "step",
    [
        lambda a, u: services.proposal_accept(action=a, user=u),
        lambda a, u: services.proposal_return(action=a, user=u, reason="Onvoldoende"),
        lambda a, u: services.proposal_merge(action=a, into=a, user=u, reason="Dubbel"),
    ],
    ids=["accept", "return", "merge"],
)
def test_an_editor_cannot_decide(proposal, editor_a, step):
    with pytest.raises(PermissionDenied, match="Alleen AJH"):
        step(proposal, editor_a)
    assert Action.objects.get().stage == ActionStage.PROPOSED


def test_ajh_accepts_with_history(proposal, coordinator):
    accepted = services.proposal_accept(action=proposal, user=coordinator)
    assert accepted.stage == ActionStage.ACCEPTED
    assert reasons(accepted)[-1] == "Aanvaard"


def test_accepting_twice_is_refused(proposal, coordinator):
    services.proposal_accept(action=proposal, user=coordinator)
    with pytest.raises(services.StageError, match="Enkel een voorgesteld voorstel"):
        services.proposal_accept(action=proposal, user=coordinator)


def test_returning_needs_a_reason(proposal, coordinator):
    with pytest.raises(ValidationError, match="reden"):
        services.proposal_return(action=proposal, user=coordinator, reason="  ")
    returned = services.proposal_return(
        action=proposal, user=coordinator, reason="Voeg een indicator toe"
    )
    assert returned.stage == ActionStage.RETURNED
    assert returned.stage_reason == "Voeg een indicator toe"
    assert reasons(returned)[-1] == "Voeg een indicator toe"


def test_a_returned_proposal_is_revised_and_resubmitted(proposal, coordinator, editor_a):
    services.proposal_return(action=proposal, user=coordinator, reason="Budget ontbreekt")
    proposal.refresh_from_db()
    services.proposal_update(
        action=proposal,
        user=editor_a,
        expected_version=proposal.version,
        data={"capacity": "3 VTE"},
    )
    resubmitted = services.proposal_resubmit(action=proposal, user=editor_a)
    assert resubmitted.stage == ActionStage.PROPOSED
    assert reasons(resubmitted)[-1] == "Opnieuw ingediend"


def test_only_a_returned_proposal_is_resubmitted(proposal, editor_a):
    with pytest.raises(services.StageError, match="teruggestuurd"):
        services.proposal_resubmit(action=proposal, user=editor_a)


def test_the_editor_withdraws_but_not_after_acceptance(proposal, editor_a, coordinator):
    other = propose(editor_a, proposal.lead_administration, title="Tweede voorstel hier")
    assert services.proposal_withdraw(action=other, user=editor_a).stage == ActionStage.WITHDRAWN
    services.proposal_accept(action=proposal, user=coordinator)
    with pytest.raises(services.StageError, match="trek je in"):
        services.proposal_withdraw(action=proposal, user=editor_a)


def test_another_administration_cannot_withdraw(proposal, editor_b):
    with pytest.raises(PermissionDenied):
        services.proposal_withdraw(action=proposal, user=editor_b)


def test_merging_carries_leads_and_tags_over(
    plan, proposal, coordinator, editor_b, admin_a, admin_b
):
    from_points = list(AttentionPoint.objects.all()[:2])
    other = propose(
        editor_b,
        admin_b,
        {"attention_points": from_points},
        title="Lespakket over grenzen in het secundair",
    )
    into = services.proposal_merge(
        action=other, into=proposal, user=coordinator, reason="Zelfde doel, één actie"
    )
    other.refresh_from_db()
    assert other.stage == ActionStage.MERGED and other.merged_into == proposal
    assert other.stage_reason == "Zelfde doel, één actie"
    assert set(into.attention_points.all()) == set(from_points)
    # B led the merged proposal: it co-leads the merged action (already was, stays pending).
    assert list(into.co_lead_administrations.all()) == [admin_b]
    assert "Zelfde doel, één actie" in reasons(into)[-1]


def test_merging_needs_a_reason(proposal, coordinator, editor_a, admin_a):
    other = propose(editor_a, admin_a, title="Nog een voorstel van A")
    with pytest.raises(ValidationError, match="reden"):
        services.proposal_merge(action=other, into=proposal, user=coordinator, reason="")


# --- Clustering ------------------------------------------------------------------------


def test_clustering_numbers_next_and_codes_follow(plan, proposal, coordinator, editor_a, admin_a):
    goal = services.operational_goal_create(
        strategic_goal=StrategicGoal.objects.get(plan=plan, number=1),
        user=coordinator,
        title="Preventie in het onderwijs",
    )
    assert goal.code == "1.1"
    ActionFactory(operational_goal=goal, number=1)
    services.proposal_accept(action=proposal, user=coordinator)
    clustered = services.proposal_cluster(action=proposal, operational_goal=goal, user=coordinator)
    assert (clustered.number, clustered.code) == (2, "1.1.2")
    assert reasons(clustered)[-1] == "Geclusterd onder OD1.1"


def test_moving_to_a_goal_of_another_strategic_goal_changes_the_code(plan, proposal, coordinator):
    first = OperationalGoalFactory(number=1)
    second = OperationalGoalFactory(
        strategic_goal=StrategicGoal.objects.get(plan=plan, number=3), number=4
    )
    services.proposal_accept(action=proposal, user=coordinator)
    services.proposal_cluster(action=proposal, operational_goal=first, user=coordinator)
    moved = services.proposal_cluster(action=proposal, operational_goal=second, user=coordinator)
    assert moved.code == "3.4.1" and moved.strategic_goal.number == 3


def test_only_accepted_actions_are_clustered(proposal, coordinator):
    goal = OperationalGoalFactory()
    with pytest.raises(services.StageError, match="aanvaarde"):
        services.proposal_cluster(action=proposal, operational_goal=goal, user=coordinator)


def test_an_editor_cannot_cluster_or_create_goals(plan, proposal, editor_a):
    with pytest.raises(PermissionDenied):
        services.proposal_cluster(
            action=proposal, operational_goal=OperationalGoalFactory(), user=editor_a
        )
    with pytest.raises(PermissionDenied):
        services.operational_goal_create(
            strategic_goal=StrategicGoal.objects.get(plan=plan, number=1),
            user=editor_a,
            title="Eigen doel",
        )


def test_returning_an_accepted_action_takes_it_out_of_its_goal(proposal, coordinator):
    goal = OperationalGoalFactory()
    services.proposal_accept(action=proposal, user=coordinator)
    services.proposal_cluster(action=proposal, operational_goal=goal, user=coordinator)
    returned = services.proposal_return(action=proposal, user=coordinator, reason="Herwerken")
    assert (returned.operational_goal, returned.number, returned.code) == (None, None, "")
