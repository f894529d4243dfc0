from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplan.demo import demo_load
from actionplan.models import Action, TargetGroup, ViolenceForm
from evaluations.dashboard.cache import data_version
from evaluations.dashboard.figures import INDICATORS_PER_PAGE, build
from evaluations.dashboard.selectors import AsOf, with_progress
from fiches import services
from fiches.demo import demo_fiches_load
from fiches.models import Fiche, FicheState
from indicators.services import indicator_save
from tests.factories import ActionFactory, IndicatorFactory, OperationalGoalFactory, round_opened

pytestmark = pytest.mark.django_db


def _params(**kwargs):
    from django.http import QueryDict

    q = QueryDict(mutable=True)
    for k, v in kwargs.items():
        q[k] = str(v)
    return q


def _report(fiche, user, progress, coordinator):
    fiche = services.fiche_save(
        fiche=fiche,
        user=user,
        expected_version=Fiche.objects.get(pk=fiche.pk).version,
        data={"status_update": "Stand", "progress_status": progress},
    )
    services.fiche_submit(fiche=fiche, user=user)
    services.fiche_approve(fiche=fiche, user=coordinator)


@pytest.mark.parametrize(
    ("section", "empty_state"),
    [
        ("dashboard", "Geen acties voor deze selectie."),
        ("completion", "Er is (nog) geen rapporteringsronde voor 2026."),
        ("progress", "Geen acties."),
        ("bottlenecks", "Geen acties met vertraging."),
        ("coverage", "Geen mogelijke overlap gevonden."),
        ("indicators", "Geen kwantitatieve indicatoren voor deze selectie."),
    ],
)
def test_empty_plan_shows_empty_states(coordinator_client, plan, section, empty_state):
    response = coordinator_client.get(reverse(f"dashboard:{section}"), {"year": 2026})
    assert response.status_code == 200
    assert empty_state in response.text
    d = response.context["d"]
    assert d.actions_count == 0
    assert d.coverage.violence_forms.gaps == 5 * 3
    assert d.progress.totals.completed_pct == 0


def test_one_action_completed_counts_everywhere(plan, coordinator, editor_a, admin_a):
    sg = ViolenceForm.objects.get(code="SG")
    action = ActionFactory(
        lead_administration=admin_a, violence_forms=[sg], start_year=2025, end_year=2026
    )
    services.round_open(plan=plan, year=2026, deadline=dt.date(2026, 12, 31), user=coordinator)
    _report(Fiche.objects.get(action=action), editor_a, "completed", coordinator)
    d = build(_params(year=2026))
    assert d.progress.totals.completed_pct == 100
    sd_row = d.progress.tables[0].rows[0]
    assert (sd_row.label, sd_row.counts["completed"], sd_row.total) == ("SD1", 1, 1)
    admin_row = d.completion.by_administration[0]
    assert (admin_row.label, admin_row.counts["approved"]) == (admin_a.name, 1)
    assert (admin_row.submitted_pct, admin_row.approved_pct) == (100, 100)
    assert d.completion.outstanding_count == 0
    # SG is covered in SD1 only: the other 14 cells are gaps.
    matrix = d.coverage.violence_forms
    sg_row = next(cells for item, cells in matrix.rows if item.code == "SG")
    assert sg_row == [1, 0, 0]
    assert matrix.gaps == 14


def test_round_completion_percentages_and_outstanding(
    plan, coordinator, editor_a, admin_a, admin_b
):
    for _ in range(3):
        ActionFactory(lead_administration=admin_a)
    ActionFactory(lead_administration=admin_b)
    round_opened(
        plan=plan,
        year=2026,
        deadline=dt.date(2026, 1, 31),
        user=coordinator,
        opens_on=dt.date(2026, 1, 1),
    )
    fiches = list(Fiche.objects.filter(action__lead_administration=admin_a))
    _report(fiches[0], editor_a, "on_track", coordinator)
    fiche = services.fiche_save(
        fiche=fiches[1],
        user=editor_a,
        expected_version=fiches[1].version,
        data={"status_update": "x", "progress_status": "on_track"},
    )
    services.fiche_submit(fiche=fiche, user=editor_a)
    d = build(_params(year=2026))
    rows = {r.label: r for r in d.completion.by_administration}
    a = rows[admin_a.name]
    assert (a.total, a.counts["approved"], a.counts["submitted"], a.counts["draft"]) == (3, 1, 1, 1)
    assert (a.submitted_pct, a.approved_pct) == (67, 33)
    assert rows[admin_b.name].submitted_pct == 0
    assert d.completion.outstanding_count == 2
    assert d.completion.late_count == 2  # deadline 31 January 2026 has passed


def test_as_of_year_uses_that_years_approved_fiches(plan, coordinator, editor_a, admin_a):
    action = ActionFactory(lead_administration=admin_a, start_year=2025, end_year=2029)
    round_opened(plan=plan, year=2025, deadline=dt.date(2025, 12, 1), user=coordinator)
    _report(Fiche.objects.get(action=action, year=2025), editor_a, "delayed", coordinator)
    services.round_open(plan=plan, year=2026, deadline=dt.date(2026, 12, 31), user=coordinator)
    _report(Fiche.objects.get(action=action, year=2026), editor_a, "on_track", coordinator)
    assert build(_params(year=2025)).progress.totals.counts["delayed"] == 1
    d2026 = build(_params(year=2026))
    assert d2026.progress.totals.counts["on_track"] == 1
    assert d2026.progress.totals.counts["delayed"] == 0
    # A later year without a fiche still stands on the latest approved one.
    assert build(_params(year=2027)).progress.totals.counts["on_track"] == 1


def test_reopened_fiche_no_longer_counts_and_the_year_before_does_again(
    plan, coordinator, editor_a, admin_a
):
    action = ActionFactory(lead_administration=admin_a, start_year=2025, end_year=2029)
    round_opened(plan=plan, year=2025, deadline=dt.date(2025, 12, 1), user=coordinator)
    _report(Fiche.objects.get(action=action, year=2025), editor_a, "delayed", coordinator)
    services.round_open(plan=plan, year=2026, deadline=dt.date(2026, 12, 31), user=coordinator)
    fiche_2026 = Fiche.objects.get(action=action, year=2026)
    _report(fiche_2026, editor_a, "completed", coordinator)
    assert build(_params(year=2026)).progress.totals.counts["completed"] == 1

    services.fiche_reopen(fiche=fiche_2026, user=coordinator, reason="Cijfers nakijken")
    counts = build(_params(year=2026)).progress.totals.counts
    assert (counts["completed"], counts["delayed"]) == (0, 1)
    assert build(_params(year=2025)).progress.totals.counts["delayed"] == 1

    _report(Fiche.objects.get(pk=fiche_2026.pk), editor_a, "on_track", coordinator)
    counts = build(_params(year=2026)).progress.totals.counts
    assert (counts["on_track"], counts["delayed"]) == (1, 0)


def test_progress_as_of_each_year_is_that_of_the_latest_approved_fiche(plan):
    demo_load(actions=40, seed=3)
    demo_fiches_load(seed=3, today=dt.date(2027, 6, 1))
    approved = Fiche.objects.filter(state=FicheState.APPROVED).order_by("year")
    assert len({f.action_id for f in approved}) < approved.count()  # several years each
    for year in (2025, 2026, 2027):
        latest = {f.action_id: f.progress_status for f in approved if f.year <= year}
        shown = [
            (a.pk, a.progress) for a in with_progress(Action.objects.all(), AsOf.for_year(year))
        ]
        assert len(shown) == Action.objects.count()
        assert dict(shown) == {pk: latest.get(pk, "unknown") for pk, _p in shown}


def test_late_actions(plan, coordinator, editor_a, admin_a):
    ended = ActionFactory(
        lead_administration=admin_a, start_year=2025, end_year=2025, title="Afgelopen, niet af"
    )
    done = ActionFactory(
        lead_administration=admin_a, start_year=2025, end_year=2025, title="Afgelopen en af"
    )
    delayed = ActionFactory(
        lead_administration=admin_a, start_year=2025, end_year=2029, title="Loopt, maar vertraagd"
    )
    ActionFactory(lead_administration=admin_a, start_year=2025, end_year=2029, title="Op schema")
    round_opened(plan=plan, year=2025, deadline=dt.date(2025, 12, 1), user=coordinator)
    _report(Fiche.objects.get(action=done), editor_a, "completed", coordinator)
    _report(Fiche.objects.get(action=delayed), editor_a, "delayed", coordinator)
    _report(Fiche.objects.get(action=ended), editor_a, "on_track", coordinator)
    d = build(_params(year=2026))
    assert sorted(a.title for a in d.progress.late) == [
        "Afgelopen, niet af",
        "Loopt, maar vertraagd",
    ]
    assert d.progress.late_count == 2


def test_actions_without_indicator_or_lead_are_not_smart_complete(plan, coordinator):
    with_indicator = ActionFactory(title="Volledig")
    indicator_save(
        action=with_indicator,
        user=coordinator,
        data={"name": "Bereik", "kind": "quantitative", "unit": "aantal"},
    )
    ActionFactory(title="Zonder indicator")
    ActionFactory(title="Zonder trekker", lead_minister=None)
    d = build(_params(year=2026))
    assert sorted(a.title for a in d.progress.incomplete) == ["Zonder indicator", "Zonder trekker"]


def test_overlap_is_flagged_for_same_goal_lead_forms_and_groups(plan, admin_a):
    goal = OperationalGoalFactory()
    sg = list(ViolenceForm.objects.filter(code__in=["SG", "IFG"]))
    kids = list(TargetGroup.objects.filter(code="kinderen-en-jongeren"))
    first = ActionFactory(
        operational_goal=goal, lead_administration=admin_a, violence_forms=sg, target_groups=kids
    )
    second = ActionFactory(
        operational_goal=goal,
        lead_administration=admin_a,
        violence_forms=list(reversed(sg)),
        target_groups=kids,
    )
    ActionFactory(
        operational_goal=goal,
        lead_administration=admin_a,
        violence_forms=sg,
        target_groups=list(TargetGroup.objects.filter(code="ouderen")),
    )
    ActionFactory(
        operational_goal=OperationalGoalFactory(),
        lead_administration=admin_a,
        violence_forms=sg,
        target_groups=kids,
    )
    overlaps = build(_params()).coverage.overlaps
    assert len(overlaps) == 1
    assert {a.pk for a in overlaps[0].actions} == {first.pk, second.pk}
    assert overlaps[0].forms == "IFG, SG"


def test_filter_on_form_of_violence_changes_the_figures(coordinator_client, plan):
    sg = ViolenceForm.objects.get(code="SG")
    ActionFactory(violence_forms=[sg])
    ActionFactory(violence_forms=[ViolenceForm.objects.get(code="VGV")])
    all_actions = coordinator_client.get(reverse("dashboard:dashboard"))
    filtered = coordinator_client.get(reverse("dashboard:dashboard"), {"violence_form": sg.pk})
    assert all_actions.context["d"].actions_count == 2
    assert filtered.context["d"].actions_count == 1
    assert "(gefilterd)" in filtered.text


def test_htmx_filter_returns_the_panels_and_the_sub_navigation(coordinator_client, plan):
    sg = ViolenceForm.objects.get(code="SG")
    response = coordinator_client.get(
        reverse("dashboard:coverage"),
        {"violence_form": sg.pk},
        headers={"HX-Request": "true", "HX-Target": "panels"},
    )
    text = response.text.lstrip()
    # The navigation first (swapped out of band: its links carry the new filter), then the
    # panels; the filter form is not sent again.
    assert text.startswith('<nav id="dashboard-nav"')
    assert f'href="/dashboard/indicatoren/?violence_form={sg.pk}"' in text
    assert '<div id="panels"' in text
    assert 'id="coverage-h"' in text
    assert "<form" not in text


# --- Query counts per section ------------------------------------------------------------
# Every section, cold: session, user, plan, 5 filter choice lists (strategic goals,
# ministers, administrations, forms of violence, target groups), data version, action
# count; then its own figures:
SECTION_QUERIES = {
    # round, fiche totals, progress per goal (with late and incomplete counts), strategic
    # goals, 2 matrices (their rows and their counts)
    "dashboard": 18,
    # round, fiche totals, per administration, per minister, outstanding fiches
    "completion": 15,
    # progress per goal, per minister, per administration, per form of violence, per target
    # group
    "progress": 15,
    # progress per goal (the counts), late actions, incomplete actions
    "bottlenecks": 13,
    # strategic goals, 2 matrices (rows and counts), overlap candidates, their forms and
    # their groups (the data always has an overlap)
    "coverage": 18,
    # indicator count, indicator page, values of those indicators
    "indicators": 13,
}
# Again, until the data changes: the filter form and the panels' key (session, user, plan,
# 5 filter choice lists, data version).
WARM_QUERIES = 9


def _dataset(size: int) -> None:
    """The demo plan with ``size`` actions, their fiches and indicators, and an action that
    overlaps with the first (same goal, lead and tags)."""
    demo_load(actions=size, seed=4)
    demo_fiches_load(seed=4, today=dt.date(2026, 6, 1))
    first = Action.objects.filter(plan__is_demo=True).in_plan().order_by("pk")[0]
    ActionFactory(
        operational_goal=first.operational_goal,
        number=99,
        lead_administration=first.lead_administration,
        violence_forms=list(first.violence_forms.all()),
        target_groups=list(first.target_groups.all()),
    )


@pytest.mark.parametrize("size", [2, 10])
def test_each_section_costs_a_fixed_number_of_queries(
    coordinator_client, plan, settings, size, django_assert_num_queries
):
    settings.DEBUG = True
    _dataset(size)
    for section, queries in SECTION_QUERIES.items():
        url = reverse(f"dashboard:{section}")
        with django_assert_num_queries(queries):
            cold = coordinator_client.get(url, {"year": 2026})
        # The same view again: the panels come from the cache, the figures are not computed.
        with django_assert_num_queries(WARM_QUERIES):
            warm = coordinator_client.get(url, {"year": 2026})
        assert warm.context["panels"] == cold.context["panels"]
        assert cold.context["d"].actions_count == size + 1
    assert cold.context["d"].overlaps


def test_unknown_parameters_share_the_cached_panels_and_searches_are_not_cached(
    coordinator_client, plan, settings, django_assert_max_num_queries
):
    settings.DEBUG = True
    ActionFactory(title="Preventie op school")
    url = reverse("dashboard:dashboard")
    coordinator_client.get(url, {"year": 2026})
    # Anything the dashboard does not read leaves the key alone and stays out of its links.
    with django_assert_max_num_queries(9):
        response = coordinator_client.get(url, {"year": 2026, "utm": "nieuwsbrief"})
    assert "utm" not in response.text
    # A free-text search is computed each time: no cache entry per string typed.
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = coordinator_client.get(url, {"year": 2026, "q": "school"})
        assert len(queries) > 8
        assert "· 1 actie <strong>(gefilterd)</strong>" in response.text


def _panels(client, section="dashboard", **params):
    response = client.get(reverse(f"dashboard:{section}"), {"year": 2026, **params})
    assert response.status_code == 200
    return str(response.context["panels"])


def test_cached_panels_change_with_every_kind_of_write(
    coordinator_client, plan, coordinator, editor_a, admin_a
):
    sg = ViolenceForm.objects.get(code="SG")
    action = ActionFactory(lead_administration=admin_a, start_year=2025, end_year=2026)
    assert "· 1 actie</p>" in _panels(coordinator_client)

    ActionFactory(lead_administration=admin_a)  # a new action
    assert "· 2 acties</p>" in _panels(coordinator_client)

    def sg_gaps() -> int:
        row = re.search(
            r"Seksueel geweld \(SG\)</th>(.*?)</tr>", _panels(coordinator_client, "coverage")
        )
        assert row is not None, "no SG row in the gaps panel"
        return row[1].count("gap-mark")

    assert sg_gaps() == 3
    action.violence_forms.add(sg)  # a tag: one strategic goal now covers SG
    assert sg_gaps() == 2

    assert "Er is (nog) geen rapporteringsronde" in _panels(coordinator_client, "completion")
    services.round_open(plan=plan, year=2026, deadline=dt.date(2026, 12, 31), user=coordinator)
    assert "rapporteringsronde 2026" in _panels(coordinator_client, "completion")
    assert "Er is (nog) geen rapporteringsronde" not in _panels(coordinator_client, "completion")

    before = _panels(coordinator_client, "progress")
    assert "50 %</span> van de acties afgerond" not in before
    _report(Fiche.objects.get(action=action), editor_a, "completed", coordinator)
    assert "50 %</span> van de acties afgerond" in _panels(coordinator_client, "progress")
    services.fiche_reopen(
        fiche=Fiche.objects.get(action=action), user=coordinator, reason="Nakijken"
    )
    assert '"kpi">0 %</span> van de acties afgerond' in _panels(coordinator_client, "progress")

    indicator = indicator_save(
        action=action,
        user=coordinator,
        data={"name": "Bereikte scholen", "kind": "quantitative", "unit": "scholen"},
    )
    assert "Bereikte scholen" in _panels(coordinator_client, "indicators")
    indicator.delete()
    assert "Bereikte scholen" not in _panels(coordinator_client, "indicators")


def test_data_version_sees_a_history_row_committed_after_a_newer_one(plan):
    """Ids are handed out before commit: a row with a lower id can become visible after the
    newest one was read, and must still change the version."""
    action = ActionFactory()
    ActionFactory()
    history = action.history.model
    newest = history.objects.order_by("-history_id").first()
    late_id = newest.history_id - 1
    history.objects.filter(history_id=late_id).delete()  # a row not committed yet
    before = data_version()
    late = history.objects.get(history_id=newest.history_id)
    late.history_id = late_id
    late.save()  # a copy under the lower id: as if that transaction committed only now
    assert history.objects.order_by("-history_id").first().history_id == newest.history_id
    assert data_version() != before


def test_cached_panels_stay_while_an_editor_writes_a_draft(
    coordinator_client, plan, coordinator, editor_a, admin_a, settings, django_assert_num_queries
):
    settings.DEBUG = True
    action = ActionFactory(lead_administration=admin_a)
    services.round_open(plan=plan, year=2026, deadline=dt.date(2026, 12, 31), user=coordinator)
    url = reverse("dashboard:completion")
    coordinator_client.get(url, {"year": 2026})
    fiche = Fiche.objects.get(action=action)
    services.fiche_save(
        fiche=fiche,
        user=editor_a,
        expected_version=fiche.version,
        data={"status_update": "Halfweg", "progress_status": "on_track"},
    )
    # A draft shows in no panel: the cached panels are served (session, user, plan, 5
    # filter choice lists, data version).
    with django_assert_num_queries(9):
        coordinator_client.get(url, {"year": 2026})
    # Submitting it is a step in the workflow: the round's figures change.
    services.fiche_submit(fiche=Fiche.objects.get(pk=fiche.pk), user=editor_a)
    response = coordinator_client.get(url, {"year": 2026})
    assert '<span class="kpi">100 %</span> ingediend' in response.text


def test_cached_panels_follow_the_date(coordinator_client, plan, monkeypatch):
    """Lateness depends on today: a new day is a new cache entry."""
    ActionFactory(start_year=2025, end_year=2026, end_quarter=1)
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda: dt.date(2026, 3, 1))
    assert "kpi-bad" not in _panels(coordinator_client)
    monkeypatch.setattr(timezone, "localdate", lambda: dt.date(2026, 5, 1))
    assert 'class="kpi kpi-bad">1</span> acties met vertraging' in _panels(coordinator_client)


@pytest.mark.parametrize("section", list(SECTION_QUERIES))
def test_panels_do_not_depend_on_who_looks(
    client, plan, coordinator, reader, editor_a, settings, section
):
    """The cached panels are shared by every signed-in user: rendered without the cache for
    each role, every section's must be the same."""
    settings.DASHBOARD_CACHE_SECONDS = 0
    demo_load(actions=12, seed=2)
    demo_fiches_load(seed=2, today=dt.date(2026, 6, 1))
    seen = []
    for user in (coordinator, reader, editor_a):
        client.force_login(user)
        seen.append(_panels(client, section))
    assert seen[0] == seen[1] == seen[2]
    assert "· 12 acties" in seen[0]


def test_next_page_of_indicators_loads_only_that_panel(
    coordinator_client, plan, settings, django_assert_num_queries
):
    settings.DEBUG = True
    names = {IndicatorFactory().name for _ in range(INDICATORS_PER_PAGE + 1)}
    url = reverse("dashboard:indicators")
    first = coordinator_client.get(url, {"year": 2026})
    # session, user, plan, indicator count, indicator page, values of those indicators
    with django_assert_num_queries(6):
        second = coordinator_client.get(
            url, {"year": 2026, "page": 2}, headers={"HX-Request": "true", "HX-Target": "trends"}
        )
    assert second.text.lstrip().startswith('<section id="trends"')
    assert "Pagina 2 van 2 (13 indicatoren)" in second.text
    on_first = {n for n in names if f"</a> {n}</h3>" in first.text}
    on_second = {n for n in names if f"</a> {n}</h3>" in second.text}
    assert len(on_first) == INDICATORS_PER_PAGE
    assert on_first | on_second == names
    assert not on_first & on_second


def test_dashboard_works_while_the_cache_server_is_down(coordinator_client, plan, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    ActionFactory(title="Actie zonder cache")
    response = coordinator_client.get(reverse("dashboard:dashboard"), {"year": 2026})
    assert response.status_code == 200
    assert "· 1 actie</p>" in response.text


def test_csv_download_has_bom_and_neutralised_formulas(coordinator_client, plan):
    ActionFactory(title="=HYPERLINK(1)", lead_minister=None)
    response = coordinator_client.get(
        reverse("dashboard:dashboard-csv", args=["incomplete"]), {"year": 2026}
    )
    assert response["Content-Type"].startswith("text/csv")
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    assert "'=HYPERLINK(1)" in content


def test_unknown_csv_table_is_404(coordinator_client, plan):
    response = coordinator_client.get(reverse("dashboard:dashboard-csv", args=["nope"]))
    assert response.status_code == 404


def test_dashboard_requires_login(client, plan):
    response = client.get(reverse("dashboard:dashboard"))
    assert response.status_code == 302


def test_reader_sees_the_dashboard(reader_client, plan):
    assert reader_client.get(reverse("dashboard:dashboard")).status_code == 200


def test_trend_chart_is_accessible_svg(coordinator_client, plan, coordinator):
    action = ActionFactory()
    indicator_save(
        action=action,
        user=coordinator,
        data={
            "name": "Bereik <b>vet</b>",
            "kind": "quantitative",
            "unit": "aantal",
            "baseline_value": 10,
            "baseline_year": 2025,
            "target_value": 50,
            "target_year": 2029,
        },
    )
    response = coordinator_client.get(reverse("dashboard:indicators"))
    text = response.text
    assert 'role="img"' in text
    assert "Nulmeting 10 aantal in 2025." in text
    assert "Bereik &lt;b&gt;vet&lt;/b&gt;" in text
    assert "<b>vet</b>" not in text
