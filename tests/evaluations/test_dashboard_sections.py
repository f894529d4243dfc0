"""The dashboard in sections, each at its own URL (issue 17, point 6): an overview that
answers "where do we stand", a sub-navigation that keeps the filters, and an explanation
wherever a row or a figure does not speak for itself."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from actionplan.models import ViolenceForm
from fiches import services
from fiches.models import Fiche
from tests.factories import ActionFactory, MinisterFactory, round_opened

pytestmark = pytest.mark.django_db

# (URL name, path, heading of its panel)
SECTIONS = [
    ("dashboard", "/dashboard/", "Waar staan we in 2026?"),
    ("completion", "/dashboard/indieningen/", "Indieningen: rapporteringsronde 2026"),
    ("progress", "/dashboard/voortgang/", "Voortgang van het plan"),
    ("bottlenecks", "/dashboard/knelpunten/", "Knelpunten: vertraging en onvolledige acties"),
    ("coverage", "/dashboard/dekking/", "Dekking: leemtes en overlap"),
    ("indicators", "/dashboard/indicatoren/", "Indicatoren: evolutie"),
]
NAV_LABELS = ["Overzicht", "Indieningen", "Voortgang", "Knelpunten", "Dekking", "Indicatoren"]


def _nav(text: str) -> str:
    match = re.search(r'<nav id="dashboard-nav".*?</nav>', text, re.S)
    assert match, "no sub-navigation"
    return match[0]


@pytest.mark.parametrize(("name", "path", "heading"), SECTIONS)
def test_each_section_has_its_own_url_heading_and_current_link(
    coordinator_client, plan, name, path, heading
):
    assert reverse(f"dashboard:{name}") == path
    response = coordinator_client.get(path, {"year": 2026})
    assert response.status_code == 200
    assert re.search(rf"<h2 id=\"[a-z]+-h\">{re.escape(heading)}", response.text)
    nav = _nav(response.text)
    assert 'aria-label="Onderdelen van het dashboard"' in nav
    assert re.findall(r">([^<>]+)</a>", nav) == NAV_LABELS
    current = re.findall(r'<a href="([^"?]*)[^"]*" aria-current="page">', nav)
    assert current == [path]
    # The main menu still says where we are: in the dashboard.
    assert re.search(r'aria-current="page">Dashboard</a>', response.text)


def test_sub_navigation_keeps_the_filters_and_drops_the_rest(coordinator_client, plan):
    sg = ViolenceForm.objects.get(code="SG")
    text = coordinator_client.get(
        "/dashboard/dekking/", {"year": 2026, "violence_form": sg.pk, "utm": "x", "page": 2}
    ).text
    links = re.findall(r'href="([^"]+)"', _nav(text))
    assert links == [
        f"{path}?year=2026&amp;violence_form={sg.pk}" for _name, path, _heading in SECTIONS
    ]


def test_a_section_computes_only_its_own_figures(coordinator_client, plan):
    ActionFactory()
    d = coordinator_client.get("/dashboard/dekking/", {"year": 2026}).context["d"]
    computed = set(vars(d))
    assert {"coverage_matrices", "overlaps"} <= computed
    assert not computed & {
        "completion_summary",
        "completion",
        "progress_summary",
        "progress_tables",
        "bottlenecks",
        "trends",
    }


def test_unknown_section_is_404(coordinator_client, plan):
    assert coordinator_client.get("/dashboard/ministers/").status_code == 404


@pytest.mark.parametrize(("name", "path", "heading"), SECTIONS)
def test_every_section_refuses_a_year_outside_the_plan(
    coordinator_client, plan, name, path, heading
):
    response = coordinator_client.get(path, {"year": 2031})
    assert response.status_code == 400
    assert "Kies een jaar van het plan (2025–2029), niet ‘2031’." in response.text


@pytest.mark.parametrize(("name", "path", "heading"), SECTIONS)
def test_every_section_needs_a_login(client, plan, name, path, heading):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "path", "heading"), SECTIONS)
def test_readers_and_editors_see_every_section_as_before(
    client, plan, reader, editor_a, name, path, heading
):
    for user in (reader, editor_a):
        client.force_login(user)
        response = client.get(path, {"year": 2026})
        assert response.status_code == 200
        assert heading in response.text


def test_open_follow_ups_are_on_the_overview_for_staff_only(client, plan, reader, editor_a):
    follow_ups = f'hx-get="{reverse("consultation:open-follow-ups")}"'
    client.force_login(editor_a)
    assert follow_ups in client.get("/dashboard/").text
    assert follow_ups not in client.get("/dashboard/dekking/").text
    client.force_login(reader)
    assert follow_ups not in client.get("/dashboard/").text


def test_old_anchors_land_on_the_line_to_their_section(coordinator_client, plan):
    text = coordinator_client.get("/dashboard/", {"year": 2026}).text
    for anchor, path in [
        ("completion", "/dashboard/indieningen/"),
        ("progress", "/dashboard/voortgang/"),
        ("coverage", "/dashboard/dekking/"),
        ("trends", "/dashboard/indicatoren/"),
    ]:
        assert re.search(rf'<li id="{anchor}"><a href="{path}\?year=2026">', text), anchor


def test_overview_answers_where_we_stand_in_figures_and_a_chart(
    coordinator_client, plan, coordinator, editor_a, admin_a
):
    actions = [ActionFactory(lead_administration=admin_a) for _ in range(4)]
    round_opened(
        plan=plan,
        year=2026,
        deadline=dt.date(2026, 3, 31),
        user=coordinator,
        opens_on=dt.date(2026, 1, 1),
    )
    fiches = {f.action_id: f for f in Fiche.objects.filter(year=2026)}
    for action in actions[:2]:
        fiche = services.fiche_save(
            fiche=fiches[action.pk],
            user=editor_a,
            expected_version=fiches[action.pk].version,
            data={"status_update": "Stand", "progress_status": "on_track"},
        )
        services.fiche_submit(fiche=fiche, user=editor_a)
    services.fiche_approve(fiche=Fiche.objects.get(action=actions[0], year=2026), user=coordinator)
    text = coordinator_client.get("/dashboard/", {"year": 2026}).text
    figures = dict(
        (label.strip(), number)
        for number, label in re.findall(r'<span class="kpi[^"]*">([^<]+)</span>([^<]+)', text)
    )
    assert figures == {
        "acties": "4",
        "fiches ingediend": "2 / 4",
        "fiches goedgekeurd": "1",
        "fiches te laat": "2",
        "acties met vertraging": "0",
        # No action has a form of violence or a target group: every cell is a gap.
        "leemtes in de dekking": str((5 + 13) * 3),
    }
    # Each figure says what it counts; "te laat" names the deadline that has passed.
    assert "terwijl de deadline van 31 mrt. 2026 voorbij is" in text
    assert "waarvoor geen enkele actie bestaat" in text
    assert '<div class="chart-with-table"><svg class="chart"' in text
    assert "<caption>Acties per voortgangsstatus</caption>" in text


def test_overview_without_a_round_says_so_instead_of_fiche_figures(coordinator_client, plan):
    ActionFactory()
    text = coordinator_client.get("/dashboard/", {"year": 2026}).text
    assert "Er is (nog) geen rapporteringsronde voor 2026" in text
    assert "fiches ingediend" not in text


def _rows(text: str, caption: str) -> list[str]:
    table = re.search(rf"<caption>{caption} .*?</table>", text, re.S)
    assert table, caption
    return re.findall(r'<th scope="row">([^<]+)', table[0])


def test_minister_tables_put_actions_without_lead_last_and_explain_them(
    coordinator_client, plan, coordinator
):
    ActionFactory(lead_minister=MinisterFactory(name="Minister Zuiderwijk"))
    ActionFactory(lead_minister=MinisterFactory(name="Minister Aerts"))
    ActionFactory(lead_minister=None)
    services.round_open(plan=plan, year=2026, deadline=dt.date(2026, 12, 31), user=coordinator)
    completion = coordinator_client.get("/dashboard/indieningen/", {"year": 2026}).text
    progress = coordinator_client.get("/dashboard/voortgang/", {"year": 2026}).text
    for text in (completion, progress):
        assert [r.strip() for r in _rows(text, "Per trekkende minister")] == [
            "Minister Aerts",
            "Minister Zuiderwijk",
            "geen trekker",
        ]
        assert 'geen trekker <span class="row-note">(acties zonder trekkende minister)' in text
        assert (
            "‘geen trekker’ groepeert de acties (en hun fiches) waaraan nog geen trekkende "
            "minister is toegewezen."
        ) in text
    # Its numbers do not link to the fiche list, which cannot filter on a missing lead.
    row = re.search(r"geen trekker <span.*?</tr>", completion, re.S)
    assert row and "<a " not in row[0]


def test_a_table_without_a_no_lead_row_has_no_explanation_of_it(
    coordinator_client, plan, coordinator
):
    ActionFactory()
    services.round_open(plan=plan, year=2026, deadline=dt.date(2026, 12, 31), user=coordinator)
    text = coordinator_client.get("/dashboard/indieningen/", {"year": 2026}).text
    assert "geen trekker" not in text


def test_stats_api_lists_the_actions_without_lead_minister_last(reader_client, plan):
    ActionFactory(lead_minister=None)
    ActionFactory(lead_minister=MinisterFactory(name="Minister Aerts"))
    rows = reader_client.get("/api/v1/stats/", {"year": 2026}).json()["progress"]["minister"]
    assert [(r["key"] is None, r["name"]) for r in rows] == [
        (False, "Minister Aerts"),
        (True, "geen trekker"),
    ]


@pytest.mark.parametrize(
    ("path", "explanation"),
    [
        ("/dashboard/indieningen/", "Vóór de deadline is geen enkele fiche te laat."),
        ("/dashboard/voortgang/", "Het aandeel acties waarvan de laatste goedgekeurde fiche"),
        ("/dashboard/voortgang/", "de rijen samen tellen op tot meer dan het aantal acties"),
        ("/dashboard/knelpunten/", "Het geplande eindkwartaal is voorbij"),
        ("/dashboard/knelpunten/", "De actie mist een indicator, een trekkende minister"),
        ("/dashboard/dekking/", "Een cel is gedekt zodra minstens één actie"),
        ("/dashboard/indicatoren/", "Alleen de metingen uit goedgekeurde fiches tellen mee"),
    ],
)
def test_figures_that_do_not_speak_for_themselves_are_explained(
    coordinator_client, plan, coordinator, path, explanation
):
    ActionFactory()
    services.round_open(plan=plan, year=2026, deadline=dt.date(2026, 12, 31), user=coordinator)
    assert explanation in coordinator_client.get(path, {"year": 2026}).text


def test_sections_are_in_english_for_an_english_user(client, plan, coordinator):
    coordinator.language = "en"
    coordinator.save()
    client.force_login(coordinator)
    ActionFactory(lead_minister=None)
    services.round_open(plan=plan, year=2026, deadline=dt.date(2026, 12, 31), user=coordinator)
    text = client.get("/dashboard/indieningen/", {"year": 2026}).text
    assert 'aria-label="Parts of the dashboard"' in text
    assert "Submissions: reporting round 2026" in text
    assert "actions without a lead minister" in text
