from __future__ import annotations

import pytest

from actionplan.models import ViolenceForm
from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db


def test_stats_needs_authentication(client, plan):
    assert client.get("/api/v1/stats/").status_code == 401


def test_stats_give_the_dashboard_figures(reader_client, plan):
    sg = ViolenceForm.objects.get(code="SG")
    ActionFactory(violence_forms=[sg], lead_minister=None)
    ActionFactory(violence_forms=[ViolenceForm.objects.get(code="IFG")])
    data = reader_client.get("/api/v1/stats/", {"year": 2026}).json()
    assert data["year"] == 2026
    assert data["actions"] == 2
    assert data["coverage"]["violence_forms"]["SG"] == [1, 0, 0]
    assert data["coverage"]["violence_forms"]["VGV"] == [0, 0, 0]
    assert data["progress"]["totals"]["unknown"] == 2
    assert len(data["progress"]["incomplete_actions"]) == 2  # neither has an indicator
    assert data["completion"]["round"] is None


def test_stats_filters_like_the_dashboard(reader_client, plan):
    sg = ViolenceForm.objects.get(code="SG")
    ActionFactory(violence_forms=[sg])
    ActionFactory(violence_forms=[ViolenceForm.objects.get(code="IFG")])
    data = reader_client.get("/api/v1/stats/", {"violence_form": sg.pk}).json()
    assert data["actions"] == 1


def test_stats_reject_an_invalid_filter(reader_client, plan):
    response = reader_client.get("/api/v1/stats/", {"minister": "x"})
    assert response.status_code == 400
