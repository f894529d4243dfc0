"""Proposals live beside the approved plan: monitored, counted and listed is only what the
plan as approved holds; drafts are seen by AJH and their own administrations."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actionplan.models import Action, ActionStage
from fiches.models import Fiche
from tests.factories import ActionFactory, ProposalFactory, ReportingRoundFactory


@pytest.fixture
def proposal(plan, admin_a):
    return ProposalFactory(
        title="Voorstel: een meldpunt op de werkvloer", lead_administration=admin_a
    )


def test_a_proposal_has_no_code_and_follows_its_strategic_goal(proposal, plan):
    assert proposal.code == "" and proposal.number is None
    assert proposal.strategic_goal.number == 1 and proposal.plan == plan
    assert str(proposal) == "Voorstel: een meldpunt op de werkvloer"


def test_the_plan_as_approved_leaves_proposals_out(plan, proposal):
    approved = ActionFactory()
    assert list(Action.objects.for_plan(plan)) == [approved]
    assert list(Action.objects.drafts()) == [proposal]


def test_opening_a_round_makes_no_fiche_for_a_proposal(plan, proposal):
    approved = ActionFactory()
    ReportingRoundFactory(plan=plan, year=2026)
    assert set(Fiche.objects.values_list("action_id", flat=True)) == {approved.pk}


def test_the_overview_lists_no_proposal(plan, proposal, reader_client):
    ActionFactory(title="Goedgekeurde actie")
    page = reader_client.get(reverse("actionplan:overview"))
    assert "Goedgekeurde actie" in page.text
    assert proposal.title not in page.text


@pytest.mark.parametrize(
    ("who", "status"),
    [("reader", 404), ("editor_b", 404), ("editor_a", 200), ("coordinator", 200)],
)
def test_a_proposal_is_seen_by_ajh_and_its_own_administration(
    request, client, proposal, who, status
):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("actionplan:action-detail", args=[proposal.pk])).status_code == status
    listed = client.get("/api/v1/actions/", {"stage": "proposed"}).json()
    assert [a["title"] for a in listed["results"]] == ([proposal.title] if status == 200 else [])


def test_a_co_leading_administration_sees_the_proposal(client, proposal, admin_b, editor_b):
    proposal.co_lead_administrations.add(admin_b)
    client.force_login(editor_b)
    assert client.get(reverse("actionplan:action-detail", args=[proposal.pk])).status_code == 200


def test_the_api_says_the_stage_of_each_action(plan, coordinator, client, proposal):
    ActionFactory()
    client.force_login(coordinator)
    stages = {a["stage"] for a in client.get("/api/v1/actions/").json()["results"]}
    assert stages == {ActionStage.PROPOSED, ActionStage.APPROVED}


def test_an_approved_action_must_be_clustered(plan):
    with pytest.raises(ValidationError, match="operationele doelstelling"):
        ProposalFactory(stage=ActionStage.APPROVED)
