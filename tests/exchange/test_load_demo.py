from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from actionplan.demo import demo_load
from actionplan.models import Action, Administration, Minister, User

pytestmark = pytest.mark.django_db


def _snapshot() -> list[tuple]:
    rows = []
    for a in Action.objects.select_related("lead_minister", "lead_administration"):
        assert a.lead_administration is not None, f"demo action {a.code} has no lead"
        rows.append(
            (
                a.code,
                a.title,
                a.lead_minister.name if a.lead_minister else None,
                a.lead_administration.code,
                a.start_year,
                a.end_year,
                tuple(sorted(f.code for f in a.violence_forms.all())),
                tuple(sorted(g.code for g in a.target_groups.all())),
                tuple(sorted(m.name for m in a.co_lead_ministers.all())),
            )
        )
    return rows


def _load_and_snapshot(seed: int) -> list[tuple]:
    with transaction.atomic():
        demo_load(actions=40, seed=seed)
        snapshot = _snapshot()
        transaction.set_rollback(True)
    return snapshot


def test_same_seed_gives_same_data(plan):
    first = _load_and_snapshot(7)
    assert Action.objects.count() == 0
    assert first == _load_and_snapshot(7)
    assert first != _load_and_snapshot(8)
    assert len(first) == 40


def test_demo_covers_all_strategic_goals_and_is_marked(plan):
    demo_load(actions=30, seed=1)
    assert set(
        Action.objects.values_list("operational_goal__strategic_goal__number", flat=True)
    ) == {1, 2, 3}
    assert not Action.objects.filter(is_demo=False).exists()
    assert not Action.objects.filter(plan=plan).exists()
    # The only real ones are those of load_plan: the coordinating minister and AJH.
    assert list(Minister.objects.filter(is_demo=False).values_list("name", flat=True)) == [
        "Vlaams minister van Justitie en Handhaving"
    ]
    assert list(Administration.objects.filter(is_demo=False).values_list("code", flat=True)) == [
        "AJH"
    ]
    assert all(
        "demo" in name.lower()
        for name in Minister.objects.filter(is_demo=True).values_list("name", flat=True)
    )


def test_demo_actions_have_a_history_record_with_their_tags(plan):
    demo_load(actions=5, seed=1)
    action = Action.objects.first()
    assert action is not None
    record = action.history.get()
    assert record.history_change_reason == "load_demo"
    assert {r.violenceform_id for r in record.violence_forms.all()} == set(
        action.violence_forms.values_list("id", flat=True)
    )


def test_demo_users_are_created_only_in_debug(plan, settings):
    settings.DEBUG = False
    demo_load(actions=3, seed=1)
    assert not User.objects.exists()


def test_demo_users_with_roles_and_administrations(plan, settings):
    settings.DEBUG = True
    demo_load(actions=3, seed=1)
    assert User.objects.get(username="coordinator").role == "coordinator"
    assert User.objects.get(username="reader").role == "reader"
    editor = User.objects.get(username="editor-demo-ov")
    assert editor.role == "editor"
    assert list(editor.administrations.values_list("code", flat=True)) == ["DEMO-OV"]
    assert editor.check_password("demo")


def test_load_demo_refuses_to_add_to_a_plan_with_actions(plan):
    call_command("load_demo", actions=3, seed=1, verbosity=0)
    with pytest.raises(CommandError, match="al acties"):
        call_command("load_demo", actions=3, seed=1, verbosity=0)
    assert Action.objects.count() == 3


def test_load_demo_if_empty_does_nothing_on_a_plan_with_actions(plan, capsys):
    call_command("load_demo", actions=3, seed=1, verbosity=0)
    call_command("load_demo", actions=3, seed=1, if_empty=True)
    assert "geen demogegevens toegevoegd" in capsys.readouterr().out
    assert Action.objects.count() == 3
