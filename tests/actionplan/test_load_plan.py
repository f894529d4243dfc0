from __future__ import annotations

import pytest
from django.core.management import call_command

from actionplan.models import (
    AttentionPoint,
    Plan,
    RelatedPlan,
    StrategicGoal,
    TargetGroup,
    ViolenceForm,
)

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Plan, StrategicGoal, ViolenceForm, AttentionPoint, TargetGroup, RelatedPlan)
    }


def test_load_plan_loads_the_facts_of_the_plan():
    call_command("load_plan", verbosity=0)
    plan = Plan.objects.get()
    assert (plan.start_year, plan.end_year) == (2025, 2029)
    assert plan.coordinating_agency == "Agentschap Justitie en Handhaving"
    assert "Justitie en Handhaving" in plan.coordinating_minister
    goals = list(StrategicGoal.objects.order_by("number"))
    assert [(g.number, g.policy_level) for g in goals] == [
        (1, "prevention"),
        (2, "reaction"),
        (3, "quality"),
    ]
    assert goals[0].title.startswith("We investeren in preventieve maatregelen")
    assert "professionalisering" in goals[2].title
    assert list(ViolenceForm.objects.values_list("code", flat=True)) == [
        "SG",
        "SGG",
        "IFG",
        "EGG",
        "VGV",
    ]
    assert "tegen iemands wil" in ViolenceForm.objects.get(code="SG").definition
    assert list(AttentionPoint.objects.values_list("code", flat=True)) == list("abcdefgh")
    assert TargetGroup.objects.filter(name__icontains="kinderen").exists()
    assert RelatedPlan.objects.filter(name__icontains="gelijkekansenbeleidsplan").exists()


def test_load_plan_twice_creates_nothing_twice():
    call_command("load_plan", verbosity=0)
    first = _counts()
    history_before = StrategicGoal.history.count()
    call_command("load_plan", verbosity=0)
    assert _counts() == first
    assert StrategicGoal.history.count() == history_before


def test_load_plan_updates_a_changed_text_and_records_it(tmp_path, plan_data):
    import json

    call_command("load_plan", verbosity=0)
    plan_data["strategic_goals"][1]["text"] = "Een herwerkte tekst."
    changed = tmp_path / "plan.json"
    changed.write_text(json.dumps(plan_data), encoding="utf-8")
    call_command("load_plan", file=changed, verbosity=0)
    goal = StrategicGoal.objects.get(number=2)
    assert goal.text == "Een herwerkte tekst."
    assert goal.history.latest().history_change_reason == "load_plan plan.json"
    assert StrategicGoal.objects.count() == 3
