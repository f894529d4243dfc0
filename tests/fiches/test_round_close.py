"""AJH closes a round (no editing after closing; a late fiche needs AJH to reopen it) and
extends an open round's deadline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fiches.models import Fiche, FicheState, RoundStatus
from fiches.services import (
    WorkflowError,
    fiche_approve,
    fiche_reopen,
    fiche_save,
    fiche_submit,
    round_close,
    round_extend,
)
from tests.fiches.conftest import YEAR, fill

pytestmark = pytest.mark.django_db


def _fresh(fiche: Fiche) -> Fiche:
    return Fiche.objects.select_related("round").get(pk=fiche.pk)


def _save(fiche: Fiche, user, text: str) -> Fiche:
    current = _fresh(fiche)
    return fiche_save(
        fiche=current, user=user, expected_version=current.version, data={"obstacles": text}
    )


def test_after_closing_a_draft_cannot_be_saved_or_submitted(fiches, editor_a, coordinator):
    fiche = fill(fiches["own"], editor_a)
    round_close(rnd=fiche.round, user=coordinator)

    with pytest.raises(WorkflowError, match="afgesloten"):
        _save(fiche, editor_a, "Te laat")
    with pytest.raises(WorkflowError, match="Vraag AJH"):
        fiche_submit(fiche=_fresh(fiche), user=editor_a)
    assert _fresh(fiche).obstacles == ""
    assert not Fiche.objects.editable_by(editor_a).filter(pk=fiche.pk).exists()


def test_the_fiche_page_says_why_and_shows_no_form(client, fiches, editor_a, coordinator):
    fiche = fiches["own"]
    round_close(rnd=fiche.round, user=coordinator)
    client.force_login(editor_a)

    page = client.get(reverse("fiches:detail", args=[fiche.pk]))

    assert page.context["form"] is None
    assert f"Ronde {YEAR} is afgesloten" in page.text


def test_the_api_refuses_an_edit_after_closing(client, fiches, editor_a, coordinator):
    fiche = fiches["own"]
    round_close(rnd=fiche.round, user=coordinator)
    client.force_login(editor_a)

    response = client.patch(
        f"/api/v1/fiches/{fiche.pk}/",
        {"obstacles": "Te laat"},
        content_type="application/json",
        headers={"If-Match": f'"fiche-{fiche.pk}-v{fiche.version}"'},
    )

    assert response.status_code == 409
    assert "afgesloten" in response.json()["detail"]
    assert _fresh(fiche).obstacles == ""


def test_ajh_reopens_a_late_fiche_with_a_reason(fiches, editor_a, coordinator):
    fiche = fill(fiches["own"], editor_a)
    round_close(rnd=fiche.round, user=coordinator)

    reopened = fiche_reopen(fiche=_fresh(fiche), user=coordinator, reason="Afwezigheid")

    assert reopened.state == FicheState.DRAFT and reopened.late_allowed
    _save(fiche, editor_a, "Nu wel")
    submitted = fiche_submit(fiche=_fresh(fiche), user=editor_a)
    assert submitted.state == FicheState.SUBMITTED
    assert _fresh(fiche).history.first().history_change_reason


def test_without_a_reason_nothing_is_reopened(fiches, coordinator):
    fiche = fiches["own"]
    round_close(rnd=fiche.round, user=coordinator)

    with pytest.raises(ValidationError):
        fiche_reopen(fiche=_fresh(fiche), user=coordinator, reason="  ")
    assert not _fresh(fiche).late_allowed


def test_an_approved_fiche_reopened_after_closing_is_editable(fiches, editor_a, coordinator):
    fiche = fill(fiches["own"], editor_a)
    fiche_submit(fiche=_fresh(fiche), user=editor_a)
    fiche_approve(fiche=_fresh(fiche), user=coordinator)
    round_close(rnd=fiche.round, user=coordinator)

    fiche_reopen(fiche=_fresh(fiche), user=coordinator, reason="Cijfer verbeteren")

    assert _save(fiche, editor_a, "Verbeterd").obstacles == "Verbeterd"


def test_submitted_fiches_are_still_reviewed_after_closing(fiches, editor_a, coordinator):
    fiche = fill(fiches["own"], editor_a)
    fiche_submit(fiche=_fresh(fiche), user=editor_a)
    round_close(rnd=fiche.round, user=coordinator)

    assert fiche_approve(fiche=_fresh(fiche), user=coordinator).state == FicheState.APPROVED


def test_only_ajh_closes_and_a_round_closes_once(fiches, editor_a, coordinator):
    rnd = fiches["own"].round
    with pytest.raises(PermissionDenied):
        round_close(rnd=rnd, user=editor_a)
    round_close(rnd=rnd, user=coordinator)
    with pytest.raises(WorkflowError, match="al afgesloten"):
        round_close(rnd=rnd, user=coordinator)


def test_the_close_page_says_what_closing_locks_and_asks_to_confirm(
    coordinator_client, fiches, editor_a
):
    rnd = fiches["own"].round
    url = reverse("fiches:round-close", args=[rnd.pk])

    page = coordinator_client.get(url)
    assert "Na het afsluiten kunnen 3 fiches die nog niet ingediend zijn" in page.text
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.OPEN

    done = coordinator_client.post(url)
    assert done.status_code == 302
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.CLOSED
    assert coordinator_client.post(url).status_code == 409


def test_an_editor_may_not_close_or_extend(client, fiches, editor_a):
    rnd = fiches["own"].round
    client.force_login(editor_a)

    assert client.post(reverse("fiches:round-close", args=[rnd.pk])).status_code == 403
    extend = client.post(
        reverse("fiches:round-extend", args=[rnd.pk]), {"deadline": f"{YEAR + 1}-01-31"}
    )
    assert extend.status_code == 403
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.OPEN and rnd.deadline == dt.date(YEAR, 12, 31)


def test_ajh_extends_the_deadline_with_history(coordinator_client, fiches):
    rnd = fiches["own"].round

    done = coordinator_client.post(
        reverse("fiches:round-extend", args=[rnd.pk]), {"deadline": f"{YEAR + 1}-01-31"}
    )

    assert done.status_code == 302
    rnd.refresh_from_db()
    assert rnd.deadline == dt.date(YEAR + 1, 1, 31)
    assert rnd.history.first().history_change_reason == (
        f"deadline verlengd van 31 dec. {YEAR} tot 31 jan. {YEAR + 1}"
    )


def test_an_earlier_deadline_is_no_extension(coordinator_client, fiches):
    rnd = fiches["own"].round

    page = coordinator_client.post(
        reverse("fiches:round-extend", args=[rnd.pk]), {"deadline": f"{YEAR}-11-30"}
    )

    assert page.status_code == 422
    assert "Kies een datum na de huidige deadline (31 dec." in page.text
    rnd.refresh_from_db()
    assert rnd.deadline == dt.date(YEAR, 12, 31)


def test_a_closed_round_is_not_extended(fiches, coordinator):
    rnd = round_close(rnd=fiches["own"].round, user=coordinator)

    with pytest.raises(WorkflowError):
        round_extend(rnd=rnd, deadline=dt.date(YEAR + 1, 1, 31), user=coordinator)
