"""API of meetings, follow-up items and stakeholder input; the report's selector; demo."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from actionplan.models import Plan
from consultation.demo import demo_consultation_load, demo_consultation_purge
from consultation.models import Consultation, FollowUp, FollowUpState, StakeholderInput
from consultation.selectors import evaluation_consultation
from consultation.services import InputData, stakeholder_input_create
from tests.consultation.conftest import make_meeting

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_editor_patches_state_of_own_follow_up(editor_a, item_a):
    response = api(editor_a).patch(
        f"/api/v1/follow-ups/{item_a.pk}/", {"state": "done", "note": "Klaar"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["state"] == "done"
    item_a.refresh_from_db()
    assert item_a.history.latest().history_user == editor_a


def test_editor_patch_of_other_item_is_403(editor_a, item_b):
    response = api(editor_a).patch(
        f"/api/v1/follow-ups/{item_b.pk}/", {"state": "done"}, format="json"
    )
    assert response.status_code == 403
    assert FollowUp.objects.get(pk=item_b.pk).state == FollowUpState.OPEN


def test_reader_sees_no_consultations(reader, meeting):
    assert api(reader).get(f"/api/v1/consultations/{meeting.pk}/").status_code == 404
    assert api(reader).get("/api/v1/consultations/").json()["count"] == 0


def test_editor_may_not_create_consultation(editor_a, plan, admin_a):
    response = api(editor_a).post(
        "/api/v1/consultations/",
        {"date": "2026-06-01", "kind": "bilateral", "title": "X", "administrations": ["OV"]},
        format="json",
    )
    assert response.status_code == 403
    assert not Consultation.objects.exists()


def test_coordinator_creates_consultation(coordinator, plan, admin_a):
    response = api(coordinator).post(
        "/api/v1/consultations/",
        {"date": "2026-06-01", "kind": "bilateral", "title": "X", "administrations": ["OV"]},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["administrations"] == ["OV"]


def test_stakeholder_inputs_are_for_coordinator_only(editor_a, plan):
    assert api(editor_a).get("/api/v1/stakeholder-inputs/").status_code == 403


def test_consultation_list_costs_fixed_queries(
    coordinator, plan, admin_a, admin_b, django_assert_num_queries
):
    for n in range(5):
        make_meeting(plan, coordinator, [admin_a, admin_b], date=dt.date(2026, 2, n + 1))
    # count, meetings with plan, administrations, actions, strategic goals, operational goals
    with django_assert_num_queries(6):
        response = api(coordinator).get("/api/v1/consultations/")
    assert response.json()["count"] == 5


def test_follow_up_list_costs_fixed_queries(editor_a, item_a, item_b, django_assert_num_queries):
    # count, items with owner and meeting, their actions
    with django_assert_num_queries(3):
        response = api(editor_a).get("/api/v1/follow-ups/")
    assert response.json()["count"] == 2


def test_evaluation_consultation_has_meetings_and_citable_input(
    plan, coordinator, item_a, django_assert_num_queries
):
    for consent in (True, False):
        stakeholder_input_create(
            plan=plan,
            user=coordinator,
            evaluation_kind="interim",
            evaluation_year=2027,
            data=InputData(organisation="Org", topic="T", text="x", consent_to_cite=consent),
        )
    # meetings, administrations, follow-ups with owners, citable inputs, goals, forms, count
    with django_assert_num_queries(7):
        found = evaluation_consultation(plan, "interim", 2027)
    assert [m.title for m in found.meetings] == ["Bilateraal overleg voorjaar"]
    assert [f.pk for f in found.follow_ups] == [item_a.pk]
    assert len(found.citable_inputs) == 1
    assert found.inputs_received == 2
    assert evaluation_consultation(plan, "final", 2029).inputs_received == 0


def test_demo_load_marks_rows_and_purge_removes_them_with_history(plan, coordinator, item_a):
    counts = demo_consultation_load(Plan.objects.get(), seed=1)
    assert counts["consultations"] == 3
    assert all(i.organisation.endswith("(demo)") for i in StakeholderInput.objects.all())
    demo_consultation_purge()
    assert list(Consultation.objects.all()) == [item_a.consultation]
    assert not StakeholderInput.objects.exists()
    assert Consultation.history.filter(is_demo=True).count() == 0


def test_purge_demo_command_includes_consultation(plan, coordinator):
    demo_consultation_load(Plan.objects.get(), seed=2)
    call_command("purge_demo")
    assert not Consultation.objects.filter(is_demo=True).exists()
