"""A report that reads as an evaluation: colophon, executive summary, a summary per
strategic goal with charts and their tables, the adjustments chapter, every fiche as an
annex, a complete table of contents and a readable running header. Checked in the PDF
(pypdf), in the interim and the annual report alike; and the narrative form's guidance and
preview."""

from __future__ import annotations

from typing import cast

import pytest
from django.urls import reverse
from pypdf.generic import DictionaryObject

from actionplan.models import StrategicGoal
from consultation.demo import demo_consultation_load
from consultation.models import Consultation, StakeholderInput
from evaluations.models import ReportKind
from indicators.demo import demo_impact_load
from indicators.models import ImpactIndicator
from tests.evaluations.test_reports import (
    SUMMARY,
    YEAR,
    Scenario,
    approved_text,
    build,
    normalise,
    pdf_bytes,
    read_pdf,
    scenario,  # noqa: F401 (the fixture)
)

LONG_TITLE = (
    "Geweld voorkomen door een samenleving waarin iedereen, ongeacht gender, leeftijd, "
    "afkomst of woonplaats, veilig kan leven, leren, werken en liefhebben, en waarin "
    "hulpverleners, politie en justitie samen het verschil maken"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def long_goal(scenario: Scenario) -> StrategicGoal:  # noqa: F811
    goal = StrategicGoal.objects.get(plan=scenario.plan, number=1)
    goal.title = LONG_TITLE
    goal.save()
    return goal


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [ReportKind.INTERIM, ReportKind.ANNUAL])
def test_the_report_reads_as_an_evaluation(scenario: Scenario, long_goal, kind):  # noqa: F811
    report = build(scenario, kind)
    assert report.status == "done", report.error
    pdf = read_pdf(pdf_bytes(report))
    text = pdf.all
    pages = [normalise(p) for p in pdf.pages]

    # The colophon, on the page after the cover.
    colophon = pages[1]
    for words in (
        "Colofon",
        "Uitgever Agentschap Justitie en Handhaving",
        "versie 1 van de",
        "geen goedgekeurde planversie",
        f"rapport nr. {report.pk}",
        "ontwerp ter goedkeuring door AJH",
    ):
        assert words in colophon, words

    # The table of contents: every chapter, the long goal title in full, with page numbers.
    toc = next(p for p in pages if p.startswith("Inhoud") or " Inhoud " in p[:80])
    assert f"SD1. {LONG_TITLE}" in toc
    for chapter in (
        "Colofon",
        "Samenvatting en cijfers",
        "Bijsturingen ten opzichte van de basisversie",
        "Bijlage A. Acties per trekkende minister",
        "Bijlage B. Actiefiches",
    ):
        assert chapter in toc, chapter

    # The outline: chapters, goals and one bookmark per fiche of the annex.
    titles = pdf.outline_titles()
    for chapter in (
        "Colofon",
        "Inhoud",
        "Samenvatting en cijfers",
        f"SD1. {LONG_TITLE}",
        "Aanbevelingen en bijsturing",
        "Bijsturingen ten opzichte van de basisversie",
        "Bijlage B. Actiefiches",
    ):
        assert chapter in titles, chapter
    fiche_titles = [t for t in titles if t.startswith("Actiefiche ")]
    assert len(fiche_titles) == len(scenario.codes)
    assert all(
        any(t.startswith(f"Actiefiche {code} ") for t in fiche_titles) for code in scenario.codes
    )
    assert not any(t in ("Plan van aanpak", "Knelpunten") for t in titles)

    # The executive summary: AJH's text (written for the interim evaluation) and the key
    # figures.
    assert (SUMMARY in text) == (kind == ReportKind.INTERIM)
    assert "% van de acties heeft een goedgekeurde fiche tot en met 2027." in text
    # Per goal: its actions by progress as a titled figure with its table, and findings.
    for number in (1, 2, 3):
        assert f"Acties van SD{number} per voortgangsstatus" in text
    assert "Figuur 1. Acties per voortgangsstatus" in text
    assert "nog geen goedgekeurde fiche" in text
    # The annex: the fiches' own sections.
    for code in scenario.approved_codes:
        assert approved_text(code) in text
    assert "Plan van aanpak" in text and "Volgende stappen" in text

    # The running header: short and whole, with the chapter's short name.
    label = f"{report.get_kind_display().capitalize()} {YEAR} · 2025–2029"
    body_pages = pages[3:]
    assert all(label in p for p in body_pages)
    assert any("SD1" in p and LONG_TITLE not in p[:200] for p in body_pages)

    # Still tagged.
    root = cast(DictionaryObject, pdf.reader.trailer["/Root"])
    assert "/StructTreeRoot" in root


@pytest.mark.django_db
def test_the_narrative_form_shows_guidance_and_previews_a_section(
    scenario: Scenario,  # noqa: F811
    client,
):
    client.force_login(scenario.coordinator)
    form = client.get(reverse("reports:narrative", args=["interim", YEAR])).text
    assert "De samenvatting voor wie alleen deze bladzijde leest" in form
    assert "Bevindingen bij deze strategische doelstelling" in form
    preview_url = reverse("reports:narrative-preview", args=["interim", YEAR, "summary"])
    assert f'hx-post="{preview_url}"' in form

    response = client.post(preview_url, {"summary": "Eerste alinea.\n\n<b>Tweede</b> alinea."})

    assert response.status_code == 200
    assert '<h3 class="preview-heading">Samenvatting en cijfers</h3>' in response.text
    assert "<p>Eerste alinea.</p>" in response.text
    assert "&lt;b&gt;Tweede&lt;/b&gt;" in response.text


@pytest.mark.django_db
def test_a_finding_preview_carries_its_goal_and_readers_get_no_preview(
    scenario: Scenario,  # noqa: F811
    client,
    reader,
):
    goal = StrategicGoal.objects.get(plan=scenario.plan, number=2)
    name = f"finding-{goal.pk}"
    url = reverse("reports:narrative-preview", args=["interim", YEAR, name])
    client.force_login(scenario.coordinator)
    response = client.post(url, {name: "Bevinding."})
    assert f"SD2. {goal.title} — Bevindingen" in response.text

    client.force_login(reader)
    assert client.post(url, {name: "x"}).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [ReportKind.INTERIM, ReportKind.FINAL])
def test_the_evaluation_reports_consultation_input_and_impact(scenario: Scenario, kind):  # noqa: F811
    demo_consultation_load(scenario.plan, 5)
    demo_impact_load(scenario.plan, 5)
    meeting = Consultation.objects.filter(plan=scenario.plan).exclude(decisions="").first()
    cited = StakeholderInput.objects.filter(plan=scenario.plan, consent_to_cite=True)
    impact = ImpactIndicator.objects.filter(plan=scenario.plan).order_by("position", "pk").first()
    assert meeting is not None and impact is not None

    report = build(scenario, kind)
    assert report.status == "done", report.error
    pdf = read_pdf(pdf_bytes(report))
    text = pdf.all
    chapter = "Overleg met de administraties en inbreng van het middenveld"
    assert chapter in pdf.outline_titles()
    assert normalise(meeting.title) in text
    assert "Opvolgpunten" in text and "Inbreng van het middenveld" in text
    for item in cited.filter(evaluation_kind=kind, evaluation_year=YEAR):
        assert normalise(item.organisation) in text
    # The impact chapter is the final evaluation's: context and outcome indicators with
    # their chart (titled, with its table) and source, next to the actions' results.
    assert ("Context- en effectindicatoren" in text) == (kind == ReportKind.FINAL)
    assert (normalise(impact.name) in text) == (kind == ReportKind.FINAL)
    if kind == ReportKind.FINAL:
        assert "Impactanalyse" in pdf.outline_titles()
        assert f"Bron: {normalise(impact.source)}" in text
        assert "Resultaten van de acties" in text
