"""Stakeholder input: invitation links, the public form, upload checks, AJH-only reading."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actionplan.models import User
from consultation.models import InputInvitation, InputSource, StakeholderInput
from consultation.services import InputData, invitation_create, stakeholder_input_create

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def invited(plan, coordinator):
    return invitation_create(
        plan=plan,
        user=coordinator,
        organisation="Organisatie A",
        evaluation_kind="interim",
        evaluation_year=2027,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )


def _post(client, token: str, **extra: object):
    data = {"topic": "Opvang", "text": "Meer opvangplaatsen nodig.", **extra}
    return client.post(reverse("consultation:public", args=[token]), data)


def test_coordinator_creates_invitation_and_sees_link_once(coordinator_client, plan):
    response = coordinator_client.post(
        reverse("consultation:invitation-create"),
        {
            "organisation": "Organisatie A",
            "evaluation_kind": "interim",
            "evaluation_year": "2027",
            "expires_on": "2026-07-01",
        },
    )
    body = response.content.decode()
    found = re.search(r"/inbreng/([A-Za-z0-9_-]{40,})/", body)
    assert found is not None
    token = found.group(1)
    invitation = InputInvitation.objects.get()
    assert token not in invitation.token_hash
    assert len(invitation.token_hash) == 64
    assert token not in coordinator_client.get(reverse("consultation:inputs")).content.decode()


@pytest.mark.parametrize("day", ["2027-06-17", "9999-12-31"])
def test_an_invitation_holds_for_a_year_at_most(coordinator_client, plan, day):
    response = coordinator_client.post(
        reverse("consultation:invitation-create"),
        {
            "organisation": "Organisatie A",
            "evaluation_kind": "interim",
            "evaluation_year": "2027",
            "expires_on": day,
        },
    )
    assert response.status_code == 422
    assert "Een uitnodiging geldt hoogstens een jaar." in response.content.decode()
    assert not InputInvitation.objects.exists()


def test_public_form_accepts_one_submission_without_account(client, invited):
    users_before = User.objects.count()
    response = _post(client, invited.token, consent_to_cite="on")
    assert response.status_code == 200
    assert "Bedankt voor je inbreng" in response.content.decode()
    submitted = StakeholderInput.objects.get()
    assert (submitted.organisation, submitted.source) == ("Organisatie A", InputSource.INVITATION)
    assert submitted.consent_to_cite
    assert User.objects.count() == users_before
    assert submitted.history.get().history_user is None


def test_used_invitation_is_refused_with_410(client, invited):
    _post(client, invited.token)
    response = client.get(reverse("consultation:public", args=[invited.token]))
    assert response.status_code == 410
    assert "al inbreng ingediend" in response.content.decode()
    assert _post(client, invited.token).status_code == 410
    assert StakeholderInput.objects.count() == 1


def test_expired_invitation_is_refused_with_410(client, invited, time_machine):
    time_machine.move_to(timezone.now() + dt.timedelta(days=8))
    response = client.get(reverse("consultation:public", args=[invited.token]))
    assert response.status_code == 410
    assert "verlopen" in response.content.decode()


def test_unknown_token_is_refused_with_404(client, plan):
    response = client.get(reverse("consultation:public", args=["x" * 43]))
    assert response.status_code == 404
    assert "onbekend" in response.content.decode()


def test_public_form_keeps_csrf_protection(invited):
    strict = Client(enforce_csrf_checks=True)
    assert _post(strict, invited.token).status_code == 403
    assert not StakeholderInput.objects.exists()


def test_non_pdf_with_pdf_extension_is_refused(client, invited):
    fake = SimpleUploadedFile("verslag.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = _post(client, invited.token, attachments=[fake])
    assert response.status_code == 422
    assert "geen PDF-bestand" in response.content.decode()
    assert not StakeholderInput.objects.exists()


def test_too_big_pdf_is_refused(client, invited, settings):
    settings.CONSULTATION_UPLOAD_MAX_BYTES = 100
    big = SimpleUploadedFile("groot.pdf", PDF + b"0" * 200, "application/pdf")
    response = _post(client, invited.token, attachments=[big])
    assert response.status_code == 422
    assert "groter dan" in response.content.decode()
    assert not StakeholderInput.objects.exists()


def test_text_like_personal_data_is_saved_only_after_confirmation(client, invited):
    response = _post(client, invited.token, text="Bel haar op 0470 12 34 56.")
    assert response.status_code == 422
    assert "persoonsgegevens" in response.content.decode()
    assert not StakeholderInput.objects.exists()
    assert (
        _post(client, invited.token, text="Bel 0470 12 34 56.", confirmed="on").status_code == 200
    )


def _input_with_pdf(plan, coordinator) -> StakeholderInput:
    return stakeholder_input_create(
        plan=plan,
        user=coordinator,
        evaluation_kind="final",
        evaluation_year=2029,
        data=InputData(
            organisation="Organisatie B",
            topic="Preventie",
            text="Tekst",
            attachments=[SimpleUploadedFile("nota.pdf", PDF, "application/pdf")],
        ),
    )


def test_coordinator_downloads_attachment(coordinator_client, plan, coordinator):
    attachment = _input_with_pdf(plan, coordinator).attachments.get()
    response = coordinator_client.get(reverse("consultation:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


def test_editor_cannot_download_attachment(client, editor_a, plan, coordinator):
    attachment = _input_with_pdf(plan, coordinator).attachments.get()
    client.force_login(editor_a)
    assert client.get(reverse("consultation:attachment", args=[attachment.pk])).status_code == 404


def test_attachment_is_not_under_a_public_url(plan, coordinator, settings):
    attachment = _input_with_pdf(plan, coordinator).attachments.get()
    name = attachment.file.name or ""
    assert not name.startswith(str(settings.STATIC_ROOT))
    assert name.startswith("consultation/inputs/")
    assert name.endswith(".pdf")
    assert "nota" not in name


def test_input_list_is_for_coordinator(client, editor_a, plan):
    client.force_login(editor_a)
    assert client.get(reverse("consultation:inputs")).status_code == 403


def test_input_list_costs_fixed_queries(
    coordinator_client, plan, coordinator, django_assert_num_queries
):
    for _n in range(4):
        _input_with_pdf(plan, coordinator)
    invitation_create(
        plan=plan,
        user=coordinator,
        organisation="Organisatie C",
        evaluation_kind="final",
        evaluation_year=2029,
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    # session, user, count, inputs with plan, their goals, forms of violence, attachments,
    # invitations
    with django_assert_num_queries(8):
        response = coordinator_client.get(reverse("consultation:inputs"))
    assert response.content.decode().count("Organisatie B") == 4
