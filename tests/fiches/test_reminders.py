"""The yearly cycle's mails (``send_reminders``): one message when a round opens, reminders
before the deadline, an escalation to the contact person and AJH's digest after it; each
sent once, whatever how often the command runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from fiches.models import Fiche, Reminder, ReminderKind
from fiches.reminders import day_send
from fiches.services import fiche_submit, round_open
from notifications.models import Notification, NotificationKind
from tests.fiches.conftest import YEAR, fill

pytestmark = pytest.mark.django_db

DEADLINE = dt.date(YEAR, 12, 31)
OPENED = dt.date(YEAR, 6, 15)  # the tests' day, when the fixture opens the round


@pytest.fixture(autouse=True)
def _addresses(editor_a, editor_b, coordinator):
    for user, address in (
        (editor_a, "editor-a@example.invalid"),
        (editor_b, "editor-b@example.invalid"),
        (coordinator, "ajh@example.invalid"),
    ):
        user.email = address
        user.save()


def _to(address: str) -> list[Any]:
    return [m for m in mail.outbox if address in m.to]


def test_opening_a_round_mails_each_editor_once_with_their_fiches_and_the_deadline(fiches):
    fiches["own"].status_update = "Vertrouwelijke tekst uit de fiche"
    fiches["own"].save()

    day_send(today=OPENED)

    (to_a,) = _to("editor-a@example.invalid")  # lead of "own", co-lead of "co_led"
    assert to_a.subject == "Ronde 2026 is open: 2 fiches in te vullen tegen 31 dec. 2026"
    assert "Actie van A" in to_a.body and "Samen" in to_a.body
    assert "Actie van B" not in to_a.body
    assert "http://127.0.0.1:8000/fiches/" in to_a.body
    html, mimetype = to_a.alternatives[0]
    assert mimetype == "text/html" and 'lang="nl"' in html and "Actie van A" in html
    assert "Vertrouwelijke tekst" not in to_a.body + html  # no fiche text in mails
    (to_b,) = _to("editor-b@example.invalid")
    assert "Actie van B" in to_b.body and "Samen" in to_b.body and "Actie van A" not in to_b.body

    mail.outbox.clear()
    day_send(today=OPENED)
    day_send(today=OPENED + dt.timedelta(days=1))
    assert mail.outbox == []


def test_reminders_go_14_and_3_days_before_the_deadline_for_fiches_not_submitted(fiches, editor_a):
    day_send(today=OPENED)
    fiche_submit(fiche=fill(fiches["own"], editor_a), user=editor_a)
    mail.outbox.clear()

    day_send(today=DEADLINE - dt.timedelta(days=15))
    assert mail.outbox == []

    day_send(today=DEADLINE - dt.timedelta(days=14))
    assert _to("editor-a@example.invalid") == []  # its one fiche is submitted
    (first,) = _to("editor-b@example.invalid")
    assert first.subject == "Nog 14 dagen: 2 fiches zijn nog niet ingediend"
    assert "Actie van B" in first.body and "Samen" in first.body

    mail.outbox.clear()
    day_send(today=DEADLINE - dt.timedelta(days=13))
    day_send(today=DEADLINE - dt.timedelta(days=13))
    assert mail.outbox == []

    day_send(today=DEADLINE - dt.timedelta(days=3))
    (second,) = _to("editor-b@example.invalid")
    assert second.subject == "Nog 3 dagen: 2 fiches zijn nog niet ingediend"
    assert Reminder.objects.filter(kind=ReminderKind.REMINDER).count() == 4  # 2 fiches × 2


def test_a_round_sets_its_own_reminder_days(fiches):
    rnd = fiches["own"].round
    rnd.first_reminder_days, rnd.second_reminder_days = 7, None
    rnd.save()
    day_send(today=OPENED)
    mail.outbox.clear()

    day_send(today=DEADLINE - dt.timedelta(days=14))
    assert mail.outbox == []
    day_send(today=DEADLINE - dt.timedelta(days=7))
    assert [m.subject for m in _to("editor-b@example.invalid")] == [
        "Nog 7 dagen: 2 fiches zijn nog niet ingediend"
    ]
    mail.outbox.clear()
    day_send(today=DEADLINE - dt.timedelta(days=3))
    assert mail.outbox == []


def test_after_the_deadline_the_contact_person_is_told_once_and_ajh_every_day(
    fiches, admin_a, admin_b
):
    admin_b.contact_name, admin_b.contact_email = "Hoofd Zorg", "hoofd@zw.example.invalid"
    admin_b.save()
    day_send(today=OPENED)
    mail.outbox.clear()

    day_send(today=DEADLINE + dt.timedelta(days=1))

    (escalation,) = _to("hoofd@zw.example.invalid")
    assert escalation.subject == (
        "Departement Zorg en Welzijn: 2 fiches van ronde 2026 zijn te laat"
    )
    assert "Beste Hoofd Zorg" in escalation.body and "31 dec. 2026" in escalation.body
    assert "Actie van B" in escalation.body and "Samen" in escalation.body
    (digest,) = _to("ajh@example.invalid")
    assert digest.subject.startswith("3 fiches zijn te laat")
    # Administration A has no contact person: AJH reads that nobody was told.
    assert "Zonder contactpersoon, dus zonder escalatie: Departement Onderwijs" in digest.body

    mail.outbox.clear()
    day_send(today=DEADLINE + dt.timedelta(days=1))
    assert mail.outbox == []
    day_send(today=DEADLINE + dt.timedelta(days=2))
    assert _to("hoofd@zw.example.invalid") == []
    assert len(_to("ajh@example.invalid")) == 1


def test_an_escalation_cannot_be_switched_off_but_ajh_can_choose_a_digest(
    client, fiches, admin_b, coordinator
):
    admin_b.contact_email = "hoofd@zw.example.invalid"
    admin_b.save()
    client.force_login(coordinator)
    page = client.get("/meldingen/voorkeuren/")
    assert "escalatie" in page.content.decode()
    assert NotificationKind.LATE_DIGEST.value in page.context["form"].fields
    client.post("/meldingen/voorkeuren/", {**_every("each"), "late_digest": "none"})
    day_send(today=OPENED)
    mail.outbox.clear()

    day_send(today=DEADLINE + dt.timedelta(days=1))

    assert len(_to("hoofd@zw.example.invalid")) == 1
    assert _to("ajh@example.invalid") == []
    assert Notification.objects.get(user=coordinator).kind == NotificationKind.LATE_DIGEST


def _every(delivery: str) -> dict[str, str]:
    return {kind.value: delivery for kind in NotificationKind}


def test_send_reminders_takes_the_day_and_refuses_a_wrong_one(fiches, capsys):
    call_command("send_reminders", "--today", OPENED.isoformat())
    assert "2 berichten over geopende rondes" in capsys.readouterr().out
    assert len(mail.outbox) == 2
    with pytest.raises(CommandError, match="--today"):
        call_command("send_reminders", "--today", "15/06/2026")


def test_nobody_is_mailed_for_a_round_that_has_not_opened_yet(plan, actions, coordinator):
    round_open(
        plan=plan,
        year=YEAR + 1,
        deadline=dt.date(YEAR + 1, 6, 30),
        opens_on=dt.date(YEAR + 1, 1, 15),
        user=coordinator,
    )
    day_send(today=OPENED)
    assert mail.outbox == []
    assert Fiche.objects.filter(year=YEAR + 1).exists()


def test_ajh_sets_the_reminder_days_when_opening_a_round(coordinator_client, plan, actions):
    page = coordinator_client.post(
        "/fiches/rondes/",
        {
            "year": YEAR,
            "deadline": "2026-12-31",
            "first_reminder_days": "5",
            "second_reminder_days": "10",
        },
    )
    assert page.status_code == 422
    assert "De tweede herinnering komt dichter bij de deadline" in page.content.decode()
    assert not Fiche.objects.exists()

    coordinator_client.post(
        "/fiches/rondes/",
        {"year": YEAR, "deadline": "2026-12-31", "first_reminder_days": "10"},
    )
    rnd = Fiche.objects.select_related("round").first().round  # type: ignore[union-attr]
    assert (rnd.first_reminder_days, rnd.second_reminder_days) == (10, None)


def test_an_escalation_the_mail_server_refused_is_sent_on_the_next_run(fiches, admin_b, settings):
    admin_b.contact_email = "hoofd@zw.example.invalid"
    admin_b.save()
    day_send(today=OPENED)
    mail.outbox.clear()
    locmem = settings.MAILERS
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 1},  # nothing listens there
        }
    }
    late = DEADLINE + dt.timedelta(days=1)
    day_send(today=late)  # the other messages of the day are not held up
    assert not Reminder.objects.filter(kind=ReminderKind.ESCALATION).exists()

    settings.MAILERS = locmem
    day_send(today=late)
    assert len(_to("hoofd@zw.example.invalid")) == 1
    assert Reminder.objects.filter(kind=ReminderKind.ESCALATION).count() == 2
