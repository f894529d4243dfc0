"""Meetings: who sees them, who records them, and what the pages show."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from consultation.models import Consultation, ConsultationState
from tests.consultation.conftest import make_meeting

pytestmark = pytest.mark.django_db


def test_coordinator_records_meeting_with_history_author(coordinator_client, plan, admin_a):
    response = coordinator_client.post(
        reverse("consultation:create"),
        {
            "date": "2026-06-10",
            "kind": "bilateral",
            "title": "Overleg met Onderwijs",
            "state": "held",
            "administrations": [admin_a.pk],
            "decisions": "Nieuwe vorming in het najaar.",
        },
    )
    meeting = Consultation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("consultation:detail", args=[meeting.pk])
    assert list(meeting.administrations.all()) == [admin_a]
    record = meeting.history.get()
    assert record.history_user.username == "coord"
    assert record.history_change_reason == "Overleg vastgelegd"


def test_bilateral_meeting_without_administration_is_refused(coordinator_client, plan):
    response = coordinator_client.post(
        reverse("consultation:create"),
        {"date": "2026-06-10", "kind": "bilateral", "title": "Overleg", "state": "planned"},
    )
    assert response.status_code == 422
    assert "minstens één administratie" in response.content.decode()
    assert not Consultation.objects.exists()


def test_editor_of_participating_administration_reads_meeting(client, editor_a, meeting):
    client.force_login(editor_a)
    response = client.get(reverse("consultation:detail", args=[meeting.pk]))
    assert response.status_code == 200
    assert "De cijfers worden aangevuld." in response.content.decode()


def test_editor_of_other_administration_gets_404(client, plan, coordinator, admin_a, editor_b):
    only_a = make_meeting(plan, coordinator, [admin_a])
    client.force_login(editor_b)
    assert client.get(reverse("consultation:detail", args=[only_a.pk])).status_code == 404


def test_reader_gets_404_for_meeting(reader_client, meeting):
    assert reader_client.get(reverse("consultation:detail", args=[meeting.pk])).status_code == 404


def test_editor_may_not_edit_meeting_they_see(client, editor_a, meeting):
    client.force_login(editor_a)
    assert client.get(reverse("consultation:edit", args=[meeting.pk])).status_code == 403


def test_coordinator_cancels_meeting_instead_of_deleting(
    coordinator_client, meeting, admin_a, admin_b
):
    response = coordinator_client.post(
        reverse("consultation:edit", args=[meeting.pk]),
        {
            "date": "2026-05-04",
            "kind": "bilateral",
            "title": meeting.title,
            "state": "cancelled",
            "administrations": [admin_a.pk, admin_b.pk],
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == ConsultationState.CANCELLED
    assert meeting.history.count() == 2


def test_list_shows_only_meetings_of_editors_administrations(
    client, plan, coordinator, admin_a, admin_b, editor_b
):
    make_meeting(plan, coordinator, [admin_a], title="Alleen Onderwijs")
    make_meeting(plan, coordinator, [admin_b], title="Alleen Welzijn")
    client.force_login(editor_b)
    body = client.get(reverse("consultation:list")).content.decode()
    assert "Alleen Welzijn" in body
    assert "Alleen Onderwijs" not in body


def test_list_is_empty_state_without_meetings(coordinator_client, plan):
    body = coordinator_client.get(reverse("consultation:list")).content.decode()
    assert "Nog geen overlegmomenten." in body


def test_reader_may_not_open_meeting_list(reader_client, plan):
    assert reader_client.get(reverse("consultation:list")).status_code == 403


def test_list_costs_fixed_queries(
    coordinator_client, plan, coordinator, admin_a, admin_b, django_assert_num_queries
):
    for n in range(6):
        make_meeting(plan, coordinator, [admin_a, admin_b], date=dt.date(2026, 1, n + 1))
    # session, user, count, meetings with plan, their administrations
    with django_assert_num_queries(5):
        response = coordinator_client.get(reverse("consultation:list"))
    assert response.content.decode().count("Bilateraal overleg voorjaar") == 6


def test_navigation_shows_overleg_to_editor(client, editor_a, plan):
    client.force_login(editor_a)
    body = client.get(reverse("consultation:list")).content.decode()
    assert f'href="{reverse("consultation:list")}"' in body
    assert reverse("consultation:inputs") not in body
