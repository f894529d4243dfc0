"""Change requests: an adjustment (bijsturing) of the approved plan is asked for with a
reason, decided by AJH, applied as an adjustment and part of a new plan version; the
evaluations list every adjustment against the baseline."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from actionplan.models import Action, ActionStage
from evaluations.models import EvaluationReport, ReportKind
from evaluations.reports.content import report_content
from fiches.models import Fiche
from indicators.models import Indicator
from indicators.services import indicator_save
from planning.models import ChangeRequest, PlanVersion, RequestState, VersionState
from planning.services import (
    WorkflowError,
    change_request_approve,
    change_request_create,
    change_request_reject,
)
from tests.factories import ActionFactory, ProposalFactory, ReportingRoundFactory
from tests.planning.helpers import REFERENCE, accepted_action, baseline

pytestmark = pytest.mark.django_db

TIMING = {"start_year": 2025, "start_quarter": 1, "end_year": 2028, "end_quarter": 2}
REASON = "Uitgesteld: de opleiders zijn pas in 2026 beschikbaar."


@pytest.fixture
def approved(plan, coordinator, admin_a) -> Action:
    _version, action = baseline(plan, coordinator, admin_a)
    return action


def _request(action: Action, user, kind: str = "timing", **proposed) -> ChangeRequest:
    return change_request_create(
        action=action, user=user, kind=kind, reason=REASON, proposed=proposed or TIMING
    )


# --- Requesting --------------------------------------------------------------------------


def test_editor_of_the_lead_administration_requests_a_change(approved, editor_a):
    request = _request(approved, editor_a)
    assert (request.state, request.requested_by) == (RequestState.REQUESTED, editor_a)
    assert request.history.latest().history_change_reason == f"aangevraagd: {REASON}"
    approved.refresh_from_db()
    assert approved.end_year == 2029  # nothing changes before AJH decides


def test_editor_of_another_administration_cannot_request(approved, editor_b):
    with pytest.raises(PermissionDenied, match="Enkel AJH en de trekkende administratie"):
        _request(approved, editor_b)


def test_a_request_needs_a_reason(approved, editor_a):
    with pytest.raises(ValidationError) as exc:
        change_request_create(
            action=approved, user=editor_a, kind="timing", reason="  ", proposed=TIMING
        )
    assert exc.value.message_dict == {"reason": ["Geef de reden van de wijziging op."]}


def test_a_request_checks_the_proposed_timing(approved, editor_a):
    with pytest.raises(ValidationError) as exc:
        change_request_create(
            action=approved,
            user=editor_a,
            kind="timing",
            reason=REASON,
            proposed={**TIMING, "end_year": 2031},
        )
    assert exc.value.message_dict == {
        "end_year": ["Kies een jaar binnen de looptijd van het plan (2025–2029)."]
    }


def test_a_proposal_is_not_adjusted_by_a_change_request(plan, editor_a, admin_a):
    proposal = ProposalFactory(lead_administration=admin_a)
    with pytest.raises(ValidationError, match="Enkel een actie van het goedgekeurde plan"):
        _request(proposal, editor_a)


def test_a_lead_cannot_also_be_a_co_lead(approved, coordinator, admin_a):
    with pytest.raises(ValidationError) as exc:
        _request(
            approved,
            coordinator,
            kind="leads",
            lead_administration=admin_a.pk,
            co_lead_administrations=[admin_a.pk],
        )
    assert "co_lead_administrations" in exc.value.message_dict


# --- Deciding ----------------------------------------------------------------------------


def test_approval_applies_the_change_as_an_adjustment_with_the_reason(
    approved, editor_a, coordinator
):
    request = change_request_approve(request=_request(approved, editor_a), user=coordinator)
    approved.refresh_from_db()
    assert (approved.end_year, approved.end_quarter) == (2028, 2)
    record = approved.history.latest()
    assert (record.history_change_reason, record.is_adjustment, record.history_user) == (
        REASON,
        True,
        coordinator,
    )
    assert (request.state, request.decided_by) == (RequestState.APPROVED, coordinator)


def test_an_approved_request_becomes_part_of_a_new_draft_version(approved, editor_a, coordinator):
    request = change_request_approve(request=_request(approved, editor_a), user=coordinator)
    assert request.version is not None
    assert (request.version.number, request.version.state) == (2, VersionState.DRAFT)
    second = change_request_approve(
        request=_request(approved, editor_a, kind="scope", title="Nieuwe titel"),
        user=coordinator,
    )
    assert second.version == request.version  # the open draft, not a third version


def test_editor_cannot_decide(approved, editor_a):
    request = _request(approved, editor_a)
    with pytest.raises(PermissionDenied, match="Alleen AJH beslist over wijzigingsverzoeken."):
        change_request_approve(request=request, user=editor_a)


def test_a_rejection_needs_a_reason_and_changes_nothing(approved, editor_a, coordinator):
    request = _request(approved, editor_a)
    with pytest.raises(ValidationError) as exc:
        change_request_reject(request=request, user=coordinator, reason="")
    assert exc.value.message_dict == {"reason": ["Geef de reden van de afwijzing op."]}
    rejected = change_request_reject(request=request, user=coordinator, reason="Te laat gemeld")
    assert (rejected.state, rejected.decision_note) == (RequestState.REJECTED, "Te laat gemeld")
    approved.refresh_from_db()
    assert approved.end_year == 2029


def test_a_decided_request_cannot_be_decided_again(approved, editor_a, coordinator):
    request = change_request_reject(
        request=_request(approved, editor_a), user=coordinator, reason="Nee"
    )
    with pytest.raises(WorkflowError, match="Over dit verzoek is al beslist: het is afgewezen."):
        change_request_approve(request=request, user=coordinator)


def test_stopping_ends_the_action_in_the_current_quarter_and_keeps_its_fiches(
    plan, approved, editor_a, coordinator
):
    ReportingRoundFactory(year=2026)
    change_request_approve(request=_request(approved, editor_a, kind="stop"), user=coordinator)
    approved.refresh_from_db()
    assert (approved.stage, approved.end_year, approved.end_quarter) == ("stopped", 2026, 2)
    ReportingRoundFactory(year=2027)
    assert list(Fiche.objects.filter(action=approved).values_list("year", flat=True)) == [2026]


def test_a_new_action_is_approved_by_its_change_request(plan, approved, coordinator, admin_a):
    new = accepted_action(admin_a, title="Nieuwe actie na de basisversie")
    request = change_request_create(
        action=new, user=coordinator, kind="new", reason="Nieuwe noden", proposed={}
    )
    change_request_approve(request=request, user=coordinator)
    new.refresh_from_db()
    assert new.stage == ActionStage.APPROVED


def test_targets_change_through_the_indicator_service_with_the_reason(
    approved, editor_a, coordinator
):
    indicator = Indicator.objects.get(action=approved)
    request = _request(
        approved,
        editor_a,
        kind="targets",
        indicators=[{"id": indicator.pk, "target_value": "300", "target_year": 2029}],
    )
    change_request_approve(request=request, user=coordinator)
    indicator.refresh_from_db()
    assert indicator.target_value == Decimal(300)
    assert indicator.history.latest().history_change_reason == REASON


# --- Indicators after the baseline -------------------------------------------------------


def test_editor_can_no_longer_change_a_target_directly_after_the_baseline(approved, editor_a):
    indicator = Indicator.objects.get(action=approved)
    with pytest.raises(ValidationError) as exc:
        indicator_save(
            action=approved,
            user=editor_a,
            indicator=indicator,
            data={"target_value": Decimal(300)},
        )
    assert "wijzigingsverzoek" in exc.value.message_dict["target_value"][0]


def test_coordinator_may_still_correct_a_target_after_the_baseline(approved, coordinator):
    indicator = Indicator.objects.get(action=approved)
    indicator_save(
        action=approved, user=coordinator, indicator=indicator, data={"target_value": Decimal(40)}
    )
    indicator.refresh_from_db()
    assert indicator.target_value == Decimal(40)


def test_editor_still_changes_targets_of_a_plan_without_baseline(plan, editor_a, admin_a):
    action = ActionFactory(lead_administration=admin_a)
    indicator = indicator_save(
        action=action, user=editor_a, data={"name": "Kwalitatief", "kind": "qualitative"}
    )
    assert indicator.pk is not None


# --- Evaluations -------------------------------------------------------------------------


def test_the_report_lists_every_adjustment_against_the_baseline(
    plan, approved, editor_a, coordinator
):
    change_request_approve(request=_request(approved, editor_a), user=coordinator)
    content = report_content(EvaluationReport(plan=plan, kind=ReportKind.INTERIM, year=2027))
    baseline_version = PlanVersion.objects.get(number=1)
    assert content.baseline is not None
    assert (content.baseline, content.baseline.decision_reference) == (baseline_version, REFERENCE)
    assert [(a["code"], a["kind"], a["reason"], a["version"]) for a in content.adjustments] == [
        (approved.code, "timing", REASON, 2)
    ]
    [section] = [s for g in content.strategic for od in g.operational_goals for s in od.actions]
    assert [a["reason"] for a in section.adjustments] == [REASON]


def test_rejected_requests_are_not_adjustments(plan, approved, editor_a, coordinator):
    change_request_reject(request=_request(approved, editor_a), user=coordinator, reason="Nee")
    content = report_content(EvaluationReport(plan=plan, kind=ReportKind.FINAL, year=2029))
    assert content.adjustments == []


# --- Pages and API -----------------------------------------------------------------------


def test_list_page_costs_a_fixed_number_of_queries(
    coordinator_client, approved, editor_a, coordinator, django_assert_num_queries
):
    for _ in range(3):
        _request(approved, editor_a)
    coordinator_client.get(reverse("planning:change-requests"))
    # session, user, count, requests with action, requester, decider and version
    with django_assert_num_queries(4):
        response = coordinator_client.get(reverse("planning:change-requests"))
    assert response.text.count(REASON[:40]) == 3


def test_editors_see_only_their_administrations_requests(client, approved, editor_a, editor_b):
    _request(approved, editor_a)
    client.force_login(editor_b)
    response = client.get(reverse("planning:change-requests"))
    assert "Nog geen wijzigingsverzoeken." in response.text


def test_readers_do_not_see_change_requests(reader_client, approved):
    assert reader_client.get(reverse("planning:change-requests")).status_code == 403


def test_the_list_filters_on_state(coordinator_client, approved, editor_a, coordinator):
    change_request_reject(request=_request(approved, editor_a), user=coordinator, reason="Nee")
    response = coordinator_client.get(reverse("planning:change-requests") + "?state=requested")
    assert "Geen wijzigingsverzoeken met deze status." in response.text


def test_editor_requests_a_change_on_the_page(client, approved, editor_a):
    client.force_login(editor_a)
    url = reverse("planning:change-request-new", args=[approved.pk]) + "?kind=timing"
    response = client.post(url, {**TIMING, "reason": REASON})
    assert response.status_code == 302
    assert ChangeRequest.objects.get().proposed == TIMING


def test_the_action_page_offers_a_change_request_to_its_lead_editor(client, approved, editor_a):
    client.force_login(editor_a)
    response = client.get(reverse("planning:action-changes", args=[approved.pk]))
    assert "Wijziging aanvragen" in response.text


def test_the_action_page_offers_no_change_request_to_other_editors(client, approved, editor_b):
    client.force_login(editor_b)
    response = client.get(reverse("planning:action-changes", args=[approved.pk]))
    assert "Wijziging aanvragen" not in response.text


def test_coordinator_rejects_on_the_page_only_with_a_reason(coordinator_client, approved, editor_a):
    request = _request(approved, editor_a)
    url = reverse("planning:change-request-detail", args=[request.pk])
    response = coordinator_client.post(url, {"decision": "rejected", "note": ""})
    assert response.status_code == 422
    assert "Geef de reden van de afwijzing op." in response.text


def test_api_list_costs_a_fixed_number_of_queries(
    client, approved, editor_a, django_assert_num_queries
):
    for _ in range(3):
        _request(approved, editor_a)
    client.force_login(editor_a)
    # session, user, count, requests with action, requester, decider and version
    with django_assert_num_queries(4):
        response = client.get("/api/v1/change-requests/")
    assert len(response.json()["results"]) == 3


def test_api_request_of_another_administration_is_404(client, approved, editor_a, editor_b):
    request = _request(approved, editor_a)
    client.force_login(editor_b)
    assert client.get(f"/api/v1/change-requests/{request.pk}/").status_code == 404


def test_api_editor_of_another_administration_requesting_is_403(client, approved, editor_b):
    client.force_login(editor_b)
    response = client.post(
        "/api/v1/change-requests/",
        {"action": approved.pk, "kind": "timing", "reason": REASON, "proposed": TIMING},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_api_editor_deciding_is_403(client, approved, editor_a):
    request = _request(approved, editor_a)
    client.force_login(editor_a)
    response = client.post(f"/api/v1/change-requests/{request.pk}/approve/")
    assert response.status_code == 403
    assert response.json()["detail"] == "Alleen AJH beslist over wijzigingsverzoeken."


def test_api_request_and_approval(client, approved, editor_a, coordinator):
    client.force_login(editor_a)
    created = client.post(
        "/api/v1/change-requests/",
        {"action": approved.pk, "kind": "timing", "reason": REASON, "proposed": TIMING},
        content_type="application/json",
    )
    assert created.status_code == 201
    client.force_login(coordinator)
    approved_response = client.post(f"/api/v1/change-requests/{created.json()['id']}/approve/")
    assert (approved_response.json()["state"], approved_response.json()["version"]) == (
        "approved",
        2,
    )


def test_api_rejection_needs_a_reason(client, approved, editor_a, coordinator):
    request = _request(approved, editor_a)
    client.force_login(coordinator)
    response = client.post(
        f"/api/v1/change-requests/{request.pk}/reject/", {}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["reason"] == ["Geef de reden van de afwijzing op."]


@pytest.mark.parametrize(
    ("kind", "proposed", "field"),
    [
        ("leads", {"lead_administration": "abc"}, "lead_administration"),
        ("leads", {"lead_administration": [1]}, "lead_administration"),
        ("leads", {"co_lead_ministers": ["x"]}, "co_lead_ministers"),
        ("leads", {"co_lead_administrations": 5}, "co_lead_administrations"),
        ("targets", {"indicators": [{"id": "abc", "target_value": "5"}]}, "indicators"),
        ("targets", {"indicators": [{"id": 1, "target_value": "1e999999999"}]}, "indicators"),
        ("targets", {"indicators": [{"id": 1, "target_value": "NaN"}]}, "indicators"),
    ],
)
def test_api_bad_proposed_values_are_a_400_and_change_nothing(
    client, approved, editor_a, kind, proposed, field
):
    client.force_login(editor_a)
    response = client.post(
        "/api/v1/change-requests/",
        {"action": approved.pk, "kind": kind, "reason": REASON, "proposed": proposed},
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not ChangeRequest.objects.exists()
