from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actionplan.models import Action, Plan, StrategicGoal
from actionplan.services import action_save, operational_goal_save
from tests.factories import ActionFactory, OperationalGoalFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_action_code_follows_goal_and_number(plan):
    goal = OperationalGoalFactory(number=2)
    action = ActionFactory(operational_goal=goal, number=3)
    assert goal.code == "1.2"
    assert action.code == "1.2.3"
    assert action.plan == plan


def test_actions_follow_their_goal_into_another_plan(plan):
    goal = OperationalGoalFactory(number=2)
    action = ActionFactory(operational_goal=goal, number=3)
    assert action.plan == plan
    other = Plan.objects.create(
        code="ander-plan",
        title="Ander plan (test)",
        start_year=2025,
        end_year=2029,
        coordinating_minister="Minister (test)",
        coordinating_agency="Agentschap (test)",
    )
    same_number = StrategicGoal.objects.create(plan=other, number=1, title="SD1 (test)")
    goal.strategic_goal = same_number  # the same code, 1.2, in the other plan
    operational_goal_save(goal=goal, reason="test")
    action.refresh_from_db()
    assert (action.code, action.plan) == ("1.2.3", other)


def test_renumbered_strategic_goal_in_the_admin_recodes_its_goals_and_actions(client, plan):
    admin_user = UserFactory(username="beheer", role="coordinator", is_staff=True)
    admin_user.is_superuser = True
    admin_user.save()
    goal = OperationalGoalFactory(number=7)
    action = ActionFactory(operational_goal=goal, number=2)
    strategic = goal.strategic_goal
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:actionplan_strategicgoal_change", args=[strategic.pk]),
        {
            "plan": plan.pk,
            "number": 9,
            "title": strategic.title,
            "policy_level": strategic.policy_level,
            "text": strategic.text,
            "change_reason": "SD's hernummerd na beslissing stuurgroep",
        },
    )
    assert response.status_code == 302, response.context["adminform"].errors
    goal.refresh_from_db()
    action.refresh_from_db()
    assert (goal.code, action.code) == ("9.7", "9.7.2")
    reason = "SD's hernummerd na beslissing stuurgroep"
    assert action.history.latest().history_change_reason == reason


def test_action_year_outside_plan_period_is_refused_and_nothing_saved(plan):
    goal = OperationalGoalFactory()
    with pytest.raises(ValidationError) as exc:
        ActionFactory(operational_goal=goal, start_year=2024, end_year=2026)
    assert "looptijd van het plan (2025–2029)" in str(exc.value)
    assert not Action.objects.exists()


def test_action_ending_before_it_starts_is_refused(plan):
    with pytest.raises(ValidationError) as exc:
        ActionFactory(start_year=2027, end_year=2026)
    assert "einde van de actie ligt voor het begin" in str(exc.value)


def test_action_quarter_must_be_between_1_and_4(plan):
    with pytest.raises(ValidationError) as exc:
        ActionFactory(start_quarter=5)
    assert "start_quarter" in exc.value.message_dict


def test_action_number_unique_within_operational_goal(plan):
    goal = OperationalGoalFactory()
    ActionFactory(operational_goal=goal, number=1)
    with pytest.raises(ValidationError) as exc:
        ActionFactory(operational_goal=goal, number=1)
    assert "bestaat al" in str(exc.value)


def test_actions_are_ordered_numerically_not_as_text(plan):
    goal = OperationalGoalFactory(number=1)
    for number in (10, 2, 1):
        ActionFactory(operational_goal=goal, number=number)
    assert [a.code for a in Action.objects.all()] == ["1.1.1", "1.1.2", "1.1.10"]


def test_saving_action_with_tags_writes_one_history_record_with_author(plan, coordinator):
    from actionplan.models import ViolenceForm

    action = ActionFactory()
    forms = list(ViolenceForm.objects.filter(code__in=["SG", "IFG"]))
    action.title = "Nieuwe titel"
    # simple_history reads this attribute when it writes the record; it is set per
    # instance at runtime and not declared on the model, so mypy cannot know it.
    action._history_user = coordinator  # type: ignore[attr-defined]
    action_save(action=action, m2m={"violence_forms": forms}, reason="bijsturing na evaluatie")
    latest = action.history.latest()
    assert action.history.count() == 2
    assert latest.history_change_reason == "bijsturing na evaluatie"
    assert sorted(r.violenceform.code for r in latest.violence_forms.all()) == ["IFG", "SG"]
