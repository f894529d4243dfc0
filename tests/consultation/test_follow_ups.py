"""Follow-up items: the owner administration updates its own, the partials on the
dashboard and the action page show open ones, overdue ones are marked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from consultation.models import FollowUpState
from consultation.selectors import open_follow_ups
from tests.consultation.conftest import make_meeting
from tests.factories import AdministrationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_editor_updates_state_of_own_follow_up_with_history(client, editor_a, item_a):
    client.force_login(editor_a)
    response = client.post(
        reverse("consultation:follow-up", args=[item_a.pk]),
        {"state": "done", "note": "Bezorgd op 12 juni."},
    )
    assert response.status_code == 302
    item_a.refresh_from_db()
    assert (item_a.state, item_a.note) == (FollowUpState.DONE, "Bezorgd op 12 juni.")
    latest = item_a.history.latest()
    assert latest.history_user == editor_a
    assert latest.history_change_reason == "Status van het opvolgpunt bijgewerkt"


def test_editor_cannot_change_description_of_own_follow_up(client, editor_a, item_a):
    client.force_login(editor_a)
    client.post(
        reverse("consultation:follow-up", args=[item_a.pk]),
        {"state": "open", "note": "", "description": "Iets anders"},
    )
    item_a.refresh_from_db()
    assert item_a.description == "Cijfers van de vormingen bezorgen"


def test_editor_gets_403_for_other_administrations_item_in_same_meeting(client, editor_a, item_b):
    client.force_login(editor_a)
    response = client.post(
        reverse("consultation:follow-up", args=[item_b.pk]), {"state": "done", "note": ""}
    )
    assert response.status_code == 403
    item_b.refresh_from_db()
    assert item_b.state == FollowUpState.OPEN


def test_editor_outside_meeting_gets_404_for_follow_up(client, plan, item_a):
    other = UserFactory(
        username="editor-c", role="editor", administrations=[AdministrationFactory(code="CJM")]
    )
    client.force_login(other)
    assert client.get(reverse("consultation:follow-up", args=[item_a.pk])).status_code == 404


def test_dropping_an_item_needs_a_note(client, editor_a, item_a):
    client.force_login(editor_a)
    response = client.post(
        reverse("consultation:follow-up", args=[item_a.pk]), {"state": "dropped", "note": ""}
    )
    assert response.status_code == 422
    assert "Licht toe waarom" in response.content.decode()


def test_owner_must_have_taken_part(coordinator_client, plan, coordinator, admin_a):
    meeting = make_meeting(plan, coordinator, [admin_a])
    outsider = AdministrationFactory(code="CJM")
    response = coordinator_client.post(
        reverse("consultation:follow-up-create", args=[meeting.pk]),
        {"description": "Iets", "owner": outsider.pk, "state": "open"},
    )
    assert response.status_code == 422
    assert not meeting.follow_ups.exists()


def test_open_follow_ups_marks_overdue_by_given_date(coordinator, item_a, item_b):
    items = open_follow_ups(as_of=dt.date(2026, 6, 15), user=coordinator)
    assert [(i.pk, vars(i)["overdue"]) for i in items] == [(item_a.pk, True), (item_b.pk, False)]
    later = open_follow_ups(as_of=dt.date(2026, 10, 1), user=coordinator)
    assert all(vars(i)["overdue"] for i in later)


def test_open_follow_ups_of_cancelled_meeting_are_not_open(coordinator, item_a, meeting):
    meeting.state = "cancelled"
    meeting.save()
    assert open_follow_ups(as_of=dt.date(2026, 6, 15), user=coordinator) == []


def test_dashboard_includes_open_follow_ups_partial(coordinator_client, plan, item_a):
    page = coordinator_client.get(reverse("dashboard:dashboard")).content.decode()
    assert f'hx-get="{reverse("consultation:open-follow-ups")}"' in page
    partial = coordinator_client.get(reverse("consultation:open-follow-ups")).content.decode()
    assert "Cijfers van de vormingen bezorgen" in partial
    assert "Te laat:" in partial


def test_action_page_partial_shows_open_items_of_that_action(
    coordinator_client, item_a, item_b, action_a
):
    page = coordinator_client.get(reverse("actionplan:action-detail", args=[action_a.pk]))
    assert reverse("consultation:action-follow-ups", args=[action_a.pk]) in page.content.decode()
    partial = coordinator_client.get(
        reverse("consultation:action-follow-ups", args=[action_a.pk])
    ).content.decode()
    assert "Cijfers van de vormingen bezorgen" in partial
    assert "Capaciteit van de opvang" not in partial


def test_action_partial_is_empty_for_reader(reader_client, item_a, action_a):
    response = reader_client.get(reverse("consultation:action-follow-ups", args=[action_a.pk]))
    assert response.status_code == 200
    assert "Cijfers" not in response.content.decode()


def test_open_follow_ups_partial_costs_fixed_queries(
    coordinator_client, item_a, item_b, django_assert_num_queries
):
    # session, user, open items with owner and meeting
    with django_assert_num_queries(3):
        coordinator_client.get(reverse("consultation:open-follow-ups"))
