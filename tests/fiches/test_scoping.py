"""Every role × (own, other, co-led fiche) × every verb, through the pages.

"own" is relative to editor A: led by administration A. A coordinator and a reader have
no administration; for them the three fiches are simply three fiches.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from fiches import services
from fiches.models import Fiche, FicheState
from tests.fiches.conftest import fill

pytestmark = pytest.mark.django_db

VERBS = ["view", "edit", "submit", "approve", "return", "reopen"]
ALLOWED = {
    "coordinator": {verb: {"own", "other", "co_led"} for verb in VERBS},
    "editor_a": {"view": {"own", "other", "co_led"}, "edit": {"own"}, "submit": {"own"}},
    "reader": {"view": {"own", "other", "co_led"}},
}
# Which state the fiche must be in for the verb to be legal at all.
PRECONDITION = {
    "view": "draft",
    "edit": "draft",
    "submit": "draft",
    "approve": "submitted",
    "return": "submitted",
    "reopen": "approved",
}
RESULT = {
    "edit": FicheState.DRAFT,
    "submit": FicheState.SUBMITTED,
    "approve": FicheState.APPROVED,
    "return": FicheState.RETURNED,
    "reopen": FicheState.DRAFT,
}


def _prepare(fiche: Fiche, state: str, coordinator) -> Fiche:
    fiche = fill(fiche, coordinator)
    if state in ("submitted", "approved"):
        services.fiche_submit(fiche=fiche, user=coordinator)
    if state == "approved":
        services.fiche_approve(fiche=fiche, user=coordinator)
    return Fiche.objects.get(pk=fiche.pk)


@pytest.mark.parametrize("role", list(ALLOWED))
@pytest.mark.parametrize("kind", ["own", "other", "co_led"])
@pytest.mark.parametrize("verb", VERBS)
def test_scoping_matrix(client, request, fiches, coordinator, role, kind, verb):
    user = request.getfixturevalue(role)
    fiche = _prepare(fiches[kind], PRECONDITION[verb], coordinator)
    client.force_login(user)
    allowed = kind in ALLOWED[role].get(verb, set())

    if verb == "view":
        response = client.get(reverse("fiches:detail", args=[fiche.pk]))
        assert response.status_code == 200
        assert fiche.action.title in response.text
        return
    if verb == "edit":
        response = client.post(
            reverse("fiches:detail", args=[fiche.pk]),
            {
                "version": fiche.version,
                "approach": "Gewijzigd door test",
                "intent": "save",
                "status_update": fiche.status_update,
                "progress_status": fiche.progress_status,
            },
        )
    else:
        response = client.post(reverse(f"fiches:{verb}", args=[fiche.pk]), {"reason": "Een reden"})
    after = Fiche.objects.get(pk=fiche.pk)
    if allowed:
        assert response.status_code == 302
        expected = RESULT[verb]
        assert after.state == expected
        if verb == "edit":
            assert after.approach == "Gewijzigd door test"
    else:
        assert response.status_code == 403
        assert (after.state, after.version, after.approach) == (
            fiche.state,
            fiche.version,
            fiche.approach,
        )


def test_anonymous_sees_no_fiche(client, fiches):
    response = client.get(reverse("fiches:detail", args=[fiches["own"].pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_unknown_fiche_is_404(client, reader, fiches):
    client.force_login(reader)
    assert client.get(reverse("fiches:detail", args=[999999])).status_code == 404


def test_editor_sees_a_form_only_on_own_fiche(client, editor_a, fiches):
    client.force_login(editor_a)
    own = client.get(reverse("fiches:detail", args=[fiches["own"].pk]))
    other = client.get(reverse("fiches:detail", args=[fiches["other"].pk]))
    assert "Bewaren als ontwerp" in own.text
    assert "Bewaren als ontwerp" not in other.text


def test_co_lead_editor_sees_a_contribution_form(client, editor_a, fiches, admin_a):
    client.force_login(editor_a)
    page = client.get(reverse("fiches:detail", args=[fiches["co_led"].pk]))
    assert "Bewaren als ontwerp" not in page.text
    assert f"Bijdrage van {admin_a.name}" in page.text
    response = client.post(
        reverse("fiches:contribution", args=[fiches["co_led"].pk]),
        {"administration": admin_a.pk, "text": "Onze bijdrage"},
    )
    assert response.status_code == 302
    page = client.get(reverse("fiches:detail", args=[fiches["co_led"].pk]))
    assert "Onze bijdrage" in page.text


def test_contribution_to_a_fiche_not_co_led_is_403(client, editor_a, fiches, admin_a):
    client.force_login(editor_a)
    response = client.post(
        reverse("fiches:contribution", args=[fiches["other"].pk]),
        {"administration": admin_a.pk, "text": "Ongevraagd"},
    )
    assert response.status_code == 403
