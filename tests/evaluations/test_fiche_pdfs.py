"""The PDFs of a fiche, served by the reports side as a partial of the fiche page."""

from __future__ import annotations

import datetime as dt

import pytest

from actionplan.models import User
from evaluations.models import EvaluationReport, ReportKind
from fiches.models import Fiche
from fiches.services import round_open
from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db
YEAR = 2026


@pytest.fixture
def fiche(plan, admin_a, coordinator) -> Fiche:
    action = ActionFactory(lead_administration=admin_a, title="Actie van A")
    round_open(plan=plan, year=YEAR, deadline=dt.date(YEAR, 12, 31), user=coordinator)
    return Fiche.objects.get(action=action, year=YEAR)


def pdf_of(fiche: Fiche, user: User) -> EvaluationReport:
    return EvaluationReport.objects.create(
        plan=fiche.action.plan,
        kind=ReportKind.FICHE,
        year=fiche.year,
        fiche=fiche,
        requested_by=user,
    )


def url(pk: int) -> str:
    return f"/reports/fiches/{pk}/pdfs/"


def test_an_editor_sees_the_pdfs_of_a_fiche_visible_to_them(
    client, fiche, editor_a, editor_b, django_assert_num_queries
) -> None:
    report = pdf_of(fiche, editor_a)
    client.force_login(editor_b)  # another administration: reads every fiche, may not make one
    # session, user, the fiche (with can_pdf), its latest PDFs (with requester and action)
    with django_assert_num_queries(4):
        response = client.get(url(fiche.pk))
    assert response.status_code == 200
    assert f'id="report-{report.pk}"' in response.text
    assert "<html" not in response.text  # a partial, not a page


def test_a_fiche_without_pdfs_says_so_to_who_cannot_make_one(client, fiche, editor_b) -> None:
    client.force_login(editor_b)
    assert "Nog geen PDF van deze fiche." in client.get(url(fiche.pk)).text


def test_an_unknown_fiche_answers_404(client, fiche, editor_a) -> None:
    client.force_login(editor_a)
    assert client.get(url(fiche.pk + 1000)).status_code == 404


def test_anonymous_visitors_get_no_pdfs(client, fiche, editor_a) -> None:
    pdf_of(fiche, editor_a)
    response = client.get(url(fiche.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_fiche_page_loads_the_list_from_the_reports_side(client, fiche, editor_a) -> None:
    client.force_login(editor_a)
    response = client.get(f"/fiches/{fiche.pk}/")
    assert f'hx-get="{url(fiche.pk)}"' in response.text
    assert f'href="{url(fiche.pk)}"' in response.text  # without JavaScript: a plain link
