"""What a user of `make run` sees of the drafting and change cycle in the demo plan: an
approved baseline, version 2 open with an approved change request, and proposals on
/ontwerp/ in several stages; the same for the same seed."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from actionplan.models import Action, ActionStage, Plan, User
from planning import snapshots
from planning.drafting.selectors import draft_plan
from planning.models import ChangeKind, ChangeRequest, PlanVersion, RequestState, VersionState

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(plan, settings) -> Plan:
    settings.DEBUG = True  # as `make run`: demo users, and so the drafting demo
    call_command("load_demo", actions=30, seed=1, stdout=StringIO())
    return Plan.objects.get(is_demo=True)


def test_demo_plan_has_version_1_approved_as_baseline_with_its_sha256(demo):
    version = PlanVersion.objects.get(plan=demo, number=1)
    assert version.state == VersionState.APPROVED
    assert version.decision_date == dt.date(2025, 3, 28)
    assert version.decision_reference == "VR 2025 2803 DOC.0000/1 (demo)"
    assert re.fullmatch(r"[0-9a-f]{64}", version.content_sha256)
    content = version.content
    assert content is not None
    assert version.content_sha256 == snapshots.content_sha256(content)
    assert len(content["actions"]) == 30
    assert Plan.objects.get(pk=demo.pk).baseline_approved_on == dt.date(2025, 3, 28)


def test_version_2_is_open_with_one_approved_change_request(demo):
    version = PlanVersion.objects.get(plan=demo, number=2)
    assert version.state == VersionState.DRAFT
    approved = ChangeRequest.objects.get(version=version)
    assert (approved.kind, approved.state) == (ChangeKind.TIMING, RequestState.APPROVED)
    action = approved.action
    assert (action.end_year, action.end_quarter) == (
        approved.proposed["end_year"],
        approved.proposed["end_quarter"],
    )
    assert action.history.first().history_change_reason == approved.reason
    requests = ChangeRequest.objects.filter(action__plan=demo)
    rejected = requests.get(state=RequestState.REJECTED)
    assert rejected.decision_note.endswith("(demo).")
    waiting = requests.get(state=RequestState.REQUESTED)
    assert waiting.kind == ChangeKind.STOP
    assert waiting.action.stage == ActionStage.APPROVED
    lead = waiting.action.lead_administration
    assert lead is not None
    assert waiting.requested_by.administrations.filter(pk=lead.pk).exists()


def test_draft_page_of_the_demo_coordinator_lists_proposals_in_three_stages(client, demo):
    client.force_login(User.objects.get(username="coordinator", is_demo=True))
    page = client.get(f"/ontwerp/?plan={demo.code}")
    assert page.status_code == 200
    proposals = Action.objects.filter(plan=demo, code="").order_by("pk")
    assert [p.strategic_goal.number for p in proposals] == [2, 2, 3, 3]
    assert sorted(p.stage for p in proposals) == ["accepted", "proposed", "proposed", "returned"]
    for proposal in proposals:
        assert proposal.is_demo
        assert proposal.title in page.text
    shown = set(re.findall(r'<span class="state [\w-]+">(\w+)</span>', page.text))
    assert {"voorgesteld", "teruggestuurd"} <= shown
    accepted = proposals.get(stage=ActionStage.ACCEPTED)
    before = page.text[: page.text.index(accepted.title)]
    assert before.rsplit("<h3>", 1)[1].startswith("Aanvaard, nog te clusteren")
    returned = proposals.get(stage=ActionStage.RETURNED)
    detail = client.get(f"/ontwerp/voorstellen/{returned.pk}/")
    assert "Demogegeven" in detail.text
    assert returned.stage_reason in detail.text


def test_demo_proposals_differ_in_their_smart_check(demo):
    draft = draft_plan(demo, User.objects.get(username="coordinator", is_demo=True))
    summaries = {
        action.smart.summary  # type: ignore[attr-defined]
        for section in draft.sections
        for action in section.proposals + section.unclustered
    }
    assert "S M A R T" in summaries
    assert len(summaries) == 4


def _drafting_demo(seed: int) -> list[tuple]:
    with transaction.atomic():
        call_command("load_demo", actions=20, seed=seed, stdout=StringIO())
        rows = [
            *PlanVersion.objects.order_by("number").values_list("number", "state", "decision_date"),
            *ChangeRequest.objects.order_by("action__code").values_list(
                "action__code", "kind", "state", "requested_by__username", "proposed"
            ),
            *Action.objects.filter(code="")
            .order_by("pk")
            .values_list("title", "stage", "lead_administration__code", "start_year"),
        ]
        transaction.set_rollback(True)
    return rows


def test_drafting_demo_is_the_same_for_the_same_seed(plan, settings):
    settings.DEBUG = True
    first = _drafting_demo(5)
    assert first == _drafting_demo(5)
    assert first != _drafting_demo(6)
    assert len(first) == 2 + 3 + 4


def test_without_demo_users_load_demo_says_the_drafting_demo_needs_them(plan, settings):
    settings.DEBUG = False
    out = StringIO()
    call_command("load_demo", actions=5, seed=1, stdout=out)
    assert "die hebben de demogebruikers nodig" in out.getvalue()
    assert not PlanVersion.objects.exists()
    assert not ChangeRequest.objects.exists()
