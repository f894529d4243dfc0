"""Notifications: a review step tells the lead administration's editors at once (with AJH's
reason, never fiche text), each user chooses per kind how mails come, and the list shows
read and unread, on the page and in the API, each user only their own."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from fiches.reminders import day_send
from fiches.services import fiche_approve, fiche_return, fiche_submit, round_extend
from notifications.models import MailState, Notification, NotificationKind
from notifications.services import mail_deliver
from tests.factories import UserFactory
from tests.fiches.conftest import YEAR, fill

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _addresses(editor_a, editor_b, coordinator):
    for user in (editor_a, editor_b, coordinator):
        user.email = f"{user.username}@example.invalid"
        user.save()


@pytest.fixture
def submitted(fiches, editor_a):
    fiche = fill(fiches["own"], editor_a)
    return fiche_submit(fiche=fiche, user=editor_a)


def test_a_returned_fiche_mails_its_editors_at_once_with_the_reason(
    submitted, editor_a, editor_b, coordinator, django_capture_on_commit_callbacks, published_jobs
):
    colleague = UserFactory(role="editor", administrations=list(editor_a.administrations.all()))
    colleague.email = "collega@example.invalid"
    colleague.save()
    with django_capture_on_commit_callbacks(execute=True):
        fiche_return(fiche=submitted, user=coordinator, reason="Vul de indicator in.")

    assert ("notifications.tasks.deliver_mail", []) in published_jobs()  # sent right away
    assert mail_deliver() == 2
    assert sorted(m.to[0] for m in mail.outbox) == [
        "collega@example.invalid",
        "editor-a@example.invalid",
    ]
    message = mail.outbox[0]
    code = submitted.action.code
    assert message.subject == f"Fiche {code} (2026) is teruggestuurd"
    assert "Reden: Vul de indicator in." in message.body
    assert f"http://127.0.0.1:8000/fiches/{submitted.pk}/" in message.body
    assert "Het werk loopt." not in message.body  # the fiche's own text stays out
    assert mail_deliver() == 0  # never twice


def test_an_approval_tells_the_editors_too(submitted, editor_a, coordinator):
    fiche_approve(fiche=submitted, user=coordinator)
    note = Notification.objects.get(user=editor_a)
    assert note.kind == NotificationKind.APPROVED
    assert note.title.endswith("is goedgekeurd")
    assert note.url == reverse("fiches:detail", args=[submitted.pk])


def test_a_mail_is_dutch_whatever_the_interface_language(submitted, editor_a, coordinator):
    coordinator.language = "en"
    coordinator.save()
    client = APIClient()
    client.force_authenticate(coordinator)
    answer = client.post(
        f"/api/v1/fiches/{submitted.pk}/return/", {"reason": "Graag aanvullen."}, format="json"
    )
    assert answer.status_code == 200, answer.content
    assert Notification.objects.get(user=editor_a).title.endswith("is teruggestuurd")


def test_a_digest_collects_the_day_and_none_means_only_in_the_app(
    client, submitted, editor_a, coordinator
):
    client.force_login(editor_a)
    answer = client.post(
        reverse("notifications:preferences"),
        {
            **{kind.value: "each" for kind in NotificationKind},
            "returned": "digest",
            "approved": "none",
        },
    )
    assert answer.status_code == 302
    fiche_return(fiche=submitted, user=coordinator, reason="Eerste reden.")
    fiche = fiche_submit(fiche=fill(submitted, editor_a), user=editor_a)
    assert mail_deliver() == 0

    day_send(today=dt.date(YEAR, 6, 16))

    digests = [m for m in mail.outbox if "overzicht" in m.subject]
    assert [m.to for m in digests] == [["editor-a@example.invalid"]]
    assert "Eerste reden." in digests[0].body
    mail.outbox.clear()
    fiche_approve(fiche=fiche, user=coordinator)
    assert mail_deliver() == 0
    assert Notification.objects.filter(user=editor_a, kind="approved").get().mail_state == (
        MailState.SKIPPED
    )


def test_a_bad_preference_is_refused_and_changes_nothing(client, editor_a):
    client.force_login(editor_a)
    answer = client.post(
        reverse("notifications:preferences"),
        {**{kind.value: "each" for kind in NotificationKind}, "returned": "weekly"},
    )
    assert answer.status_code == 400
    assert "Kies een van de mogelijkheden." in answer.content.decode()
    assert not editor_a.notification_preferences.exists()
    # Editors do not get AJH's digest of what is late to choose from.
    assert "late_digest" not in answer.context["form"].fields


def test_extending_the_deadline_tells_the_editors_of_fiches_still_open(
    fiches, editor_a, editor_b, coordinator
):
    fiche_submit(fiche=fill(fiches["own"], editor_a), user=editor_a)
    round_extend(rnd=fiches["own"].round, deadline=dt.date(YEAR + 1, 1, 31), user=coordinator)
    assert not Notification.objects.filter(user=editor_a).exists()  # nothing left to submit
    (note,) = Notification.objects.filter(user=editor_b)
    assert note.title == "De deadline van ronde 2026 is verlengd tot 31 jan. 2027"
    assert "2 fiches" in note.text


def test_the_page_lists_my_notifications_and_marks_them_read(
    client, submitted, editor_a, editor_b, coordinator, django_assert_num_queries
):
    fiche_return(fiche=submitted, user=coordinator, reason="Reden <script>x</script>")
    client.force_login(editor_a)
    # session, user, unread count, page count, the page's rows
    with django_assert_num_queries(5):
        page = client.get(reverse("notifications:list"))
    html = page.content.decode()
    assert "Je hebt 1 ongelezen melding." in html
    assert "&lt;script&gt;" in html and "<script>x" not in html
    note = Notification.objects.get(user=editor_a)

    answer = client.post(reverse("notifications:open", args=[note.pk]))
    assert answer.status_code == 302 and answer["Location"] == note.url
    assert Notification.objects.get(pk=note.pk).is_read

    client.force_login(editor_b)
    assert client.post(reverse("notifications:open", args=[note.pk])).status_code == 404
    empty = client.get(reverse("notifications:list") + "?toon=ongelezen")
    assert "Je hebt geen ongelezen meldingen." in empty.content.decode()
    assert client.get(reverse("notifications:list") + "?toon=x").status_code == 400


def test_the_api_lists_my_notifications_and_marks_them_read(submitted, editor_a, coordinator):
    fiche_return(fiche=submitted, user=coordinator, reason="Reden.")
    api = APIClient()
    api.force_authenticate(editor_a)
    listed = api.get("/api/v1/notifications/?unread=true").json()
    assert listed["count"] == 1
    item = listed["results"][0]
    assert item["kind"] == "returned" and item["read"] is False and item["text"] == "Reden: Reden."

    assert api.post(f"/api/v1/notifications/{item['id']}/read/").json()["read"] is True
    assert api.get("/api/v1/notifications/?unread=true").json()["count"] == 0
    assert api.get("/api/v1/notifications/?unread=maybe").status_code == 400
    assert api.post("/api/v1/notifications/read-all/").json() == {"read": 0}

    other = APIClient()
    other.force_authenticate(coordinator)
    assert other.get(f"/api/v1/notifications/{item['id']}/").status_code == 404
    assert other.get("/api/v1/notifications/").json()["count"] == 0
    assert APIClient().get("/api/v1/notifications/").status_code in (401, 403)


def test_a_mail_that_fails_stays_pending_with_the_reason_and_is_sent_later(
    submitted, editor_a, coordinator, settings
):
    fiche_return(fiche=submitted, user=coordinator, reason="Reden.")
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 1},
        }
    }
    assert mail_deliver() == 0
    note = Notification.objects.get(user=editor_a)
    assert note.mail_state == MailState.PENDING and note.mail_attempts == 1
    assert note.mail_error
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert mail_deliver() == 1
    assert Notification.objects.get(user=editor_a).mail_state == MailState.SENT
