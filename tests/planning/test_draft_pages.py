"""The /ontwerp/ pages: who sees what, the editor's and AJH's steps in the browser's forms,
conflicts, the coverage partial, and the query count of the draft plan."""

from __future__ import annotations

import pytest
from django.urls import reverse

from actionplan.models import Action, ActionStage, AttentionPoint, StrategicGoal
from planning.drafting import services
from tests.factories import ActionFactory, OperationalGoalFactory, ProposalFactory

DRAFT = reverse("planning:draft")


def test_the_navigation_links_the_draft_plan_for_drafters(client, plan, editor_a, reader):
    client.force_login(editor_a)
    assert f'href="{DRAFT}"' in client.get("/").text
    client.force_login(reader)
    assert f'href="{DRAFT}"' not in client.get("/").text
    assert client.get(DRAFT).status_code == 403


def test_an_editor_sees_own_proposals_and_those_awaiting_an_answer(
    client, proposal, editor_b, admin_b
):
    own = ProposalFactory(lead_administration=admin_b, title="Voorstel van Zorg en Welzijn")
    client.force_login(editor_b)
    page = client.get(DRAFT).text
    assert own.title in page
    assert "Wacht op het antwoord van je administratie" in page
    assert proposal.title in page
    assert "Operationele doelstellingen" not in page  # the clustering view is AJH's


def test_the_editor_proposes_in_the_browser_form(client, plan, editor_a, admin_a):
    client.force_login(editor_a)
    assert client.get(reverse("planning:proposal-create")).status_code == 200
    answer = client.post(
        reverse("planning:proposal-create"),
        {
            "strategic_goal": StrategicGoal.objects.get(number=1).pk,
            "title": "Vormingspakket grensoverschrijding",
            "lead_administration": admin_a.pk,
            "start_year": 2026,
            "start_quarter": 1,
            "end_year": 2027,
            "end_quarter": 4,
            "attention_points": [AttentionPoint.objects.get(code="a").pk],
            "estimated_budget": "5000",
        },
    )
    action = Action.objects.get()
    assert answer.status_code == 302 and answer.url == reverse(
        "planning:proposal-detail", args=[action.pk]
    )
    assert action.stage == ActionStage.PROPOSED and action.estimated_budget == 5000


def test_the_form_offers_only_the_editors_administrations(client, plan, editor_a, admin_a, admin_b):
    client.force_login(editor_a)
    answer = client.post(
        reverse("planning:proposal-create"),
        {
            "strategic_goal": StrategicGoal.objects.get(number=1).pk,
            "title": "Voor een ander",
            "lead_administration": admin_b.pk,
            "start_year": 2026,
            "start_quarter": 1,
            "end_year": 2027,
            "end_quarter": 4,
        },
    )
    assert answer.status_code == 422
    assert not Action.objects.exists()


def test_a_conflicting_edit_is_shown_and_saves_nothing(client, proposal, editor_a, coordinator):
    services.proposal_update(
        action=proposal, user=coordinator, expected_version=1, data={"title": "Door AJH verbeterd"}
    )
    client.force_login(editor_a)
    data = {
        "version": 1,
        "strategic_goal": proposal.strategic_goal_id,
        "title": "Mijn titel van vroeger",
        "lead_administration": proposal.lead_administration_id,
        "start_year": 2026,
        "start_quarter": 1,
        "end_year": 2028,
        "end_quarter": 4,
    }
    answer = client.post(reverse("planning:proposal-edit", args=[proposal.pk]), data)
    assert answer.status_code == 409
    assert "Iemand anders heeft dit voorstel intussen gewijzigd" in answer.text
    assert Action.objects.get().title == "Door AJH verbeterd"


def test_returning_asks_for_confirmation_and_a_reason(client, proposal, coordinator):
    client.force_login(coordinator)
    url = reverse("planning:proposal-step", args=[proposal.pk, "terugsturen"])
    assert "Bevestigen: Terugsturen" in client.get(url).text
    assert client.post(url, {"reason": ""}).status_code == 422
    answer = client.post(url, {"reason": "Voeg een indicator toe"})
    assert answer.status_code == 302
    assert Action.objects.get().stage == ActionStage.RETURNED


def test_an_editor_cannot_decide_in_the_browser(client, proposal, editor_a):
    client.force_login(editor_a)
    url = reverse("planning:proposal-step", args=[proposal.pk, "aanvaarden"])
    assert client.post(url, {"reason": ""}).status_code == 403
    assert Action.objects.get().stage == ActionStage.PROPOSED


def test_another_administration_does_not_see_a_proposal(client, plan, admin_a, editor_b):
    proposal = ProposalFactory(lead_administration=admin_a)
    client.force_login(editor_b)
    assert client.get(reverse("planning:proposal-detail", args=[proposal.pk])).status_code == 404


def test_the_co_lead_answers_on_the_proposal_page(client, proposal, editor_b, admin_b):
    client.force_login(editor_b)
    page = client.get(reverse("planning:proposal-detail", args=[proposal.pk])).text
    assert "Antwoord van Departement Zorg en Welzijn" in page
    client.post(
        reverse("planning:proposal-respond", args=[proposal.pk]),
        {"administration": admin_b.pk, "confirm": "0", "reason": ""},
    )
    assert proposal.co_lead_responses.get().state == "pending"
    client.post(
        reverse("planning:proposal-respond", args=[proposal.pk]),
        {"administration": admin_b.pk, "confirm": "0", "reason": "Geen mensen vrij"},
    )
    assert proposal.co_lead_responses.get().state == "declined"


def test_the_editor_adds_an_indicator_to_their_proposal(client, proposal, editor_a):
    client.force_login(editor_a)
    answer = client.post(
        reverse("indicators:create", args=[proposal.pk]),
        {
            "name": "Bereikte scholen",
            "kind": "quantitative",
            "unit": "scholen",
            "target_value": "200",
            "target_year": 2028,
            "direction": "up",
            "position": 0,
        },
    )
    assert answer.status_code == 302
    assert proposal.indicators.get().name == "Bereikte scholen"


def test_ajh_creates_a_goal_and_clusters_from_the_draft_plan(client, proposal, coordinator):
    client.force_login(coordinator)
    client.post(
        reverse("planning:operational-goal-create"),
        {"strategic_goal": StrategicGoal.objects.get(number=1).pk, "title": "Vorming"},
    )
    services.proposal_accept(action=proposal, user=coordinator)
    goal = proposal.strategic_goal.operational_goals.get()
    client.post(
        reverse("planning:proposal-cluster", args=[proposal.pk]),
        {"operational_goal": goal.pk, "next": "draft"},
    )
    assert Action.objects.get().code == "1.1.1"
    assert "1.1.1" in client.get(DRAFT).text


def test_the_draft_plan_costs_a_fixed_number_of_queries(
    client, plan, coordinator, admin_a, admin_b, django_assert_num_queries
):
    goal = OperationalGoalFactory()
    for _ in range(3):
        ActionFactory(operational_goal=goal)
        ProposalFactory(lead_administration=admin_a, co_lead_administrations=[admin_b])
        ProposalFactory(lead_administration=admin_b, stage=ActionStage.ACCEPTED)
    client.force_login(coordinator)
    # session, user, plan, strategic goals, operational goals, the user's administrations,
    # actions, co-lead ministers, co-lead administrations, forms of violence, target groups,
    # attention points, related plans, indicators, co-lead responses, then the forms'
    # choices: strategic goals (new goal)
    with django_assert_num_queries(16):
        assert client.get(DRAFT).status_code == 200


# --- The coverage partial --------------------------------------------------------------


COVERAGE = reverse("dashboard:draft-coverage")


def test_coverage_counts_the_draft_not_the_proposals(client, plan, coordinator, admin_a):
    points = AttentionPoint.objects.order_by("code")
    ProposalFactory(stage=ActionStage.ACCEPTED, attention_points=[points[0]])
    ProposalFactory(attention_points=[points[1]])  # only proposed: not in the draft plan
    client.force_login(coordinator)
    page = client.get(COVERAGE)
    assert page.status_code == 200
    matrix = page.context["draft"].attention_points
    counts = {item.code: cells for item, cells in matrix.rows}
    assert counts["a"] == [1, 0, 0] and counts["b"] == [0, 0, 0]
    assert matrix.gaps == 3 * points.count() - 1


def test_coverage_shows_overlap_of_unclustered_actions(client, plan, coordinator, admin_a):
    for _ in range(2):
        ProposalFactory(stage=ActionStage.ACCEPTED, lead_administration=admin_a)
    client.force_login(coordinator)
    page = client.get(COVERAGE)
    assert "SD1 (nog niet geclusterd)" in page.text


@pytest.mark.parametrize("who", ["editor_a", "reader"])
def test_coverage_is_for_ajh(request, client, plan, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(COVERAGE).status_code == 403


def test_coverage_costs_a_fixed_number_of_queries(
    client, plan, coordinator, admin_a, django_assert_num_queries
):
    for _ in range(3):
        ProposalFactory(stage=ActionStage.ACCEPTED, lead_administration=admin_a)
        ActionFactory()
    client.force_login(coordinator)
    # session, user, plan, goals, forms of violence + counts, target groups + counts,
    # attention points + counts, overlap candidates, their forms, their groups
    with django_assert_num_queries(13):
        client.get(COVERAGE)


@pytest.mark.parametrize("step", ["aanvaarden", "terugsturen", "samenvoegen"])
def test_ajhs_decisions_are_refused_to_others_already_when_asked_for(
    client, plan, proposal, editor_a, reader, step
):
    # The merge form would list the plan's drafts: a reader must not get that far.
    approved = ActionFactory(title="Goedgekeurde actie")
    secret = ProposalFactory(title="Voorstel van een andere administratie")
    for user, pk in ((reader, approved.pk), (editor_a, proposal.pk)):
        client.force_login(user)
        page = client.get(reverse("planning:proposal-step", args=[pk, step]))
        assert page.status_code == 403
        assert secret.title not in page.text
