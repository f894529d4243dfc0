"""``Mijn taken``: what each user has to do now, with deadline and days left; the header's
count; the same list in the API. Each user sees only their own tasks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from actionplan.selectors import plan_current
from consultation.models import ConsultationKind
from consultation.services import (
    ConsultationData,
    FollowUpData,
    consultation_create,
    follow_up_create,
)
from fiches.services import contribution_save, fiche_return, fiche_submit, round_open
from tests.factories import ActionFactory
from tests.fiches.conftest import YEAR, fill
from worklist.selectors import task_count, tasks_for

pytestmark = pytest.mark.django_db

TODAY = dt.date(YEAR, 6, 15)


def _kinds(user) -> list[tuple[str, str]]:
    return [(t.kind, t.title.split(" (")[0]) for t in tasks_for(user, today=TODAY)]


def test_an_editor_fills_in_the_fiches_of_their_administration_and_contributes_to_others(
    fiches, editor_a, admin_a, actions
):
    tasks = tasks_for(editor_a, today=TODAY)
    assert [(t.kind, t.deadline, t.days_left) for t in tasks] == [
        ("fill", dt.date(YEAR, 12, 31), 199),
        ("contribute", dt.date(YEAR, 12, 31), 199),
    ]
    assert actions["own"].title in tasks[0].title
    assert actions["co_led"].title in tasks[1].title
    assert tasks[1].url.endswith("#contrib-heading")

    contribution_save(
        fiche=fiches["co_led"], user=editor_a, administration=admin_a, text="Onze bijdrage."
    )
    fiche_submit(fiche=fill(fiches["own"], editor_a), user=editor_a)
    assert tasks_for(editor_a, today=TODAY) == []
    assert task_count(editor_a) == 0


def test_a_returned_fiche_is_to_fix_with_ajh_reason_and_ajh_reviews_what_is_submitted(
    fiches, editor_a, coordinator
):
    fiche = fiche_submit(fiche=fill(fiches["own"], editor_a), user=editor_a)
    assert [t.kind for t in tasks_for(coordinator, today=TODAY)] == ["review"]
    fiche_return(fiche=fiche, user=coordinator, reason="Vul de stand van zaken aan.")

    (fix, _contribute) = tasks_for(editor_a, today=TODAY)
    assert (fix.kind, fix.label, fix.reason) == (
        "fix",
        "Fiche aanpassen",
        "Vul de stand van zaken aan.",
    )
    assert tasks_for(coordinator, today=TODAY) == []


def test_a_late_fiche_says_how_many_days_late(fiches, editor_b):
    after = tasks_for(editor_b, today=dt.date(YEAR + 1, 1, 3))
    assert {(t.days_left, t.overdue, t.days_late) for t in after} == {(-3, True, 3)}


def test_follow_up_items_of_my_administration_are_tasks(plan, admin_a, editor_a, coordinator):
    meeting = consultation_create(
        plan=plan_current(),
        user=coordinator,
        data=ConsultationData(
            date=TODAY, kind=ConsultationKind.values[0], title="Overleg", administrations=[admin_a]
        ),
    )
    follow_up_create(
        consultation=meeting,
        user=coordinator,
        data=FollowUpData(description="Cijfers bezorgen", owner=admin_a, due_date=TODAY),
    )
    follow_up_create(
        consultation=meeting,
        user=coordinator,
        data=FollowUpData(description="AJH volgt op"),
    )
    assert _kinds(editor_a) == [("follow_up", "Cijfers bezorgen")]
    assert _kinds(coordinator) == [("follow_up", "AJH volgt op")]


def test_the_page_and_the_header_count_load_in_a_fixed_number_of_queries(
    client, plan, admin_a, editor_a, coordinator, django_assert_num_queries
):
    for _ in range(3):
        ActionFactory(lead_administration=admin_a)
    round_open(plan=plan, year=YEAR, deadline=dt.date(YEAR, 12, 31), user=coordinator)
    client.force_login(editor_a)
    # session, user, fiches to fill, to contribute, follow-up items (an editor reviews none)
    with django_assert_num_queries(5):
        page = client.get(reverse("worklist:tasks"))
    assert page.content.decode().count("Fiche invullen") == 3
    assert "nog 199 dagen" in page.content.decode()
    # session, user, three counts (fill, contribute, follow-up), unread notifications
    with django_assert_num_queries(6):
        counts = client.get(reverse("worklist:header-counts"))
    assert '<span class="count-badge">3</span>' in counts.content.decode()

    for _ in range(5):
        ActionFactory(lead_administration=admin_a)
    round_open(plan=plan, year=YEAR, deadline=dt.date(YEAR, 12, 31), user=coordinator)
    with django_assert_num_queries(5):
        page = client.get(reverse("worklist:tasks"))
    assert page.content.decode().count("Fiche invullen") == 8


def test_a_reader_has_no_tasks_and_is_told_where_they_come_from(reader_client, fiches):
    page = reader_client.get(reverse("worklist:tasks"))
    assert "Je hebt nu geen taken." in page.content.decode()


def test_the_api_lists_the_same_tasks(fiches, editor_a, editor_b):
    api = APIClient()
    api.force_authenticate(editor_a)
    tasks = api.get("/api/v1/tasks/").json()
    assert [(t["kind"], t["deadline"], t["days_left"], t["overdue"]) for t in tasks] == [
        ("fill", "2026-12-31", 199, False),
        ("contribute", "2026-12-31", 199, False),
    ]
    assert tasks[0]["url"] == reverse("fiches:detail", args=[fiches["own"].pk])
    api.force_authenticate(editor_b)
    assert {
        t["title"].split(" (")[0].split(" ", 1)[1] for t in api.get("/api/v1/tasks/").json()
    } == {
        "Actie van B",
        "Samen",
    }
    assert APIClient().get("/api/v1/tasks/").status_code in (401, 403)
