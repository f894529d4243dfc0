from __future__ import annotations

import pytest
from django.urls import reverse

from actionplan.demo import demo_load
from actionplan.models import Action, ViolenceForm
from actionplan.services import action_save
from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    ["/", "/acties/1/", "/acties/1/geschiedenis/", "/api/docs/", "/admin/"],
)
def test_pages_require_login(client, plan, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(("/accounts/login/", "/admin/login/"))


def test_login_page_is_dutch_and_logs_in(client, coordinator):
    page = client.get("/accounts/login/")
    assert "Aanmelden" in page.text
    response = client.post(
        "/accounts/login/", {"username": "coord", "password": "secret-pass-123"}, follow=False
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_wrong_password_gets_a_dutch_message(client, coordinator):
    response = client.post("/accounts/login/", {"username": "coord", "password": "fout"})
    assert response.status_code == 200
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in response.text


def test_overview_shows_the_three_strategic_goals_in_the_plans_words(reader_client, plan):
    response = reader_client.get("/")
    assert response.status_code == 200
    for number in (1, 2, 3):
        goal = plan.goals.get(number=number)
        assert f"SD{number}" in response.text
        assert goal.title[:60] in response.text


@pytest.mark.parametrize("size", [10, 200])
def test_overview_query_count_does_not_grow_with_actions(
    reader_client, plan, size, django_assert_num_queries
):
    demo_load(actions=size, seed=3)
    # session, user, plan, 5 filter choice lists, strategic goals, operational goals,
    # counts per goal, actions (with leads), their forms of violence, their target groups
    with django_assert_num_queries(14):
        response = reader_client.get("/")
    assert response.context["action_count"] == size


@pytest.mark.parametrize("size", [10, 200])
def test_filtered_overview_query_count_does_not_grow(
    reader_client, plan, size, django_assert_num_queries
):
    demo_load(actions=size, seed=3)
    form = ViolenceForm.objects.get(code="VGV")
    # as above, plus validating the chosen form of violence
    with django_assert_num_queries(15):
        response = reader_client.get("/", {"violence_form": form.pk})
    expected = Action.objects.filter(violence_forms=form).count()
    assert response.context["action_count"] == expected


def test_large_overview_lists_goals_and_loads_their_actions_on_demand(
    reader_client, plan, monkeypatch, django_assert_num_queries
):
    from actionplan import selectors

    monkeypatch.setattr(selectors, "OVERVIEW_FULL_LIMIT", 5)
    demo_load(actions=40, seed=3)
    # session, user, plan, 5 filter choice lists, strategic goals, operational goals,
    # counts per goal: no action rows at all
    with django_assert_num_queries(11):
        response = reader_client.get("/")
    assert response.context["action_count"] == 40
    assert "Acties tonen" in response.text
    first = Action.objects.order_by("pk").first()
    assert first is not None
    goal = first.operational_goal
    assert goal is not None
    assert first.title not in response.text
    partial = reader_client.get(
        reverse("actionplan:goal-actions", args=[goal.pk]), headers={"HX-Request": "true"}
    )
    assert first.title in partial.text
    assert "<html" not in partial.text
    page = reader_client.get(reverse("actionplan:goal-actions", args=[goal.pk]))
    assert f"OD{goal.code}" in page.text and first.title in page.text


def test_overview_filters_by_administration_lead_or_co_lead(reader_client, plan, admin_a, admin_b):
    led = ActionFactory(lead_administration=admin_a, title="Geleid door A")
    co_led = ActionFactory(
        lead_administration=admin_b, title="Mee door A", co_lead_administrations=[admin_a]
    )
    other = ActionFactory(lead_administration=admin_b, title="Alleen B")
    response = reader_client.get("/", {"administration": admin_a.pk})
    assert led.title in response.text
    assert co_led.title in response.text
    assert other.title not in response.text
    assert "(gefilterd)" in response.text


def test_overview_with_an_unknown_filter_value_says_so(reader_client, plan):
    response = reader_client.get("/", {"minister": "999999", "q": "vorming"})
    assert response.status_code == 400
    assert "Selecteer een geldige keuze" in response.text
    # The way back keeps the filters that were fine.
    assert 'href="/?q=vorming"' in response.text


def test_htmx_filter_returns_only_the_tree(reader_client, plan):
    ActionFactory(title="Een actie")
    response = reader_client.get("/", headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<section id="tree"')
    assert "<html" not in response.text


def test_action_page_shows_every_field(reader_client, plan, admin_b):
    forms = list(ViolenceForm.objects.filter(code__in=["EGG", "VGV"]))
    action = ActionFactory(
        title="Vormingsaanbod rond eergerelateerd geweld",
        partners="Steunpunt X",
        co_lead_administrations=[admin_b],
        violence_forms=forms,
        start_year=2026,
        start_quarter=2,
        end_year=2028,
        end_quarter=3,
    )
    response = reader_client.get(reverse("actionplan:action-detail", args=[action.pk]))
    text = response.text
    assert action.lead_minister is not None and action.lead_administration is not None
    assert action.title in text
    assert action.lead_minister.name in text
    assert action.lead_administration.name in text
    assert admin_b.name in text
    assert "Steunpunt X" in text
    assert "Q2 2026 – Q3 2028" in text
    assert "VGV" in text and "EGG" in text


def test_action_page_escapes_user_text(reader_client, plan):
    action = ActionFactory(title="<script>alert(1)</script>")
    response = reader_client.get(reverse("actionplan:action-detail", args=[action.pk]))
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_unknown_action_is_404(reader_client, plan):
    assert reader_client.get("/acties/999999/").status_code == 404


def test_history_tab_shows_who_changed_what_old_and_new(reader_client, plan, coordinator):
    action = ActionFactory(title="Oude titel")
    action.title = "Nieuwe titel"
    # simple_history reads this attribute when it writes the record; it is set per
    # instance at runtime and not declared on the model, so mypy cannot know it.
    action._history_user = coordinator  # type: ignore[attr-defined]
    action_save(
        action=action,
        m2m={"violence_forms": ViolenceForm.objects.filter(code="SG")},
        reason="bijsturing",
    )
    response = reader_client.get(reverse("actionplan:action-history", args=[action.pk]))
    text = response.text
    assert "Oude titel" in text and "Nieuwe titel" in text
    assert coordinator.get_full_name() in text
    assert "bijsturing" in text
    assert "Seksueel geweld (SG)" in text


def test_pages_send_a_content_security_policy(reader_client, plan):
    response = reader_client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
