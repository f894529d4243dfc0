"""Demo data never touches real data: a demo plan of its own, load_demo refuses to change a
real row, purge_demo removes the demo rows and only those, and pages pick a sensible plan."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from actionplan.models import (
    Action,
    Administration,
    CoLeadResponse,
    Minister,
    Plan,
    Role,
    StrategicGoal,
    User,
)
from actionplan.selectors import plan_current
from fiches.models import Fiche
from indicators.models import Indicator
from planning.models import ChangeRequest, PlanVersion
from tests.factories import ActionFactory, ReportingRoundFactory, UserFactory
from tests.planning.helpers import approve_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def real(plan, coordinator):
    """A real action with its fiche, and the real AJH."""
    action = ActionFactory(
        title="Echte actie", lead_administration=Administration.objects.get(code="AJH")
    )
    ReportingRoundFactory(plan=plan, year=2026)
    return action


def _real_rows() -> list[tuple]:
    return [
        tuple(Plan.objects.filter(is_demo=False).values_list("code", "title")),
        tuple(Administration.objects.filter(is_demo=False).values_list("code", "name")),
        tuple(Minister.objects.filter(is_demo=False).values_list("name", "portfolio")),
        tuple(Action.objects.filter(is_demo=False).values_list("code", "title", "plan")),
        tuple(Fiche.objects.filter(action__is_demo=False).values_list("pk", "state")),
        tuple(User.objects.filter(is_demo=False).values_list("username", "role")),
    ]


def test_load_demo_puts_everything_in_a_demo_plan_and_leaves_real_rows_alone(real, plan, settings):
    settings.DEBUG = True
    before = _real_rows()
    history = Administration.history.filter(code="AJH").count()
    call_command("load_demo", actions=20, seed=1, verbosity=0)
    assert _real_rows() == before
    assert Administration.history.filter(code="AJH").count() == history
    demo = Plan.objects.get(is_demo=True)
    assert (demo.code, demo.title) == (f"demo-{plan.code}", f"{plan.title} (demo)")
    assert list(StrategicGoal.objects.filter(plan=demo).values_list("number", "title")) == list(
        StrategicGoal.objects.filter(plan=plan).values_list("number", "title")
    )
    # The plan as approved; with DEBUG on the drafting demo adds proposals besides.
    assert Action.objects.for_plan(demo).filter(is_demo=True).count() == 20
    assert Action.objects.filter(plan=plan).count() == 1


def test_demo_actions_never_have_their_lead_as_co_lead(plan):
    call_command("load_demo", actions=80, seed=3, verbosity=0)
    for action in Action.objects.prefetch_related("co_lead_ministers", "co_lead_administrations"):
        assert action.lead_minister not in action.co_lead_ministers.all()
        assert action.lead_administration not in action.co_lead_administrations.all()


def test_load_demo_refuses_a_real_administration_with_a_demo_code(plan):
    Administration.objects.create(code="DEMO-OV", name="Echte administratie")
    with pytest.raises(CommandError) as caught:
        call_command("load_demo", actions=5, seed=1, verbosity=0)
    assert "administratie DEMO-OV" in str(caught.value)
    assert "wijzigt geen echte gegevens; er is niets veranderd" in str(caught.value)
    assert not Plan.objects.filter(is_demo=True).exists()
    assert Administration.objects.get(code="DEMO-OV").name == "Echte administratie"


def test_load_demo_refuses_a_real_user_with_a_demo_name(plan, settings):
    settings.DEBUG = True
    UserFactory(username="reader", role=Role.READER)
    with pytest.raises(CommandError, match="gebruiker reader"):
        call_command("load_demo", actions=5, seed=1, verbosity=0)
    assert not Action.objects.exists()
    assert not User.objects.filter(is_demo=True).exists()


def test_purge_demo_removes_demo_rows_and_their_history_only(real, plan, settings):
    settings.DEBUG = True
    before = _real_rows()
    call_command("load_demo", actions=15, seed=2, verbosity=0)
    demo_ids = list(Action.objects.filter(is_demo=True).values_list("pk", flat=True))
    call_command("purge_demo", verbosity=0)
    assert _real_rows() == before
    for model in (Plan, StrategicGoal, Action, Minister, Administration, User):
        assert not model.objects.filter(is_demo=True).exists(), model
    assert not Fiche.objects.filter(action_id__in=demo_ids).exists()
    assert not Indicator.objects.filter(action_id__in=demo_ids).exists()
    assert not Action.history.filter(id__in=demo_ids).exists()
    assert Action.history.filter(id=real.pk).exists()


def test_purge_demo_removes_the_drafting_demo_and_leaves_a_real_version(
    real, plan, coordinator, settings
):
    settings.DEBUG = True
    real_version = approve_version(plan, coordinator)
    call_command("load_demo", actions=15, seed=2, verbosity=0)
    demo = Plan.objects.get(is_demo=True)
    assert PlanVersion.objects.filter(plan=demo).count() == 2
    assert ChangeRequest.objects.filter(action__plan=demo).count() == 3
    proposals = list(Action.objects.filter(plan=demo, code="").values_list("pk", flat=True))
    assert len(proposals) == 4
    call_command("purge_demo", verbosity=0)
    assert list(PlanVersion.objects.all()) == [real_version]
    assert PlanVersion.history.filter(plan_id=demo.pk).count() == 0
    assert not ChangeRequest.objects.exists()
    assert not Action.objects.filter(pk__in=proposals).exists()
    assert not Action.history.filter(id__in=proposals).exists()
    assert not CoLeadResponse.objects.exists()
    assert not Indicator.objects.filter(action_id__in=proposals).exists()
    assert Plan.objects.get(pk=plan.pk).baseline_approved_on == real_version.decision_date


def test_load_purge_load_gives_the_same_demo_again(plan, settings):
    settings.DEBUG = True
    call_command("load_demo", actions=10, seed=4, verbosity=0)
    # Proposals have no code yet: compare the sets, not an order among equals.
    first = sorted(Action.objects.values_list("code", "title"))
    call_command("purge_demo", verbosity=0)
    call_command("load_demo", actions=10, seed=4, verbosity=0)
    assert sorted(Action.objects.values_list("code", "title")) == first
    assert User.objects.filter(username="editor-demo-ajh", is_demo=True).exists()


def test_purge_demo_refuses_while_a_real_action_has_a_demo_lead(plan):
    call_command("load_demo", actions=3, seed=1, verbosity=0)
    demo_minister = Minister.objects.filter(is_demo=True).first()
    ActionFactory(lead_minister=demo_minister)
    with pytest.raises(CommandError, match="Er is niets verwijderd"):
        call_command("purge_demo", verbosity=0)
    assert Action.objects.filter(is_demo=True).count() == 3


def test_the_current_plan_is_the_demo_plan_while_the_real_one_has_no_actions(plan):
    assert plan_current() == plan
    call_command("load_demo", actions=3, seed=1, verbosity=0)
    assert plan_current().is_demo
    ActionFactory()
    assert plan_current() == plan
    assert plan_current(f"demo-{plan.code}").is_demo


def test_pages_showing_the_demo_plan_say_so(reader_client, plan):
    assert "Demoplan — synthetische gegevens" not in reader_client.get("/").text
    call_command("load_demo", actions=3, seed=1, verbosity=0)
    assert "Demoplan — synthetische gegevens" in reader_client.get("/").text
    assert "Demoplan — synthetische gegevens" in reader_client.get("/dashboard/").text
