"""The Django admin asks why: a reason for every change, and whether it adjusts the plan."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.urls import reverse

from actionplan.models import Action
from actionplan.services import action_save
from evaluations.models import EvaluationReport, ReportKind
from evaluations.reports.content import report_content
from tests.factories import ActionFactory, OperationalGoalFactory

pytestmark = pytest.mark.django_db


def _form(action: Action, **changes: Any) -> dict[str, Any]:
    """The admin's change form of ``action`` as a browser posts it, with ``changes``."""
    data: dict[str, Any] = {}
    for name, value in model_to_dict(action).items():
        if isinstance(value, list):
            data[name] = [item.pk for item in value]
        elif value is not None:
            data[name] = value
    data.pop("id", None)
    return {**data, **changes}


def _post(client, action: Action, **changes: Any):
    url = reverse("admin:actionplan_action_change", args=[action.pk])
    return client.post(url, _form(action, **changes))


def _adjustment_reasons(action: Action) -> list[str]:
    report = EvaluationReport(plan=action.plan, kind=ReportKind.INTERIM, year=2027)
    content = report_content(report)
    return [
        entry["reason"]
        for goal in content.strategic
        for od in goal.operational_goals
        for section in od.actions
        if section.action.pk == action.pk
        for entry in section.adjustments
    ]


def test_an_admin_change_without_a_reason_is_refused_and_changes_nothing(admin_client):
    action = ActionFactory(title="Oude titel")
    response = _post(admin_client, action, title="Nieuwe titel")
    assert response.status_code == 200
    assert "Geef de reden van de wijziging op." in response.text
    assert Action.objects.get(pk=action.pk).title == "Oude titel"


def test_an_editorial_correction_is_in_the_history_but_not_an_adjustment(admin_client):
    action = ActionFactory(title="Sensibiliseringscampagne scholen")
    response = _post(
        admin_client,
        action,
        title="Sensibiliseringscampagne in scholen",
        change_reason="Typfout in de titel",
    )
    assert response.status_code == 302
    record = action.history.latest()
    assert (record.history_change_reason, record.is_adjustment) == ("Typfout in de titel", False)
    assert record.history_user.username == "beheer"
    assert _adjustment_reasons(action) == []


def test_an_admin_change_is_an_editorial_correction_even_of_the_timing(admin_client):
    # Adjustments are change requests decided by AJH (tests/planning); the admin says so.
    action = ActionFactory(end_year=2027)
    form = admin_client.get(reverse("admin:actionplan_action_change", args=[action.pk]))
    assert "loopt via een wijzigingsverzoek" in form.text
    response = _post(admin_client, action, end_year=2028, change_reason="Verkeerd ingevoerd")
    assert response.status_code == 302
    assert Action.objects.get(pk=action.pk).end_year == 2028
    record = action.history.latest()
    assert (record.history_change_reason, record.is_adjustment) == ("Verkeerd ingevoerd", False)


def test_an_adjustment_needs_a_reason(plan):
    action = ActionFactory(title="Oud")
    action.title = "Nieuw"
    with pytest.raises(ValidationError) as exc:
        action_save(action=action, reason=" ", adjustment=True)
    assert exc.value.messages == ["Geef de reden van de bijsturing op."]
    assert Action.objects.get(pk=action.pk).title == "Oud"


def test_an_action_added_in_the_admin_takes_its_strategic_goal_from_its_operational_goal(
    admin_client,
):
    goal = OperationalGoalFactory()
    template = ActionFactory.build(operational_goal=goal, number=7, plan=goal.strategic_goal.plan)
    data = _form(template, change_reason="Nieuwe actie")
    data.pop("strategic_goal", None)
    response = admin_client.post(reverse("admin:actionplan_action_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    action = Action.objects.get(operational_goal=goal, number=7)
    assert action.strategic_goal == goal.strategic_goal
    assert action.code == f"{goal.code}.7"
