"""AJH's evaluation texts: written in the browser, kept in history, never overwritten."""

from __future__ import annotations

import pytest

from actionplan.models import StrategicGoal
from evaluations.models import Finding, Narrative

pytestmark = pytest.mark.django_db

INTERIM = "/reports/teksten/interim/2027/"
FINAL = "/reports/teksten/final/2029/"


@pytest.fixture
def goals(plan) -> list[StrategicGoal]:
    return list(StrategicGoal.objects.filter(plan=plan).order_by("number"))


def post_data(goals: list[StrategicGoal], version: int, summary: str, **extra: str) -> dict:
    data = {
        "version": str(version),
        "summary": summary,
        "recommendations": "Sneller rapporteren.",
        **{f"finding-{g.pk}": f"Bevindingen SD{g.number}, versie {version}." for g in goals},
    }
    data.update(extra)
    return data


def test_the_coordinator_writes_the_interim_texts(coordinator_client, coordinator, goals):
    response = coordinator_client.get(INTERIM)
    assert response.status_code == 200
    assert "Teksten: Tussentijdse evaluatie 2027" in response.text

    response = coordinator_client.post(INTERIM, post_data(goals, 1, "Eerste samenvatting."))

    assert response.status_code == 302
    assert response["Location"] == "/reports/"
    narrative = Narrative.objects.get(kind="interim", year=2027)
    assert (narrative.summary, narrative.recommendations) == (
        "Eerste samenvatting.",
        "Sneller rapporteren.",
    )
    assert (narrative.version, narrative.updated_by) == (2, coordinator)
    findings = {f.strategic_goal.number: f.text for f in narrative.findings.all()}
    assert findings == {g.number: f"Bevindingen SD{g.number}, versie 1." for g in goals}
    # The form shows what was saved.
    again = coordinator_client.get(INTERIM).text
    assert "Eerste samenvatting." in again
    assert "Bevindingen SD2, versie 1." in again


def test_history_records_who_wrote_what(coordinator_client, coordinator, goals):
    coordinator_client.post(INTERIM, post_data(goals, 1, "Eerste samenvatting."))
    coordinator_client.post(INTERIM, post_data(goals, 2, "Tweede samenvatting."))

    records = list(Narrative.history.order_by("history_date"))
    # (The first record is the empty row the first save starts from.)
    assert [r.summary for r in records][-2:] == ["Eerste samenvatting.", "Tweede samenvatting."]
    assert {r.history_user for r in records} == {coordinator}
    finding = Finding.objects.get(strategic_goal=goals[0])
    assert [h.text for h in finding.history.order_by("history_date")] == [
        "Bevindingen SD1, versie 1.",
        "Bevindingen SD1, versie 2.",
    ]
    assert {h.history_user for h in finding.history.all()} == {coordinator}


def test_a_stale_version_gets_409_keeps_the_users_text_and_overwrites_nothing(
    client, coordinator, goals
):
    from tests.factories import UserFactory

    colleague = UserFactory(username="collega", role=coordinator.role, first_name="Col")
    client.force_login(colleague)
    client.post(INTERIM, post_data(goals, 1, "Tekst van de collega."))
    client.force_login(coordinator)
    records = Narrative.history.count()

    # The coordinator opened the form at version 1, before the colleague saved.
    mine = post_data(
        goals, 1, "Mijn eigen samenvatting.", **{f"finding-{goals[0].pk}": "Mijn bevinding."}
    )
    response = client.post(INTERIM, mine)

    assert response.status_code == 409
    assert "Iemand anders heeft deze teksten intussen gewijzigd" in response.text
    assert "Er is niets overschreven." in response.text
    assert "Tekst van de collega." in response.text  # theirs, to compare
    form = response.context["form"]
    assert form.data["summary"] == "Mijn eigen samenvatting."  # mine, still in the form
    assert form.data[f"finding-{goals[0].pk}"] == "Mijn bevinding."
    assert "Mijn eigen samenvatting." in response.text
    assert form.data["version"] == "2"  # saving again now is a deliberate overwrite
    narrative = Narrative.objects.get()
    assert (narrative.summary, narrative.version, narrative.updated_by) == (
        "Tekst van de collega.",
        2,
        colleague,
    )
    assert Narrative.history.count() == records
    assert Finding.objects.get(strategic_goal=goals[0]).text == "Bevindingen SD1, versie 1."

    response = client.post(INTERIM, post_data(goals, 2, "Mijn eigen samenvatting."))
    assert response.status_code == 302
    assert Narrative.objects.get().summary == "Mijn eigen samenvatting."


@pytest.mark.parametrize("who", ["editor_a", "reader"])
def test_only_the_coordinator_writes_the_texts(client, goals, who, request):
    client.force_login(request.getfixturevalue(who))

    assert client.get(INTERIM).status_code == 403
    response = client.post(INTERIM, post_data(goals, 1, "Ongevraagde samenvatting."))

    assert response.status_code == 403
    assert not Narrative.objects.exists()


def test_the_final_evaluation_has_impact_fields_and_the_interim_not(coordinator_client, goals):
    interim = coordinator_client.get(INTERIM)
    final = coordinator_client.get(FINAL)

    assert 'name="impact_analysis"' not in interim.text
    assert not any(f'name="impact-{g.pk}"' in interim.text for g in goals)
    assert 'name="impact_analysis"' in final.text
    assert all(f'name="impact-{g.pk}"' in final.text for g in goals)

    response = coordinator_client.post(
        FINAL,
        post_data(
            goals,
            1,
            "Slotsom.",
            impact_analysis="Meetbare daling van de wachttijden.",
            **{f"impact-{goals[0].pk}": "Meer scholen met een aanspreekpunt."},
        ),
    )
    assert response.status_code == 302
    narrative = Narrative.objects.get(kind="final", year=2029)
    assert narrative.impact_analysis == "Meetbare daling van de wachttijden."
    assert narrative.findings.get(strategic_goal=goals[0]).impact == (
        "Meer scholen met een aanspreekpunt."
    )


def test_an_impact_analysis_posted_for_the_interim_is_ignored(coordinator_client, goals):
    coordinator_client.post(
        INTERIM, post_data(goals, 1, "Samenvatting.", impact_analysis="Hoort hier niet.")
    )

    assert Narrative.objects.get().impact_analysis == ""


@pytest.mark.parametrize("url", ["/reports/teksten/fiche/2027/", "/reports/teksten/interim/2031/"])
def test_unknown_evaluations_are_404(coordinator_client, plan, url):
    assert coordinator_client.get(url).status_code == 404
