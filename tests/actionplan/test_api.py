from __future__ import annotations

import json

import pytest
from knox.models import AuthToken

from actionplan.api import ActionSerializer
from actionplan.demo import demo_load
from actionplan.models import Action, RelatedPlan, ViolenceForm
from actionplan.selectors import actions_with_relations
from tests.factories import ActionFactory, MinisterFactory, ProposalFactory

pytestmark = pytest.mark.django_db

RESOURCES = [
    "plans",
    "strategic-goals",
    "operational-goals",
    "actions",
    "ministers",
    "administrations",
]


@pytest.mark.parametrize("resource", RESOURCES)
def test_api_requires_authentication(client, plan, resource):
    response = client.get(f"/api/v1/{resource}/")
    assert response.status_code == 401


def test_token_endpoint_gives_a_token_that_opens_the_api(client, plan, reader):
    response = client.post(
        "/api/v1/auth/token/", {"username": "reader", "password": "secret-pass-123"}
    )
    assert response.status_code == 200
    token = response.json()["token"]
    # Valid eight hours from now (the clock stands at 10:00 in Brussels).
    assert response.json()["expiry"].startswith("2026-06-15T18:00:")
    listing = client.get("/api/v1/strategic-goals/", headers={"Authorization": f"Token {token}"})
    assert listing.status_code == 200
    assert [g["number"] for g in listing.json()["results"]] == [1, 2, 3]


def test_token_endpoint_refuses_a_wrong_password(client, reader):
    response = client.post("/api/v1/auth/token/", {"username": "reader", "password": "nope"})
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Gebruikersnaam of wachtwoord klopt niet."]}
    assert not AuthToken.objects.exists()


def test_api_is_read_only_for_readers(reader_client, plan):
    # Editors and AJH write proposals here (tests/planning/test_proposal_api.py).
    action = ActionFactory()
    assert reader_client.post("/api/v1/actions/", {}).status_code == 403
    assert reader_client.patch(f"/api/v1/actions/{action.pk}/", {}).status_code == 403
    assert reader_client.put(f"/api/v1/actions/{action.pk}/", {}).status_code == 405


@pytest.mark.parametrize("size", [10, 200])
def test_action_list_query_count_does_not_grow(
    reader_client, plan, size, django_assert_num_queries
):
    demo_load(actions=size, seed=5)
    # session, user, count, page of actions (with goal, plan, leads), and 6 tag lists
    with django_assert_num_queries(10):
        response = reader_client.get("/api/v1/actions/")
    assert response.json()["count"] == size


def test_action_list_answers_exactly_what_the_action_serializer_makes(coordinator_client, plan):
    """The list is built from plain values for speed (``action_list_rows``): it must answer
    what ActionSerializer makes of the same actions, key for key and in the same order."""
    demo_load(actions=60, seed=5)
    # What the demo may not hold: no leads at all, several co-leads and related plans, and
    # a proposal without an operational goal (the serializer leaves that key out).
    ActionFactory(
        lead_minister=None,
        lead_administration=None,
        co_lead_ministers=MinisterFactory.create_batch(2),
        related_plans=list(RelatedPlan.objects.all()[:2]),
    )
    ProposalFactory()
    expected = ActionSerializer(
        actions_with_relations(Action.objects.select_related("plan")), many=True
    ).data
    results = []
    for page in (1, 2):
        response = coordinator_client.get("/api/v1/actions/", {"page": page})
        results += response.json()["results"]
    assert len(results) == Action.objects.count() == 62
    assert results == expected
    assert json.dumps(results) == json.dumps(expected)  # the keys in the same order too


def test_action_list_filters_like_the_overview(reader_client, plan):
    sg = ViolenceForm.objects.get(code="SG")
    wanted = ActionFactory(violence_forms=[sg])
    ActionFactory(violence_forms=[ViolenceForm.objects.get(code="IFG")])
    data = reader_client.get("/api/v1/actions/", {"violence_form": sg.pk}).json()
    assert [a["code"] for a in data["results"]] == [wanted.code]
    assert data["results"][0]["violence_forms"][0]["code"] == "SG"


def test_api_rejects_an_invalid_filter_with_a_message(reader_client, plan):
    response = reader_client.get("/api/v1/actions/", {"minister": "abc"})
    assert response.status_code == 400
    assert "minister" in response.json()


def test_openapi_schema_and_docs(reader_client, plan):
    schema = reader_client.get("/api/schema/", headers={"Accept": "application/json"})
    assert schema.status_code == 200
    assert "/api/v1/actions/" in schema.json()["paths"]
    docs = reader_client.get("/api/docs/")
    assert docs.status_code == 200
    assert "swagger-ui" in docs.text
    assert "cdn" not in docs.text.lower()


def test_ministers_say_who_held_the_portfolio_and_which_administrations_fall_under_it(
    reader_client, plan, django_assert_num_queries
):
    # session, user, count, page of portfolios, their holders, their administrations
    with django_assert_num_queries(6):
        response = reader_client.get("/api/v1/ministers/")
    [minister] = response.json()["results"]
    assert minister["name"] == "Vlaams minister van Justitie en Handhaving"
    assert minister["holders"] == [
        {"person_name": "Zuhal Demir", "valid_from": "2024-09-30", "valid_to": None}
    ]
    assert minister["administrations"] == ["AJH"]
