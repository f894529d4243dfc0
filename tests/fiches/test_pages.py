from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from actionplan.demo import demo_load
from fiches import services
from fiches.demo import demo_fiches_load
from fiches.models import Fiche, FicheState, ReportingRound
from indicators.models import IndicatorValue
from indicators.services import indicator_save
from tests.factories import UserFactory, round_opened
from tests.fiches.conftest import YEAR, fill

pytestmark = pytest.mark.django_db


def test_my_fiches_shows_own_and_co_led_not_other(client, editor_a, fiches):
    client.force_login(editor_a)
    response = client.get(reverse("fiches:mine"))
    assert "Actie van A" in response.text
    assert "Samen" in response.text
    assert "Actie van B" not in response.text
    assert "nog " in response.text  # days left


def test_my_fiches_filters_on_state(client, editor_a, fiches):
    fill(fiches["own"], editor_a)
    services.fiche_submit(fiche=fiches["own"], user=editor_a)
    client.force_login(editor_a)
    response = client.get(reverse("fiches:mine"), {"state": "submitted"})
    assert "Actie van A" in response.text
    assert "Samen" not in response.text


@pytest.mark.parametrize("size", [10, 60])
def test_my_fiches_query_count_is_fixed(client, plan, settings, size, django_assert_num_queries):
    settings.DEBUG = True  # demo users
    demo_load(actions=size, seed=2)
    demo_fiches_load(seed=2, today=dt.date(YEAR, 5, 1))
    from actionplan.models import User

    fiche = Fiche.objects.filter(year=YEAR).first()
    assert fiche is not None
    lead = fiche.action.lead_administration
    assert lead is not None
    editor = User.objects.get(username=f"editor-{lead.code.lower()}")
    client.force_login(editor)
    # session, user, open rounds (lead text), count, page of fiches
    with django_assert_num_queries(5):
        response = client.get(reverse("fiches:mine"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) > 0


@pytest.mark.parametrize("size", [10, 60])
def test_review_queue_query_count_is_fixed(client, plan, settings, size, django_assert_num_queries):
    settings.DEBUG = True
    demo_load(actions=size, seed=2)
    demo_fiches_load(seed=2, today=dt.date(YEAR, 5, 1))
    from actionplan.models import User

    client.force_login(User.objects.get(username="coordinator"))
    # session, user, count, page of submitted fiches
    with django_assert_num_queries(4):
        response = client.get(reverse("fiches:review"))
    submitted = Fiche.objects.filter(state=FicheState.SUBMITTED).count()
    assert response.context["page"].paginator.count == submitted > 0


@pytest.mark.parametrize("indicators", [1, 6])
def test_fiche_form_query_count_is_fixed(
    client, editor_a, fiches, indicators, django_assert_num_queries
):
    fiche = fiches["own"]
    for n in range(indicators):
        indicator_save(
            action=fiche.action,
            user=editor_a,
            data={"name": f"Indicator {n}", "kind": "quantitative", "unit": "aantal"},
        )
    client.force_login(editor_a)
    # session, user, fiche (+ permissions), contributions, review steps, co-leads,
    # indicators, values, previous approved fiche (the fiche's PDFs come as an htmx
    # partial from the reports side: tests/evaluations/test_fiche_pdfs.py)
    with django_assert_num_queries(9):
        response = client.get(reverse("fiches:detail", args=[fiche.pk]))
    assert response.text.count("Geen gegevens beschikbaar") == indicators


def test_review_queue_is_for_coordinators_only(client, editor_a, reader, fiches):
    for user in (editor_a, reader):
        client.force_login(user)
        assert client.get(reverse("fiches:review")).status_code == 403


def test_saving_a_draft_keeps_everything(client, editor_a, fiches):
    fiche = fiches["own"]
    client.force_login(editor_a)
    response = client.post(
        reverse("fiches:detail", args=[fiche.pk]),
        {
            "version": fiche.version,
            "goal": "Doel",
            "approach": "Aanpak",
            "status_update": "",
            "intent": "save",
        },
    )
    assert response.status_code == 302
    fiche.refresh_from_db()
    assert (fiche.goal, fiche.approach, fiche.state) == ("Doel", "Aanpak", FicheState.DRAFT)
    page = client.get(response["Location"])
    assert "Ontwerp bewaard." in page.text


def test_submitting_incomplete_shows_dutch_errors_next_to_fields_and_keeps_input(
    client, editor_a, fiches
):
    fiche = fiches["own"]
    indicator = indicator_save(
        action=fiche.action,
        user=editor_a,
        data={"name": "Bereik", "kind": "quantitative", "unit": "aantal"},
    )
    client.force_login(editor_a)
    response = client.post(
        reverse("fiches:detail", args=[fiche.pk]),
        {
            "version": fiche.version,
            "approach": "Mijn aanpak",
            "intent": "submit",
        },
    )
    assert response.status_code == 422
    text = response.text
    assert "Vul de stand van zaken in om in te dienen." in text
    assert "Kies de voortgang om in te dienen." in text
    assert "Vul een getal in, of kies ‘geen gegevens’ met een reden." in text
    assert "Mijn aanpak" in text
    fiche.refresh_from_db()
    assert (fiche.approach, fiche.state) == ("", FicheState.DRAFT)
    assert not IndicatorValue.objects.filter(indicator=indicator).exists()


def test_text_in_a_number_field_is_refused(client, editor_a, fiches):
    fiche = fiches["own"]
    indicator = indicator_save(
        action=fiche.action,
        user=editor_a,
        data={"name": "Bereik", "kind": "quantitative", "unit": "aantal"},
    )
    client.force_login(editor_a)
    response = client.post(
        reverse("fiches:detail", args=[fiche.pk]),
        {
            "version": fiche.version,
            "intent": "save",
            f"ind-{indicator.pk}-value": "ongeveer 40",
        },
    )
    assert response.status_code == 422
    assert "Geef een getal, bv. 1.234,5." in response.text
    assert "ongeveer 40" in response.text


def test_submit_complete_fiche_with_values(client, editor_a, fiches):
    fiche = fiches["own"]
    indicator = indicator_save(
        action=fiche.action,
        user=editor_a,
        data={"name": "Bereik", "kind": "quantitative", "unit": "aantal"},
    )
    client.force_login(editor_a)
    response = client.post(
        reverse("fiches:detail", args=[fiche.pk]),
        {
            "version": fiche.version,
            "intent": "submit",
            "status_update": "Loopt",
            "progress_status": "on_track",
            f"ind-{indicator.pk}-value": "1250,5",
        },
    )
    assert response.status_code == 302
    fiche.refresh_from_db()
    assert fiche.state == FicheState.SUBMITTED
    assert str(IndicatorValue.objects.get(indicator=indicator).value) == "1250.50"
    page = client.get(reverse("fiches:detail", args=[fiche.pk]))
    assert "Bewaren als ontwerp" not in page.text  # read-only now


def test_personal_data_needs_confirmation(client, editor_a, fiches):
    fiche = fiches["own"]
    client.force_login(editor_a)
    data = {
        "version": fiche.version,
        "intent": "save",
        "status_update": "Contact: jan.peeters@example.org of 0475 12 34 56",
    }
    response = client.post(reverse("fiches:detail", args=[fiche.pk]), data)
    assert response.status_code == 422
    assert "een e-mailadres en een telefoonnummer" in response.text
    assert "geen persoonsgegevens van slachtoffers" in response.text
    fiche.refresh_from_db()
    assert fiche.status_update == ""
    response = client.post(
        reverse("fiches:detail", args=[fiche.pk]), {**data, "confirm_privacy": "on"}
    )
    assert response.status_code == 302
    fiche.refresh_from_db()
    assert "jan.peeters" in fiche.status_update


def test_national_register_number_is_flagged(client, editor_a, fiches):
    fiche = fiches["own"]
    client.force_login(editor_a)
    response = client.post(
        reverse("fiches:detail", args=[fiche.pk]),
        {
            "version": fiche.version,
            "intent": "save",
            "obstacles": "Dossier 85.07.30-033.61",
        },
    )
    assert response.status_code == 422
    assert "rijksregisternummer" in response.text


def test_stale_form_shows_conflict_page_and_keeps_users_input(
    client, editor_a, coordinator, fiches
):
    fiche = fiches["own"]
    services.fiche_save(
        fiche=fiche,
        user=coordinator,
        expected_version=fiche.version,
        data={"approach": "Aanpak van AJH"},
    )
    client.force_login(editor_a)
    response = client.post(
        reverse("fiches:detail", args=[fiche.pk]),
        {
            "version": fiche.version,
            "intent": "save",
            "approach": "Aanpak van de redacteur",
        },
    )
    assert response.status_code == 409
    text = response.text
    assert "Iemand anders heeft deze fiche intussen gewijzigd" in text
    assert "Aanpak van AJH" in text
    assert "Aanpak van de redacteur" in text
    assert f'name="version" value="{fiche.version + 1}"' in text
    assert Fiche.objects.get(pk=fiche.pk).approach == "Aanpak van AJH"


def test_returned_fiche_shows_the_reason_prominently(client, editor_a, coordinator, fiches):
    fiche = fill(fiches["own"], editor_a)
    services.fiche_submit(fiche=fiche, user=editor_a)
    client.force_login(coordinator)
    response = client.post(
        reverse("fiches:return", args=[fiche.pk]),
        {"reason": "Voeg de cijfers per provincie toe", "next": "review"},
    )
    assert response["Location"] == reverse("fiches:review")
    client.force_login(editor_a)
    page = client.get(reverse("fiches:detail", args=[fiche.pk]))
    assert "Teruggestuurd door AJH" in page.text
    assert "Voeg de cijfers per provincie toe" in page.text


def test_return_without_reason_changes_nothing(client, editor_a, coordinator, fiches):
    fiche = fill(fiches["own"], editor_a)
    services.fiche_submit(fiche=fiche, user=editor_a)
    client.force_login(coordinator)
    response = client.post(reverse("fiches:return", args=[fiche.pk]), {"reason": ""}, follow=True)
    assert "Geef een reden op." in response.text
    assert Fiche.objects.get(pk=fiche.pk).state == FicheState.SUBMITTED


def test_illegal_transition_gets_a_message_and_changes_nothing(client, coordinator, fiches):
    client.force_login(coordinator)
    response = client.post(reverse("fiches:approve", args=[fiches["own"].pk]), follow=True)
    assert "Dit kan niet: de fiche is ontwerp." in response.text
    assert Fiche.objects.get(pk=fiches["own"].pk).state == FicheState.DRAFT


def test_history_shows_timeline_with_reason_and_comparison(
    client, editor_a, coordinator, plan, actions
):
    action = actions["own"]
    round_opened(plan=plan, year=2025, deadline=dt.date(2025, 12, 1), user=coordinator)
    old = Fiche.objects.get(action=action, year=2025)
    services.fiche_save(
        fiche=old,
        user=editor_a,
        expected_version=old.version,
        data={"approach": "Aanpak 2025", "status_update": "Gestart", "progress_status": "on_track"},
    )
    services.fiche_submit(fiche=old, user=editor_a)
    services.fiche_approve(fiche=old, user=coordinator)
    services.round_open(plan=plan, year=YEAR, deadline=dt.date(YEAR, 12, 1), user=coordinator)
    new = Fiche.objects.get(action=action, year=YEAR)
    new = fill(new, editor_a)
    services.fiche_submit(fiche=new, user=editor_a)
    services.fiche_return(fiche=new, user=coordinator, reason="Onvolledig")
    client.force_login(editor_a)
    page = client.get(reverse("fiches:history", args=[new.pk]))
    text = page.text
    assert "Onvolledig" in text
    assert "teruggestuurd" in text
    assert "Aanpak 2025" in text  # comparison with last year's approved fiche
    assert "Gestart" in text and "Het werk loopt." in text
    assert editor_a.get_full_name() in text


def test_coordinator_opens_a_round_in_the_browser(client, coordinator, actions):
    client.force_login(coordinator)
    deadline = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    response = client.post(
        reverse("fiches:rounds"), {"year": YEAR, "deadline": deadline}, follow=True
    )
    assert "Ronde 2026 is open: 3 nieuwe fiches." in response.text
    assert Fiche.objects.filter(year=YEAR).count() == 3
    response = client.post(
        reverse("fiches:rounds"), {"year": YEAR, "deadline": deadline}, follow=True
    )
    assert "0 nieuwe fiches" in response.text
    assert ReportingRound.objects.count() == 1


def test_round_form_refuses_year_outside_plan_and_past_deadline(client, coordinator, plan):
    client.force_login(coordinator)
    response = client.post(reverse("fiches:rounds"), {"year": 2031, "deadline": "2020-01-01"})
    assert response.status_code == 422
    assert "binnen de looptijd van het plan" in response.text
    assert "De deadline ligt in het verleden." in response.text
    assert not ReportingRound.objects.exists()


def test_editor_cannot_open_a_round(client, editor_a, plan):
    client.force_login(editor_a)
    response = client.post(reverse("fiches:rounds"), {"year": YEAR, "deadline": "2030-01-01"})
    assert response.status_code == 403
    assert not ReportingRound.objects.exists()


def test_editor_of_two_administrations_sees_both(client, fiches, admin_a, admin_b):
    user = UserFactory(username="both", role="editor", administrations=[admin_a, admin_b])
    client.force_login(user)
    response = client.get(reverse("fiches:mine"))
    for title in ("Actie van A", "Actie van B", "Samen"):
        assert title in response.text
