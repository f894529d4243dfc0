"""What goes into an evaluation report: loaded in a fixed number of queries.

Only approved fiches up to the reference year count; the report says how many were not
(yet) approved.

The report is a list of chapters (``ReportContent.chapters``): the table of contents and
the body are both made from it. A new chapter is one entry there, the content field it
reads and its template under ``templates/evaluations/pdf/report/``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from actionplan.charts import Bar, bar_chart, bars
from actionplan.display import person_display
from actionplan.models import Action, OperationalGoal, Plan, StrategicGoal
from actionplan.selectors import actions_with_relations
from consultation.selectors import EvaluationConsultation, evaluation_consultation
from evaluations.dashboard import selectors
from evaluations.models import EvaluationReport, Finding, Narrative, ReportKind, ReportStatus
from evaluations.reports.narratives import narrative_with_findings
from fiches.models import Contribution, Fiche, ProgressStatus
from fiches.selectors import value_counts_condition
from indicators.models import Indicator, IndicatorValue
from indicators.selectors import ImpactTable, IndicatorTrend, impact_tables, indicator_trends
from planning.models import PlanVersion
from planning.selectors import adjustments_since_baseline


@dataclass
class IndicatorRow:
    indicator: Indicator
    values: dict[int, IndicatorValue]
    latest: IndicatorValue | None
    progress: Decimal | None
    trend: IndicatorTrend


@dataclass
class ActionSection:
    action: Action
    fiche: Fiche | None
    indicators: list[IndicatorRow]
    adjustments: list[dict[str, Any]]

    @property
    def progress_label(self) -> str:
        if self.fiche is None or not self.fiche.progress_status:
            return _("nog geen goedgekeurde fiche")
        return str(ProgressStatus(self.fiche.progress_status).label)


# Charts per strategic goal: the indicators with the furthest progress towards their target
# (others are in the tables of the annex).
KEY_INDICATORS = 3


@dataclass
class Chapter:
    """One entry of the table of contents and the template that prints it."""

    anchor: str
    title: str
    template: str
    # The running header: short, so that it is never cut off.
    running: str
    section: Any = None


@dataclass
class GoalSection:
    goal: OperationalGoal
    actions: list[ActionSection] = field(default_factory=list)


@dataclass
class StrategicSection:
    goal: StrategicGoal
    finding: Finding | None
    operational_goals: list[GoalSection] = field(default_factory=list)
    impact_rows: list[IndicatorRow] = field(default_factory=list)
    progress_rows: list[tuple[str, int]] = field(default_factory=list)

    @property
    def action_count(self) -> int:
        return sum(len(g.actions) for g in self.operational_goals)

    @property
    def progress_chart(self) -> Any:
        return bar_chart(
            chart_id=f"progress-sd{self.goal.number}",
            title=_("Acties van SD%(n)s per voortgangsstatus") % {"n": self.goal.number},
            rows=self.progress_rows,
            unit=_("acties"),
        )

    @property
    def progress_bars(self) -> list[Bar]:
        return bars(self.progress_rows)

    @property
    def key_indicators(self) -> list[IndicatorRow]:
        """The quantitative indicators drawn as charts: measured ones, furthest first."""
        measured = [r for r in self.impact_rows if r.indicator.is_quantitative and r.trend.points]
        measured.sort(key=lambda r: -(r.progress if r.progress is not None else Decimal(-1)))
        return measured[:KEY_INDICATORS]

    @property
    def average_progress(self) -> Decimal | None:
        values = [min(r.progress, Decimal(100)) for r in self.impact_rows if r.progress is not None]
        return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.1")) if values else None


@dataclass
class ReportContent:
    plan: Plan
    kind: str
    kind_label: str
    year: int
    years: list[int]
    made_at: Any
    made_by: str
    narrative: Narrative | None
    strategic: list[StrategicSection]
    by_minister: list[tuple[str, list[Action]]]
    unapproved: int
    approved: int
    progress_totals: dict[str, int]
    progress_chart: Any
    progress_bars: list[Bar]
    coverage: selectors.Coverage
    completed_pct: int
    # The version the evaluation compares against, and every adjustment decided since.
    baseline: PlanVersion | None = None
    adjustments: list[dict[str, Any]] = field(default_factory=list)
    # The colophon: the plan version the report is about (the latest approved one, if
    # any), which build of this evaluation it is, and the report's own number.
    plan_version: PlanVersion | None = None
    edition: int = 1
    report_id: int | None = None
    requested_at: Any = None
    # Requested before the reference year began: a preview (EvaluationReport.is_preview).
    preview: bool = False
    # The plan's consultation moments and the stakeholder input for this evaluation, and
    # (final evaluation) the plan- and goal-level context and outcome indicators.
    consultation: EvaluationConsultation | None = None
    impact_tables: list[ImpactTable] = field(default_factory=list)

    @property
    def is_final(self) -> bool:
        return self.kind == ReportKind.FINAL

    @property
    def running_title(self) -> str:
        plan = self.plan
        return f"{self.kind_label.capitalize()} {self.year} · {plan.start_year}–{plan.end_year}"

    @property
    def approved_share(self) -> int:
        """Share of the actions whose current fiche (as of the year) is approved."""
        return round(100 * self.approved / self.action_count) if self.action_count else 0

    @property
    def actions(self) -> list[ActionSection]:
        return [a for s in self.strategic for g in s.operational_goals for a in g.actions]

    @property
    def chapters(self) -> list[Chapter]:
        base = "evaluations/pdf/report/"
        chapters = [
            Chapter("method", _("Monitoring en evaluatie"), base + "method.html", _("Monitoring")),
            Chapter(
                "summary", _("Samenvatting en cijfers"), base + "summary.html", _("Samenvatting")
            ),
        ]
        chapters += [
            Chapter(
                f"sd-{s.goal.number}",
                f"SD{s.goal.number}. {s.goal.title}",
                base + "goal.html",
                f"SD{s.goal.number}",
                s,
            )
            for s in self.strategic
        ]
        if self.kind != ReportKind.ANNUAL:
            chapters.append(
                Chapter(
                    "consultation",
                    _("Overleg met de administraties en inbreng van het middenveld"),
                    base + "consultation.html",
                    _("Overleg"),
                )
            )
        if self.is_final:
            chapters.append(
                Chapter("impact", _("Impactanalyse"), base + "impact.html", _("Impact"))
            )
        chapters += [
            Chapter(
                "recommendations",
                _("Aanbevelingen en bijsturing"),
                base + "recommendations.html",
                _("Aanbevelingen"),
            ),
            Chapter(
                "adjustments",
                _("Bijsturingen ten opzichte van de basisversie"),
                base + "adjustments.html",
                _("Bijsturingen"),
            ),
            Chapter(
                "annex-ministers",
                _("Bijlage A. Acties per trekkende minister"),
                base + "annex_ministers.html",
                _("Bijlage A"),
            ),
            Chapter(
                "annex-fiches",
                _("Bijlage B. Actiefiches"),
                base + "annex_fiches.html",
                _("Bijlage B"),
            ),
        ]
        return chapters

    @property
    def action_count(self) -> int:
        return sum(len(g.actions) for s in self.strategic for g in s.operational_goals)


def report_content(report: EvaluationReport) -> ReportContent:
    plan = report.plan
    year = report.year
    actions = list(actions_with_relations(Action.objects.for_plan(plan)).in_plan_order())
    action_ids = [a.pk for a in actions]
    fiches = {
        f.action_id: f
        for f in Fiche.objects.for_plan(plan)
        .approved_as_of(year)
        .prefetch_related(
            Prefetch(
                "contributions",
                queryset=Contribution.objects.select_related("administration").order_by("pk"),
            )
        )
    }
    unapproved = Fiche.objects.for_plan(plan).unapproved_up_to(year).count()
    rows = _indicator_rows(action_ids, year)
    baseline, adjustment_rows = _adjustments(action_ids, plan)
    adjustments: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in adjustment_rows:
        adjustments[row["action_id"]].append(row)

    narrative = narrative_with_findings(plan=plan, kind=report.kind, year=year)
    findings = {f.strategic_goal_id: f for f in narrative.findings.all()} if narrative else {}
    goals = list(StrategicGoal.objects.filter(plan=plan).order_by("number"))
    sections = {g.pk: StrategicSection(g, findings.get(g.pk)) for g in goals}
    od_sections: dict[int, GoalSection] = {}
    for action in actions:
        od = action.operational_goal
        assert od is not None  # an action of the approved plan is clustered (constraint)
        if od.pk not in od_sections:
            od_sections[od.pk] = GoalSection(od)
            sections[od.strategic_goal_id].operational_goals.append(od_sections[od.pk])
        action_rows = rows.get(action.pk, [])
        od_sections[od.pk].actions.append(
            ActionSection(
                action, fiches.get(action.pk), action_rows, adjustments.get(action.pk, [])
            )
        )
        sections[od.strategic_goal_id].impact_rows.extend(action_rows)

    by_minister: dict[str, list[Action]] = defaultdict(list)
    for action in actions:
        name = action.lead_minister.name if action.lead_minister else _("Zonder trekkende minister")
        by_minister[name].append(action)

    as_of = selectors.AsOf.for_year(year)
    progress = selectors.progress(Action.objects.for_plan(plan), as_of, limit=0)
    totals = progress.totals.counts
    progress_rows = [(str(label), totals[key]) for key, label in selectors.PROGRESS_COLUMNS]
    # The dashboard's table per strategic goal (keyed by number): the same counts as there.
    per_goal = {goal_row.key: goal_row.counts for goal_row in progress.tables[0].rows}
    for goal in goals:
        counts = per_goal.get(goal.number, {})
        sections[goal.pk].progress_rows = [
            (str(label), counts.get(key, 0)) for key, label in selectors.PROGRESS_COLUMNS
        ]
    same_evaluation = EvaluationReport.objects.filter(
        plan=plan, kind=report.kind, year=year, status=ReportStatus.DONE
    )
    if report.pk:
        same_evaluation = same_evaluation.filter(pk__lt=report.pk)
    return ReportContent(
        consultation=evaluation_consultation(plan, report.kind, year)
        if report.kind != ReportKind.ANNUAL
        else None,
        impact_tables=impact_tables(plan, as_of_year=year)
        if report.kind == ReportKind.FINAL
        else [],
        plan=plan,
        kind=report.kind,
        kind_label=report.get_kind_display(),
        preview=report.is_preview,
        year=year,
        years=[y for y in plan.years if y <= year],
        made_at=timezone.localtime(),
        made_by=person_display(report.requested_by)
        if report.requested_by
        else plan.coordinating_agency,
        narrative=narrative,
        strategic=[sections[g.pk] for g in goals],
        by_minister=sorted(by_minister.items(), key=lambda item: str(item[0])),
        unapproved=unapproved,
        approved=len(fiches),
        progress_totals=totals,
        progress_chart=bar_chart(
            chart_id="progress-total",
            title=_("Acties per voortgangsstatus"),
            rows=progress_rows,
            unit=_("acties"),
        ),
        progress_bars=bars(progress_rows),
        coverage=selectors.coverage(plan, Action.objects.for_plan(plan)),
        completed_pct=progress.totals.completed_pct,
        baseline=baseline,
        adjustments=adjustment_rows,
        plan_version=PlanVersion.objects.for_plan(plan).approved().order_by("-number").first(),
        edition=same_evaluation.count() + 1,
        report_id=report.pk,
        requested_at=report.requested_at,
    )


def _indicator_rows(
    action_ids: list[int], year: int, *, show_uncounted: bool = False
) -> dict[int, list[IndicatorRow]]:
    """The indicators of the actions with their values up to ``year``: only values of
    approved fiches count (``fiches.selectors.value_counts_condition``); with
    ``show_uncounted`` the others are listed too, flagged ``counts=False``."""
    indicators = list(Indicator.objects.filter(action__in=action_ids).select_related("action"))
    rows: dict[int, list[IndicatorRow]] = defaultdict(list)
    for trend in indicator_trends(
        indicators, year, counts=value_counts_condition(), show_uncounted=show_uncounted
    ):
        rows[trend.indicator.action_id].append(
            IndicatorRow(
                trend.indicator,
                {v.year: v for v in trend.values},
                trend.latest,
                trend.progress,
                trend,
            )
        )
    return rows


def _adjustments(
    action_ids: list[int], plan: Plan
) -> tuple[PlanVersion | None, list[dict[str, Any]]]:
    """The baseline version and the change requests AJH approved since, oldest first:
    every adjustment (*bijsturing*) against the baseline. Editorial corrections are direct
    edits, not requests, and are not listed."""
    found = adjustments_since_baseline(plan, action_ids)
    rows = []
    for request in found.adjustments:
        user = request.decided_by
        rows.append(
            {
                "action_id": request.action_id,
                "code": request.action.code,
                "kind": request.get_kind_display(),
                "date": request.decided_at,
                "reason": request.reason,
                "user": person_display(user) if user else "",
                "version": request.version.number if request.version else None,
            }
        )
    return found.version, rows


def fiche_content(report: EvaluationReport) -> dict[str, Any]:
    """The content of a single fiche's PDF."""
    if report.fiche_id is None:
        raise ValueError(f"report {report.pk} is not the PDF of a fiche")
    fiche = (
        Fiche.objects.select_related(
            "action__operational_goal",
            "action__strategic_goal",
            "action__lead_minister",
            "action__lead_administration",
            "round",
            "updated_by",
        )
        .prefetch_related("contributions__administration")
        .get(pk=report.fiche_id)
    )
    action = actions_with_relations().get(pk=fiche.action_id)
    # The fiche's own PDF lists its values whatever their state, labelled when they do not
    # count; the charts and percentages, like every figure, use approved values only.
    rows = _indicator_rows([action.pk], fiche.year, show_uncounted=True).get(action.pk, [])
    charts = [row.trend.chart for row in rows if row.indicator.is_quantitative]
    return {
        "fiche": fiche,
        "action": action,
        "rows": rows,
        "charts": charts,
        "years": [y for y in action.plan.years if y <= fiche.year],
        "made_at": timezone.localtime(),
        "plan": action.plan,
    }
