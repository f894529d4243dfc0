"""Proposals through /api/v1/actions/: writing, the steps, scoping, ETags, query counts."""

from __future__ import annotations

import pytest

from actionplan.models import ActionStage, StrategicGoal
from tests.factories import ActionFactory, IndicatorFactory, OperationalGoalFactory, ProposalFactory

URL = "/api/v1/actions/"


def payload(plan, administration, **extra):
    return {
        "strategic_goal": StrategicGoal.objects.get(plan=plan, number=2).pk,
        "title": "Meldpunt op de werkvloer",
        "description": "Een meldpunt voor werknemers die grensoverschrijdend gedrag ervaren.",
        "lead_administration": administration.pk,
        "start_year": 2026,
        "end_year": 2027,
        "estimated_budget": "12000.00",
        "attention_points": ["a", "c"],
        **extra,
    }


def test_an_editor_posts_a_proposal(client, plan, editor_a, admin_a, admin_b):
    client.force_login(editor_a)
    answer = client.post(
        URL,
        payload(plan, admin_a, co_lead_administrations=[admin_b.pk]),
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["stage"] == "proposed" and body["code"] == "" and body["strategic_goal"] == 2
    assert body["attention_points"] == ["a", "c"]
    assert [r["state"] for r in body["co_lead_responses"]] == ["pending"]
    assert answer["ETag"] == f'"action-{body["id"]}-v1"'
    smart = {c["key"]: c["met"] for c in body["smart"]["criteria"]}
    assert smart == {
        "specific": False,
        "measurable": False,
        "acceptable": False,
        "realistic": False,
        "time_bound": True,
    }


def test_an_editor_cannot_post_for_another_administration(client, plan, editor_a, admin_b):
    client.force_login(editor_a)
    answer = client.post(URL, payload(plan, admin_b), content_type="application/json")
    assert answer.status_code == 403
    assert "eigen administratie" in answer.json()["detail"]


def test_bad_timing_is_a_400_in_dutch(client, plan, editor_a, admin_a):
    client.force_login(editor_a)
    answer = client.post(
        URL, payload(plan, admin_a, end_year=2032), content_type="application/json"
    )
    assert answer.status_code == 400
    assert "looptijd van het plan" in str(answer.json())


def test_patch_needs_if_match(client, proposal, editor_a):
    client.force_login(editor_a)
    url = f"{URL}{proposal.pk}/"
    assert (
        client.patch(url, {"title": "Zonder ETag"}, content_type="application/json").status_code
        == 428
    )
    etag = client.get(url)["ETag"]
    ok = client.patch(
        url,
        {"title": "Met ETag en langer"},
        content_type="application/json",
        headers={"If-Match": etag},
    )
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(
        url, {"title": "Verouderd"}, content_type="application/json", headers={"If-Match": etag}
    )
    assert stale.status_code == 412
    assert stale["ETag"] == f'"action-{proposal.pk}-v2"'


@pytest.mark.parametrize(
    ("who", "status"), [("reader", 404), ("editor_b", 403), ("coordinator", 200)]
)
def test_patch_scoping(request, client, proposal, who, status):
    # editor_b co-leads: sees the proposal, may not change it; a reader does not see it.
    client.force_login(request.getfixturevalue(who))
    answer = client.patch(
        f"{URL}{proposal.pk}/",
        {"title": "Gewijzigd door iemand"},
        content_type="application/json",
        headers={"If-Match": proposal.etag},
    )
    assert answer.status_code == status


def test_an_editor_deciding_gets_403(client, proposal, editor_a):
    client.force_login(editor_a)
    answer = client.post(f"{URL}{proposal.pk}/accept/")
    assert answer.status_code == 403
    assert "Alleen AJH" in answer.json()["detail"]


def test_the_cycle_through_the_api(client, proposal, coordinator, editor_a, editor_b, admin_b):
    client.force_login(editor_b)
    declined = client.post(
        f"{URL}{proposal.pk}/respond/",
        {"administration": admin_b.pk, "confirm": False},
        content_type="application/json",
    )
    assert declined.status_code == 400 and "reden" in str(declined.json())
    assert (
        client.post(
            f"{URL}{proposal.pk}/respond/",
            {"administration": admin_b.pk, "confirm": True},
            content_type="application/json",
        ).json()["co_lead_responses"][0]["state"]
        == "confirmed"
    )

    client.force_login(coordinator)
    returned = client.post(
        f"{URL}{proposal.pk}/return/", {"reason": ""}, content_type="application/json"
    )
    assert returned.status_code == 400
    returned = client.post(
        f"{URL}{proposal.pk}/return/",
        {"reason": "Indicator ontbreekt"},
        content_type="application/json",
    )
    assert returned.json()["stage"] == "returned"
    assert returned.json()["stage_reason"] == "Indicator ontbreekt"

    client.force_login(editor_a)
    assert client.post(f"{URL}{proposal.pk}/resubmit/").json()["stage"] == "proposed"

    client.force_login(coordinator)
    assert client.post(f"{URL}{proposal.pk}/accept/").json()["stage"] == "accepted"
    assert client.post(f"{URL}{proposal.pk}/accept/").status_code == 409
    goal = OperationalGoalFactory(number=3)
    clustered = client.post(
        f"{URL}{proposal.pk}/cluster/",
        {"operational_goal": goal.pk},
        content_type="application/json",
    )
    assert clustered.json()["code"] == "1.3.1"


def test_merge_through_the_api(client, proposal, coordinator, admin_a):
    other = ProposalFactory(lead_administration=admin_a, title="Dubbel voorstel")
    client.force_login(coordinator)
    merged = client.post(
        f"{URL}{other.pk}/merge/",
        {"into": proposal.pk, "reason": "Zelfde actie"},
        content_type="application/json",
    )
    assert merged.status_code == 200
    other.refresh_from_db()
    assert other.stage == ActionStage.MERGED and other.merged_into_id == proposal.pk


def test_withdraw_through_the_api(client, proposal, editor_a):
    client.force_login(editor_a)
    assert client.post(f"{URL}{proposal.pk}/withdraw/").json()["stage"] == "withdrawn"
    assert client.post(f"{URL}{proposal.pk}/withdraw/").status_code == 409


def test_the_list_keeps_its_contract(client, proposal, coordinator):
    client.force_login(coordinator)
    row = client.get(URL).json()["results"][0]
    assert "smart" not in row and row["stage"] == "proposed"


def test_the_list_costs_a_fixed_number_of_queries(
    client, plan, coordinator, admin_a, django_assert_num_queries
):
    for _ in range(3):
        ActionFactory()
        ProposalFactory(lead_administration=admin_a)
    client.force_login(coordinator)
    # session, user, count, actions (with goals, leads, plan), co-lead ministers, co-lead
    # administrations, forms of violence, target groups, attention points, related plans
    with django_assert_num_queries(10):
        assert client.get(URL).status_code == 200


def test_an_id_that_is_no_number_is_not_found(client, plan, reader):
    client.force_login(reader)
    assert client.get("/api/v1/actions/abc/").status_code == 404
    assert client.post("/api/v1/actions/abc/accept/").status_code == 404


def test_indicators_of_a_draft_are_seen_only_by_who_sees_the_draft(
    client, proposal, reader, editor_a
):
    from_draft = IndicatorFactory(action=proposal, name="Indicator van een voorstel")
    client.force_login(reader)
    listed = client.get("/api/v1/indicators/").json()["results"]
    assert from_draft.pk not in [i["id"] for i in listed]
    assert client.get(f"/api/v1/indicators/{from_draft.pk}/").status_code == 404
    client.force_login(editor_a)
    assert client.get(f"/api/v1/indicators/{from_draft.pk}/").status_code == 200
