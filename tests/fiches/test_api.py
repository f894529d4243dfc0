"""The fiche and reporting-round API: ETags, workflow, scoping, filters, query counts.

Fixtures ``actions`` and ``fiches`` (tests/fiches/conftest.py): "own" is led by
administration A, "other" by B, "co_led" is led by B and co-led by A.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from actionplan.demo import demo_load
from fiches import services
from fiches.demo import demo_fiches_load
from fiches.models import Fiche, FicheState, ReportingRound, ReviewEvent
from indicators.models import IndicatorValue
from tests.factories import ActionFactory, IndicatorFactory, ReportingRoundFactory
from tests.fiches.conftest import YEAR, fill

pytestmark = pytest.mark.django_db

JSON = "application/json"


def url(fiche: Fiche, verb: str = "") -> str:
    return f"/api/v1/fiches/{fiche.pk}/" + (f"{verb}/" if verb else "")


def etag(fiche: Fiche) -> str:
    return Fiche.objects.get(pk=fiche.pk).etag


def patch(client, fiche: Fiche, data: dict, if_match: str | None = "current"):
    headers = {}
    if if_match == "current":
        headers["If-Match"] = etag(fiche)
    elif if_match is not None:
        headers["If-Match"] = if_match
    return client.patch(url(fiche), data, content_type=JSON, headers=headers)


def post(client, fiche: Fiche, verb: str, data: dict | None = None):
    return client.post(url(fiche, verb), data or {}, content_type=JSON)


# --- Authentication and visibility ----------------------------------------------------


@pytest.mark.parametrize("method", ["get", "patch"])
def test_anonymous_gets_401(client, fiches, method):
    response = getattr(client, method)(url(fiches["own"]), {}, content_type=JSON)
    assert response.status_code == 401
    assert client.get("/api/v1/fiches/").status_code == 401
    assert post(client, fiches["own"], "submit").status_code == 401


def test_unknown_fiche_is_404(client, editor_a, fiches):
    client.force_login(editor_a)
    missing = Fiche(pk=Fiche.objects.latest("pk").pk + 1)
    assert client.get(url(missing)).status_code == 404
    assert patch(client, missing, {"goal": "x"}, if_match='"fiche-1-v1"').status_code == 404


def test_every_internal_user_reads_every_fiche(reader_client, fiches):
    data = reader_client.get("/api/v1/fiches/").json()
    assert data["count"] == 3
    assert {f["action"]["title"] for f in data["results"]} == {
        "Actie van A",
        "Actie van B",
        "Samen",
    }
    assert all(not f["can_edit"] for f in data["results"])


def test_retrieve_carries_the_etag_and_the_permissions(client, editor_a, fiches):
    client.force_login(editor_a)
    fiche = fiches["own"]
    response = client.get(url(fiche))
    assert response.status_code == 200
    assert response["ETag"] == f'"fiche-{fiche.pk}-v1"'
    body = response.json()
    assert body["etag"] == response["ETag"]
    assert body["can_edit"] is True
    assert body["action"]["lead_administration"]["code"] == "OV"
    co_led = client.get(url(fiches["co_led"])).json()
    assert (co_led["can_edit"], co_led["can_contribute"]) == (False, True)
    assert [a["code"] for a in co_led["action"]["co_lead_administrations"]] == ["OV"]


# --- ETag / If-Match ------------------------------------------------------------------


def test_patch_without_if_match_is_428_and_changes_nothing(client, editor_a, fiches):
    client.force_login(editor_a)
    fiche = fiches["own"]
    response = patch(client, fiche, {"goal": "Nieuw doel"}, if_match=None)
    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]
    assert "ETag" in response.json()["detail"]
    after = Fiche.objects.get(pk=fiche.pk)
    assert (after.goal, after.version) == ("", 1)


def test_patch_with_a_stale_etag_is_412_and_changes_nothing(client, editor_a, fiches):
    client.force_login(editor_a)
    fiche = fiches["own"]
    stale = etag(fiche)
    fill(fiche, editor_a)  # someone saves in between: version 2
    response = patch(client, fiche, {"goal": "Mijn versie"}, if_match=stale)
    assert response.status_code == 412
    assert response.json()["detail"] == "Iemand anders heeft deze fiche intussen gewijzigd."
    assert response["ETag"] == f'"fiche-{fiche.pk}-v2"'
    after = Fiche.objects.get(pk=fiche.pk)
    assert (after.goal, after.version) == ("", 2)


def test_patch_with_the_etag_of_another_fiche_is_412(client, editor_a, fiches):
    client.force_login(editor_a)
    response = patch(client, fiches["own"], {"goal": "x"}, if_match=etag(fiches["other"]))
    assert response.status_code == 412
    assert Fiche.objects.get(pk=fiches["own"].pk).goal == ""


def test_patch_with_the_current_etag_saves_and_returns_a_new_etag(client, editor_a, fiches):
    client.force_login(editor_a)
    fiche = fiches["own"]
    first = client.get(url(fiche))["ETag"]
    response = patch(client, fiche, {"goal": "Nieuw doel", "obstacles": "Geen"}, if_match=first)
    assert response.status_code == 200
    assert response["ETag"] == f'"fiche-{fiche.pk}-v2"' != first
    assert response.json()["goal"] == "Nieuw doel"
    after = Fiche.objects.get(pk=fiche.pk)
    assert (after.goal, after.obstacles, after.version) == ("Nieuw doel", "Geen", 2)
    assert after.updated_by == editor_a
    assert after.history.latest().history_user == editor_a
    again = patch(client, fiche, {"goal": "Nog eens"}, if_match=first)
    assert again.status_code == 412


def test_a_save_between_reading_and_writing_is_still_caught(
    client, editor_a, coordinator, fiches, monkeypatch
):
    """The version is compared by the service on the locked row, not earlier by the view."""
    fiche = fiches["own"]
    real_save = services.fiche_save

    def save_after_someone_else(**kwargs):
        fill(Fiche.objects.get(pk=fiche.pk), coordinator)
        return real_save(**kwargs)

    monkeypatch.setattr(services, "fiche_save", save_after_someone_else)
    client.force_login(editor_a)
    response = patch(client, fiche, {"goal": "Mijn versie"})
    assert response.status_code == 412
    assert Fiche.objects.get(pk=fiche.pk).goal == ""


def test_put_needs_every_content_field(client, editor_a, fiches):
    client.force_login(editor_a)
    fiche = fiches["own"]
    headers = {"If-Match": etag(fiche)}
    partial = client.put(url(fiche), {"goal": "Doel"}, content_type=JSON, headers=headers)
    assert partial.status_code == 400
    assert "approach" in partial.json()
    full = {
        "goal": "Doel",
        "approach": "Aanpak",
        "status_update": "Loopt",
        "obstacles": "",
        "next_steps": "Verder",
        "progress_status": "on_track",
    }
    response = client.put(url(fiche), full, content_type=JSON, headers=headers)
    assert response.status_code == 200
    assert {k: response.json()[k] for k in full} == full


def test_invalid_progress_status_is_400_and_changes_nothing(client, editor_a, fiches):
    client.force_login(editor_a)
    fiche = fiches["own"]
    response = patch(client, fiche, {"goal": "x", "progress_status": "bijna"})
    assert response.status_code == 400
    assert "progress_status" in response.json()
    assert Fiche.objects.get(pk=fiche.pk).version == 1


# --- Indicator values with the fiche --------------------------------------------------


def test_indicator_values_are_saved_with_the_fiche(client, editor_a, fiches):
    fiche = fiches["own"]
    counted = IndicatorFactory(action=fiche.action, disaggregation="sex")
    judged = IndicatorFactory(action=fiche.action, kind="qualitative", unit="")
    client.force_login(editor_a)
    response = patch(
        client,
        fiche,
        {
            "status_update": "Loopt",
            "indicator_values": [
                {"indicator": counted.pk, "value": "12.5", "breakdown": {"female": 8}},
                {"indicator": judged.pk, "assessment": "Goede samenwerking"},
            ],
        },
    )
    assert response.status_code == 200, response.json()
    value = IndicatorValue.objects.get(indicator=counted, year=YEAR)
    assert value.value == Decimal("12.50")
    assert value.breakdown == {"female": "8.00"}
    assert value.updated_by == editor_a
    assert IndicatorValue.objects.get(indicator=judged).assessment == "Goede samenwerking"
    assert Fiche.objects.get(pk=fiche.pk).version == 2


def test_a_bad_indicator_value_changes_nothing(client, editor_a, fiches):
    fiche = fiches["own"]
    indicator = IndicatorFactory(action=fiche.action)
    client.force_login(editor_a)
    response = patch(
        client,
        fiche,
        {
            "goal": "Niet bewaren",
            "indicator_values": [{"indicator": indicator.pk, "no_data": True}],
        },
    )
    assert response.status_code == 400
    assert response.json() == {
        f"indicator-{indicator.pk}": ["Geef een reden waarom er geen gegevens zijn."]
    }
    assert Fiche.objects.get(pk=fiche.pk).goal == ""
    assert not IndicatorValue.objects.exists()


def test_text_as_an_indicator_value_is_refused(client, editor_a, fiches):
    fiche = fiches["own"]
    indicator = IndicatorFactory(action=fiche.action)
    client.force_login(editor_a)
    response = patch(
        client, fiche, {"indicator_values": [{"indicator": indicator.pk, "value": "veel"}]}
    )
    assert response.status_code == 400
    assert "indicator_values" in response.json()
    assert not IndicatorValue.objects.exists()


def test_an_indicator_of_another_action_is_refused(client, editor_a, fiches):
    foreign = IndicatorFactory(action=fiches["other"].action)
    client.force_login(editor_a)
    response = patch(
        client, fiches["own"], {"indicator_values": [{"indicator": foreign.pk, "value": 3}]}
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Deze indicator hoort niet bij deze actie."]}
    assert not IndicatorValue.objects.exists()


# --- Workflow -------------------------------------------------------------------------


def test_submitting_an_incomplete_fiche_is_400_listing_what_is_missing(client, editor_a, fiches):
    fiche = fiches["own"]
    IndicatorFactory(action=fiche.action, name="Aantal vormingen")
    client.force_login(editor_a)
    response = post(client, fiche, "submit")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "De fiche is nog niet volledig."
    assert body["missing"] == [
        "De stand van zaken is niet ingevuld.",
        "De voortgang is niet gekozen.",
        f"Indicator ‘Aantal vormingen’ heeft geen waarde voor {YEAR} (of ‘geen gegevens’ "
        "met een reden).",
    ]
    assert Fiche.objects.get(pk=fiche.pk).state == FicheState.DRAFT


def test_full_workflow_submit_return_resubmit_approve_reopen(client, editor_a, coordinator, fiches):
    fiche = fiches["own"]
    client.force_login(editor_a)
    assert (
        patch(client, fiche, {"status_update": "Loopt", "progress_status": "on_track"}).status_code
        == 200
    )
    submitted = post(client, fiche, "submit")
    assert submitted.status_code == 200
    assert submitted.json()["state"] == "submitted"
    assert submitted["ETag"] == etag(fiche) == f'"fiche-{fiche.pk}-v3"'
    assert patch(client, fiche, {"goal": "Te laat"}).status_code == 409

    client.force_login(coordinator)
    no_reason = post(client, fiche, "return", {"reason": "  "})
    assert no_reason.status_code == 400
    assert no_reason.json() == {"reason": ["Geef een reden op."]}
    assert post(client, fiche, "return").json() == {"reason": ["Geef een reden op."]}
    assert Fiche.objects.get(pk=fiche.pk).state == FicheState.SUBMITTED
    returned = post(client, fiche, "return", {"reason": "Vul de cijfers aan."})
    assert returned.status_code == 200
    assert returned.json()["state"] == "returned"
    assert returned.json()["review_reason"] == "Vul de cijfers aan."
    assert returned["ETag"] == etag(fiche)

    client.force_login(editor_a)
    assert patch(client, fiche, {"next_steps": "Cijfers aangevuld"}).status_code == 200
    assert post(client, fiche, "submit").json()["state"] == "submitted"

    client.force_login(coordinator)
    approved = post(client, fiche, "approve")
    assert approved.status_code == 200
    assert approved.json()["state"] == "approved"
    assert post(client, fiche, "reopen", {"reason": ""}).status_code == 400
    reopened = post(client, fiche, "reopen", {"reason": "Cijfers waren fout."})
    assert reopened.status_code == 200
    assert reopened.json()["state"] == "draft"
    assert reopened["ETag"] == etag(fiche)
    kinds = list(
        ReviewEvent.objects.filter(fiche=fiche)
        .order_by("created_at", "id")
        .values_list("kind", "reason")
    )
    assert kinds == [
        ("submit", ""),
        ("return", "Vul de cijfers aan."),
        ("submit", ""),
        ("approve", ""),
        ("reopen", "Cijfers waren fout."),
    ]


def test_approving_a_draft_is_409_and_changes_nothing(client, coordinator, fiches):
    fiche = fiches["own"]
    client.force_login(coordinator)
    response = post(client, fiche, "approve")
    assert response.status_code == 409
    assert response.json() == {"detail": "Dit kan niet: de fiche is ontwerp."}
    after = Fiche.objects.get(pk=fiche.pk)
    assert (after.state, after.version, after.approved_at) == (FicheState.DRAFT, 1, None)
    assert not ReviewEvent.objects.exists()


def test_reopening_a_submitted_fiche_is_409(client, coordinator, fiches):
    fiche = fill(fiches["own"], coordinator)
    services.fiche_submit(fiche=fiche, user=coordinator)
    client.force_login(coordinator)
    response = post(client, fiche, "reopen", {"reason": "Waarom niet"})
    assert response.status_code == 409
    assert Fiche.objects.get(pk=fiche.pk).state == FicheState.SUBMITTED


def test_submit_with_a_stale_if_match_is_412(client, editor_a, fiches):
    fiche = fill(fiches["own"], editor_a)
    client.force_login(editor_a)
    response = client.post(
        url(fiche, "submit"), content_type=JSON, headers={"If-Match": f'"fiche-{fiche.pk}-v1"'}
    )
    assert response.status_code == 412
    assert Fiche.objects.get(pk=fiche.pk).state == FicheState.DRAFT


# --- Scoping --------------------------------------------------------------------------


def test_editor_cannot_patch_a_fiche_of_another_administration(client, editor_b, fiches):
    client.force_login(editor_b)
    response = patch(client, fiches["own"], {"goal": "Van B"})
    assert response.status_code == 403
    assert response.json() == {"detail": "Je mag deze fiche niet wijzigen."}
    assert Fiche.objects.get(pk=fiches["own"].pk).goal == ""


def test_editor_cannot_submit_a_fiche_of_another_administration(
    client, editor_b, coordinator, fiches
):
    fiche = fill(fiches["own"], coordinator)
    client.force_login(editor_b)
    response = post(client, fiche, "submit")
    assert response.status_code == 403
    assert response.json() == {"detail": "Je mag deze fiche niet indienen."}
    assert Fiche.objects.get(pk=fiche.pk).state == FicheState.DRAFT


def test_reader_cannot_patch_or_submit(client, reader, coordinator, fiches):
    fiche = fill(fiches["own"], coordinator)
    client.force_login(reader)
    assert patch(client, fiche, {"goal": "Lezer"}).status_code == 403
    assert post(client, fiche, "submit").status_code == 403
    after = Fiche.objects.get(pk=fiche.pk)
    assert (after.goal, after.state) == ("", FicheState.DRAFT)


def test_co_lead_editor_cannot_patch_lead_fields(client, editor_a, fiches):
    fiche = fiches["co_led"]
    client.force_login(editor_a)
    response = patch(client, fiche, {"status_update": "Wij deden ook iets"})
    assert response.status_code == 403
    assert Fiche.objects.get(pk=fiche.pk).status_update == ""


@pytest.mark.parametrize("verb", ["approve", "return", "reopen"])
def test_only_the_coordinator_reviews(client, editor_a, coordinator, fiches, verb):
    fiche = fill(fiches["own"], coordinator)
    services.fiche_submit(fiche=fiche, user=coordinator)
    client.force_login(editor_a)
    response = post(client, fiche, verb, {"reason": "Omdat het kan"})
    assert response.status_code == 403
    assert response.json() == {"detail": "Alleen de coördinator beoordeelt fiches."}
    assert Fiche.objects.get(pk=fiche.pk).state == FicheState.SUBMITTED


# --- Filters --------------------------------------------------------------------------


def _codes(client, **params: object) -> set[str]:
    response = client.get("/api/v1/fiches/", params)
    assert response.status_code == 200, response.json()
    return {f["action"]["title"] for f in response.json()["results"]}


def test_fiche_list_filters(reader_client, coordinator, fiches, admin_a, admin_b, plan):
    ReportingRoundFactory(year=YEAR - 1)
    services.fiche_submit(fiche=fill(fiches["other"], coordinator), user=coordinator)
    everything = {"Actie van A", "Actie van B", "Samen"}
    assert _codes(reader_client) == everything
    assert Fiche.objects.count() == 6
    assert _codes(reader_client, year=YEAR) == everything
    assert reader_client.get("/api/v1/fiches/", {"year": YEAR}).json()["count"] == 3
    assert _codes(reader_client, state="submitted") == {"Actie van B"}
    assert _codes(reader_client, administration=admin_a.pk, year=YEAR) == {"Actie van A", "Samen"}
    assert _codes(reader_client, administration=admin_b.pk, year=YEAR) == {"Actie van B", "Samen"}
    own = fiches["own"].action_id
    assert reader_client.get("/api/v1/fiches/", {"action": own}).json()["count"] == 2


def test_fiche_list_refuses_an_invalid_filter(reader_client, fiches):
    response = reader_client.get("/api/v1/fiches/", {"state": "klaar"})
    assert response.status_code == 400
    assert "state" in response.json()


@pytest.mark.parametrize("size", [10, 60])
def test_fiche_list_query_count_does_not_grow(reader_client, plan, size, django_assert_num_queries):
    demo_load(actions=size, seed=5)
    demo_fiches_load(seed=1)
    # session, user, count, page of fiches (with action, lead administration, last
    # editor; permissions as subqueries), co-lead administrations of the page's actions
    with django_assert_num_queries(5):
        response = reader_client.get("/api/v1/fiches/")
    assert response.status_code == 200
    assert response.json()["count"] == Fiche.objects.count() > 0
    assert len(response.json()["results"]) == min(50, Fiche.objects.count())


def test_fiche_list_query_count_is_the_same_for_an_editor(
    client, plan, editor_a, django_assert_num_queries
):
    demo_load(actions=30, seed=5)
    demo_fiches_load(seed=1)
    client.force_login(editor_a)
    # the same five: the editor's permissions are subqueries, not a query per fiche
    with django_assert_num_queries(5):
        assert client.get("/api/v1/fiches/").status_code == 200


# --- Reporting rounds -----------------------------------------------------------------


def test_coordinator_opens_a_round_once(client, coordinator, actions):
    client.force_login(coordinator)
    body = {"year": YEAR, "deadline": f"{YEAR}-12-31"}
    first = client.post("/api/v1/reporting-rounds/", body, content_type=JSON)
    assert first.status_code == 201, first.json()
    assert first.json()["created_fiches"] == 3
    assert first.json()["fiche_count"] == 3
    assert first["Location"].endswith(f"/api/v1/reporting-rounds/{first.json()['id']}/")
    again = client.post(
        "/api/v1/reporting-rounds/", {**body, "deadline": f"{YEAR}-11-30"}, content_type=JSON
    )
    assert again.status_code == 200
    assert again.json()["created_fiches"] == 0
    assert again.json()["id"] == first.json()["id"]
    assert Fiche.objects.count() == 3
    assert ReportingRound.objects.get().deadline == dt.date(YEAR, 11, 30)


def test_editor_cannot_open_a_round(client, editor_a, actions):
    client.force_login(editor_a)
    response = client.post(
        "/api/v1/reporting-rounds/",
        {"year": YEAR, "deadline": f"{YEAR}-12-31"},
        content_type=JSON,
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "Alleen de coördinator opent een rapporteringsronde."}
    assert not ReportingRound.objects.exists()
    assert not Fiche.objects.exists()


def test_a_round_outside_the_plan_is_refused_in_dutch(client, coordinator, plan):
    client.force_login(coordinator)
    response = client.post(
        "/api/v1/reporting-rounds/", {"year": 2031, "deadline": "2031-12-31"}, content_type=JSON
    )
    assert response.status_code == 400
    assert response.json() == {
        "year": ["Kies een jaar binnen de looptijd van het plan (2025–2029)."]
    }
    assert not ReportingRound.objects.exists()


def test_every_internal_user_lists_rounds(reader_client, fiches):
    ActionFactory(start_year=2025, end_year=2025)
    ReportingRoundFactory(year=2025)
    data = reader_client.get("/api/v1/reporting-rounds/").json()
    assert [(r["year"], r["fiche_count"]) for r in data["results"]] == [(YEAR, 3), (2025, 4)]
    one = reader_client.get(f"/api/v1/reporting-rounds/{data['results'][0]['id']}/")
    assert one.json()["status"] == "open"
    assert reader_client.post("/api/v1/reporting-rounds/", {}).status_code == 403


def test_api_refuses_a_round_whose_deadline_has_passed(client, coordinator, actions, time_machine):
    time_machine.move_to(dt.datetime(2027, 2, 10, 9, 0, tzinfo=dt.UTC), tick=False)
    client.force_login(coordinator)
    response = client.post(
        "/api/v1/reporting-rounds/", {"year": 2027, "deadline": "2027-02-09"}, content_type=JSON
    )
    assert response.status_code == 400
    assert response.json() == {"deadline": ["De deadline ligt in het verleden."]}
    assert not ReportingRound.objects.exists()
    assert not Fiche.objects.exists()
    today = client.post(
        "/api/v1/reporting-rounds/", {"year": 2027, "deadline": "2027-02-10"}, content_type=JSON
    )
    assert today.status_code == 201


def test_api_refuses_text_that_looks_like_personal_data_until_confirmed(client, editor_a, fiches):
    client.force_login(editor_a)
    fiche = fiches["own"]
    text = "Slachtoffer bereikbaar op 0475 12 34 56"
    response = patch(client, fiche, {"status_update": text})
    assert response.status_code == 400
    assert response.json() == {
        "status_update": [
            "Deze tekst lijkt een telefoonnummer te bevatten. Verwijder persoonsgegevens of "
            "bevestig dat het geen persoonsgegevens zijn."
        ]
    }
    assert Fiche.objects.get(pk=fiche.pk).status_update == ""
    confirmed = patch(client, fiche, {"status_update": text, "confirm_privacy": True})
    assert confirmed.status_code == 200
    assert Fiche.objects.get(pk=fiche.pk).status_update == text


def test_api_checks_indicator_texts_for_personal_data(client, editor_a, fiches):
    client.force_login(editor_a)
    fiche = fiches["own"]
    indicator = IndicatorFactory(action=fiche.action, kind="qualitative", unit="")
    values = [{"indicator": indicator.pk, "assessment": "Meld je via jan@example.org"}]
    response = patch(client, fiche, {"indicator_values": values})
    assert response.status_code == 400
    assert "een e-mailadres" in response.json()[f"indicator-{indicator.pk}"][0]
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize(("raw", "expected"), [("1.234,5", "1234.5"), ("1.234", "1234")])
def test_indicator_values_accept_flemish_numbers_as_text(client, editor_a, fiches, raw, expected):
    fiche = fiches["own"]
    indicator = IndicatorFactory(action=fiche.action)
    client.force_login(editor_a)
    response = patch(
        client, fiche, {"indicator_values": [{"indicator": indicator.pk, "value": raw}]}
    )
    assert response.status_code == 200, response.json()
    assert IndicatorValue.objects.get(indicator=indicator).value == Decimal(expected)


def test_garbage_as_an_indicator_value_gets_the_dutch_number_message(client, editor_a, fiches):
    fiche = fiches["own"]
    indicator = IndicatorFactory(action=fiche.action)
    client.force_login(editor_a)
    response = patch(
        client, fiche, {"indicator_values": [{"indicator": indicator.pk, "value": "1e9"}]}
    )
    assert response.status_code == 400
    assert "Geef een getal, bv. 1.234,5." in str(response.json()["indicator_values"])
