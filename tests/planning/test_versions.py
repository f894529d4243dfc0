"""Plan versions: prepare, submit (snapshot and SHA-256), record the government's approval,
read and compare earlier versions."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from actionplan.models import Action, ActionStage
from actionplan.services import action_save
from planning import snapshots
from planning.models import PlanVersion, VersionState
from planning.services import (
    WorkflowError,
    plan_version_approve,
    plan_version_create,
    plan_version_submit,
    version_content,
)
from tests.factories import ActionFactory, OperationalGoalFactory, ProposalFactory
from tests.planning.helpers import (
    DECISION,
    REFERENCE,
    accepted_action,
    add_indicator,
    approve_version,
    baseline,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(plan, coordinator, admin_a) -> PlanVersion:
    action = accepted_action(admin_a, title="Vormingsaanbod voor leerkrachten")
    add_indicator(action, coordinator)
    version = plan_version_create(plan=plan, user=coordinator)
    return plan_version_submit(version=version, user=coordinator)


def _approve(version: PlanVersion, user, **changes) -> PlanVersion:
    values = {"decision_date": DECISION, "decision_reference": REFERENCE, **changes}
    return plan_version_approve(version=version, user=user, **values)


# --- Creating and submitting -------------------------------------------------------------


def test_coordinator_prepares_version_1_as_a_draft(plan, coordinator):
    version = plan_version_create(plan=plan, user=coordinator)
    assert (version.number, version.state, version.content_sha256) == (1, "draft", "")
    assert version.history.latest().history_change_reason == "versie aangemaakt"


def test_editor_cannot_prepare_a_version(plan, editor_a):
    with pytest.raises(PermissionDenied, match="Alleen AJH maakt een planversie aan."):
        plan_version_create(plan=plan, user=editor_a)


def test_only_one_open_version_per_plan(plan, coordinator):
    plan_version_create(plan=plan, user=coordinator)
    with pytest.raises(WorkflowError, match="Versie 1 van dit plan is nog open"):
        plan_version_create(plan=plan, user=coordinator)


def test_submitting_stores_the_canonical_content_and_its_sha256(submitted):
    content = submitted.content
    assert submitted.state == VersionState.SUBMITTED
    assert [a["title"] for a in content["actions"]] == ["Vormingsaanbod voor leerkrachten"]
    action = content["actions"][0]
    assert action["indicators"][0]["target_value"] == "400"
    assert action["lead_administration"] == "Departement Onderwijs en Vorming"
    canonical = snapshots.canonical_json(content).encode()
    assert submitted.content_sha256 == hashlib.sha256(canonical).hexdigest()
    assert b'"actions":[{' in canonical  # sorted keys, no spaces


def test_the_sha256_is_the_same_for_the_same_content(submitted):
    assert snapshots.content_sha256(version_content(submitted)) == submitted.content_sha256


def test_the_sha256_changes_with_the_content(submitted, coordinator):
    action = Action.objects.get(title="Vormingsaanbod voor leerkrachten")
    action.end_year = 2028
    action_save(action=action, reason="test")
    assert snapshots.content_sha256(version_content(submitted)) != submitted.content_sha256


def test_proposals_are_not_part_of_a_version(plan, coordinator, admin_a):
    ProposalFactory(title="Nog maar een voorstel", lead_administration=admin_a)
    accepted_action(admin_a, title="Aanvaard")
    version = plan_version_submit(
        version=plan_version_create(plan=plan, user=coordinator), user=coordinator
    )
    assert version.content is not None
    assert [a["title"] for a in version.content["actions"]] == ["Aanvaard"]


def test_submitting_refuses_accepted_actions_not_yet_clustered(plan, coordinator, admin_a):
    ProposalFactory(title="Zonder operationele doelstelling", stage=ActionStage.ACCEPTED)
    version = plan_version_create(plan=plan, user=coordinator)
    with pytest.raises(ValidationError) as exc:
        plan_version_submit(version=version, user=coordinator)
    assert exc.value.messages == [
        "Deze aanvaarde acties zijn nog niet geclusterd onder een operationele doelstelling: "
        "SD1: Zonder operationele doelstelling."
    ]
    assert PlanVersion.objects.get().state == VersionState.DRAFT


# --- Approval ----------------------------------------------------------------------------


def test_approval_freezes_the_version_and_approves_its_accepted_actions(submitted, coordinator):
    version = _approve(submitted, coordinator)
    assert (version.state, version.decision_date, version.decision_reference) == (
        "approved",
        DECISION,
        REFERENCE,
    )
    action = Action.objects.get(title="Vormingsaanbod voor leerkrachten")
    assert action.stage == ActionStage.APPROVED
    record = action.history.latest()
    assert record.history_change_reason == (
        "goedgekeurd in planversie 1 (beslissing VR 2026 1206 DOC.0123/1 van 12 jun. 2026)"
    )
    assert record.is_adjustment is False


def test_the_first_approval_is_the_plans_baseline(submitted, coordinator, plan):
    assert not plan.has_baseline
    _approve(submitted, coordinator)
    plan.refresh_from_db()
    assert plan.baseline_approved_on == DECISION
    record = plan.history.latest()
    assert (record.history_user, record.history_change_reason) == (
        coordinator,
        "goedgekeurd in planversie 1 (beslissing VR 2026 1206 DOC.0123/1 van 12 jun. 2026)",
    )


def test_approval_needs_the_decision_date_and_reference(submitted, coordinator):
    with pytest.raises(ValidationError) as exc:
        _approve(submitted, coordinator, decision_date=None, decision_reference=" ")
    assert set(exc.value.message_dict) == {"decision_date", "decision_reference"}
    assert PlanVersion.objects.get().state == VersionState.SUBMITTED


def test_approval_refuses_a_decision_date_in_the_future(submitted, coordinator):
    with pytest.raises(ValidationError) as exc:
        _approve(submitted, coordinator, decision_date=dt.date(2026, 6, 16))
    assert exc.value.message_dict["decision_date"] == [
        "De datum van de beslissing ligt in de toekomst."
    ]


def test_approval_refuses_a_plan_changed_since_the_submission(submitted, coordinator):
    action = Action.objects.get(title="Vormingsaanbod voor leerkrachten")
    action.title = "Vormingsaanbod voor alle leerkrachten"
    action_save(action=action, reason="test")
    with pytest.raises(WorkflowError, match="Het plan is gewijzigd sinds versie 1 werd ingediend"):
        _approve(submitted, coordinator)
    assert Action.objects.get(pk=action.pk).stage == ActionStage.ACCEPTED


def test_submitting_again_takes_the_changed_content_so_approval_succeeds(submitted, coordinator):
    action = Action.objects.get(title="Vormingsaanbod voor leerkrachten")
    action.title = "Vormingsaanbod voor alle leerkrachten"
    action_save(action=action, reason="test")
    again = plan_version_submit(version=submitted, user=coordinator)
    assert again.content_sha256 != submitted.content_sha256
    assert _approve(again, coordinator).state == VersionState.APPROVED


def test_a_draft_cannot_be_approved_before_it_is_submitted(plan, coordinator):
    version = plan_version_create(plan=plan, user=coordinator)
    with pytest.raises(WorkflowError, match="Enkel een ingediende versie"):
        _approve(version, coordinator)


def test_an_approved_version_never_changes(submitted, coordinator):
    version = _approve(submitted, coordinator)
    with pytest.raises(WorkflowError, match="Een goedgekeurde versie verandert niet meer."):
        plan_version_submit(version=version, user=coordinator)


def test_editor_cannot_record_the_approval(submitted, editor_a):
    with pytest.raises(PermissionDenied):
        _approve(submitted, editor_a)


def test_a_later_version_holds_the_plan_as_approved_not_new_accepted_actions(
    plan, coordinator, admin_a
):
    baseline(plan, coordinator, admin_a)
    accepted_action(admin_a, title="Later aanvaard, nog zonder wijzigingsverzoek")
    version = plan_version_submit(
        version=plan_version_create(plan=plan, user=coordinator), user=coordinator
    )
    assert version.number == 2
    assert version.content is not None
    assert [a["title"] for a in version.content["actions"]] == ["Vormingsaanbod voor leerkrachten"]


# --- Comparing ---------------------------------------------------------------------------


def test_compare_lists_added_removed_and_changed_actions_and_goals():
    old = {
        "strategic_goals": [{"number": 1, "title": "Preventie"}],
        "operational_goals": [{"code": "1.1", "title": "Onderwijs"}],
        "actions": [
            {"id": 1, "code": "1.1.1", "title": "Blijft", "timing": _timing(2029)},
            {"id": 2, "code": "1.1.2", "title": "Verdwijnt", "timing": _timing(2029)},
        ],
    }
    new = {
        "strategic_goals": [{"number": 1, "title": "Preventie"}],
        "operational_goals": [{"code": "1.2", "title": "Welzijn"}],
        "actions": [
            {"id": 1, "code": "1.1.1", "title": "Blijft", "timing": _timing(2028)},
            {"id": 3, "code": "1.2.1", "title": "Nieuw", "timing": _timing(2029)},
        ],
    }
    result = snapshots.compare(old, new)
    assert [a["title"] for a in result.actions_added] == ["Nieuw"]
    assert [a["title"] for a in result.actions_removed] == ["Verdwijnt"]
    [changed] = result.actions_changed
    assert [(c.label, c.old, c.new) for c in changed.changes] == [
        ("timing", "Q1 2025 – Q4 2029", "Q1 2025 – Q4 2028")
    ]
    assert (result.goals_added, result.goals_removed) == (["OD1.2. Welzijn"], ["OD1.1. Onderwijs"])


def _timing(end_year: int) -> dict[str, int]:
    return {"start_year": 2025, "start_quarter": 1, "end_year": end_year, "end_quarter": 4}


# --- Pages -------------------------------------------------------------------------------


def test_version_list_costs_a_fixed_number_of_queries(
    coordinator_client, plan, coordinator, admin_a, django_assert_num_queries
):
    baseline(plan, coordinator, admin_a)
    plan_version_create(plan=plan, user=coordinator)
    coordinator_client.get(reverse("planning:versions"))  # warm the session
    # session, user, plan, open version exists, count, versions with request counts
    with django_assert_num_queries(6):
        response = coordinator_client.get(reverse("planning:versions"))
    assert response.status_code == 200
    assert "Versie 2" in response.text and "Versie 1" in response.text


def test_version_list_shows_an_empty_state(reader_client, plan):
    response = reader_client.get(reverse("planning:versions"))
    assert "Nog geen planversies." in response.text
    assert "Versie aanmaken" not in response.text


def test_version_page_shows_the_decision_and_the_sha256(
    coordinator_client, plan, coordinator, admin_a
):
    version, _action = baseline(plan, coordinator, admin_a)
    response = coordinator_client.get(reverse("planning:version-detail", args=[version.pk]))
    assert REFERENCE in response.text
    assert version.content_sha256 in response.text
    assert "Vormingsaanbod voor leerkrachten" in response.text


def test_coordinator_records_the_approval_on_the_page(coordinator_client, submitted):
    url = reverse("planning:version-approve", args=[submitted.pk])
    response = coordinator_client.post(
        url, {"decision_date": "2026-06-12", "decision_reference": REFERENCE, "confirm": "on"}
    )
    assert response.status_code == 302
    assert PlanVersion.objects.get().state == VersionState.APPROVED


def test_the_approval_form_asks_for_confirmation(coordinator_client, submitted):
    url = reverse("planning:version-approve", args=[submitted.pk])
    response = coordinator_client.post(
        url, {"decision_date": "2026-06-12", "decision_reference": REFERENCE}
    )
    assert response.status_code == 422
    assert "Bevestig dat de versie vastgelegd wordt." in response.text
    assert PlanVersion.objects.get().state == VersionState.SUBMITTED


def test_the_page_explains_a_refused_approval(coordinator_client, submitted):
    action = Action.objects.get(title="Vormingsaanbod voor leerkrachten")
    action.title = "Anders"
    action_save(action=action, reason="test")
    url = reverse("planning:version-approve", args=[submitted.pk])
    response = coordinator_client.post(
        url, {"decision_date": "2026-06-12", "decision_reference": REFERENCE, "confirm": "on"}
    )
    assert response.status_code == 422
    assert "Dien de versie opnieuw in." in response.text


def test_editor_cannot_submit_a_version_on_the_page(client, editor_a, plan, coordinator):
    version = plan_version_create(plan=plan, user=coordinator)
    client.force_login(editor_a)
    response = client.post(reverse("planning:version-submit", args=[version.pk]))
    assert response.status_code == 403
    assert PlanVersion.objects.get().state == VersionState.DRAFT


def test_compare_page_shows_old_and_new_values(coordinator_client, plan, coordinator, admin_a):
    first, action = baseline(plan, coordinator, admin_a)
    OperationalGoalFactory(title="Nieuwe operationele doelstelling")
    action.end_year = 2028
    action_save(action=action, reason="test", adjustment=True)
    second = approve_version(plan, coordinator)
    response = coordinator_client.get(
        reverse("planning:version-compare", args=[first.pk, second.pk])
    )
    assert "Q1 2025 – Q4 2029" in response.text and "Q1 2025 – Q4 2028" in response.text
    assert "Nieuwe operationele doelstelling" in response.text


# --- API ---------------------------------------------------------------------------------


def test_api_list_of_versions_costs_a_fixed_number_of_queries(
    client, reader, plan, coordinator, admin_a, django_assert_num_queries
):
    baseline(plan, coordinator, admin_a)
    plan_version_create(plan=plan, user=coordinator)
    client.force_login(reader)
    # session, user, count, versions with their plan
    with django_assert_num_queries(4):
        response = client.get("/api/v1/plan-versions/")
    assert [v["number"] for v in response.json()["results"]] == [2, 1]


def test_api_cycle_create_submit_approve(client, coordinator, plan, admin_a):
    accepted_action(admin_a)
    client.force_login(coordinator)
    created = client.post("/api/v1/plan-versions/", {}, content_type="application/json")
    assert created.status_code == 201
    pk = created.json()["id"]
    submitted = client.post(f"/api/v1/plan-versions/{pk}/submit/")
    assert len(submitted.json()["content_sha256"]) == 64
    approved = client.post(
        f"/api/v1/plan-versions/{pk}/approve/",
        {"decision_date": "2026-06-12", "decision_reference": REFERENCE},
        content_type="application/json",
    )
    assert approved.json()["state"] == "approved"
    again = client.post(f"/api/v1/plan-versions/{pk}/submit/")
    assert again.status_code == 409
    assert again.json()["detail"] == "Een goedgekeurde versie verandert niet meer."


def test_api_reader_cannot_create_a_version(client, reader, plan):
    client.force_login(reader)
    response = client.post("/api/v1/plan-versions/", {}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"] == "Alleen AJH maakt een planversie aan."


def test_api_approval_without_reference_is_400(client, coordinator, submitted):
    client.force_login(coordinator)
    response = client.post(
        f"/api/v1/plan-versions/{submitted.pk}/approve/",
        {"decision_date": "2026-06-12"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["decision_reference"] == ["Geef de referentie van de beslissing op."]


def test_api_compare(client, reader, plan, coordinator, admin_a):
    first, action = baseline(plan, coordinator, admin_a)
    ActionFactory(lead_administration=admin_a, title="Extra actie")
    second = approve_version(plan, coordinator)
    client.force_login(reader)
    response = client.get(f"/api/v1/plan-versions/{first.pk}/compare/?with={second.pk}")
    assert [a["title"] for a in response.json()["actions_added"]] == ["Extra actie"]


def test_compare_with_a_version_that_is_no_number_is_a_400(plan, coordinator, client):
    version = plan_version_create(plan=plan, user=coordinator)
    client.force_login(coordinator)
    response = client.get(f"/api/v1/plan-versions/{version.pk}/compare/", {"with": "²"})
    assert response.status_code == 400
    assert response.json() == {"with": ["Geef de versie op om mee te vergelijken."]}
