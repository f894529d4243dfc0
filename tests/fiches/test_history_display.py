"""The fiche history reads as people speak: Brussels time, never ISO UTC; full names."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from fiches.models import Fiche
from fiches.services import fiche_submit
from tests.fiches.conftest import fill


@pytest.mark.django_db
def test_the_fiche_history_shows_brussels_time_and_full_names(client, editor_a, fiches):
    fiche = fill(fiches["own"], editor_a)
    fiche_submit(fiche=fiche, user=editor_a)
    client.force_login(editor_a)

    page = client.get(reverse("fiches:history", args=[fiche.pk]))

    assert "+00:00" not in page.text
    submitted = Fiche.objects.get(pk=fiche.pk).submitted_at
    assert submitted is not None
    local = submitted.astimezone(ZoneInfo("Europe/Brussels"))
    assert f"om {local:%H:%M}" in page.text
    assert editor_a.get_full_name() in page.text
    assert editor_a.username not in page.text
