"""Evaluation narratives: the coordinator's texts of one evaluation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actionplan.models import Plan, StrategicGoal, User
from evaluations.models import Finding, Narrative, ReportKind
from evaluations.reports.services import check_kind_year


def narrative_with_findings(*, plan: Plan, kind: str, year: int) -> Narrative | None:
    """The coordinator's texts of one evaluation with their findings per strategic goal:
    the one way pages and reports load them (two queries)."""
    return (
        Narrative.objects.filter(plan=plan, kind=kind, year=year)
        .prefetch_related("findings")
        .first()
    )


@dataclass(frozen=True)
class NarrativeStatus:
    """One evaluation's texts as the reports page lists them: which sections are empty."""

    kind: str
    kind_label: str
    year: int
    missing: list[str]


def narrative_statuses(plan: Plan) -> list[NarrativeStatus]:
    """The interim evaluation (the plan's middle year), the final evaluation (its last year)
    and every other evaluation AJH began, each with the sections still empty, so that AJH
    sees before requesting what the report would leave blank. Three queries."""
    goals = list(StrategicGoal.objects.filter(plan=plan).order_by("number"))
    written = {
        (n.kind, n.year): n
        for n in Narrative.objects.filter(plan=plan).prefetch_related("findings")
    }
    middle = plan.start_year + (plan.end_year - plan.start_year) // 2
    keys = [(ReportKind.INTERIM.value, middle), (ReportKind.FINAL.value, plan.end_year)]
    keys += sorted(k for k in written if k not in keys)
    labels = dict(ReportKind.choices)
    statuses = []
    for kind, year in keys:
        narrative = written.get((kind, year))
        findings = {f.strategic_goal_id: f for f in narrative.findings.all()} if narrative else {}
        missing = []
        if not (narrative and narrative.summary.strip()):
            missing.append(_("samenvatting"))
        for goal in goals:
            finding = findings.get(goal.pk)
            if not (finding and finding.text.strip()):
                missing.append(_("bevindingen SD%(n)s") % {"n": goal.number})
        if not (narrative and narrative.recommendations.strip()):
            missing.append(_("aanbevelingen"))
        if kind == ReportKind.FINAL and not (narrative and narrative.impact_analysis.strip()):
            missing.append(_("impactanalyse"))
        statuses.append(NarrativeStatus(kind, str(labels[kind]), year, missing))
    return statuses


class NarrativeConflict(Exception):
    def __init__(self, current: Narrative) -> None:
        super().__init__(_("Iemand anders heeft deze tekst intussen gewijzigd."))
        self.current = current


@transaction.atomic
def narrative_save(
    *,
    plan: Plan,
    kind: str,
    year: int,
    user: User,
    expected_version: int,
    fields: Mapping[str, str],
    findings: Mapping[int, Mapping[str, str]],
) -> Narrative:
    """Save the coordinator's texts of one evaluation; ``findings`` by strategic goal id."""
    if not user.is_coordinator:
        raise PermissionDenied(_("Alleen de coördinator schrijft de evaluatieteksten."))
    check_kind_year(plan, kind, year)
    narrative, _created = Narrative.objects.select_for_update().get_or_create(
        plan=plan, kind=kind, year=year, defaults={"version": 1}
    )
    if narrative.version != expected_version:
        raise NarrativeConflict(narrative)
    for name in ("summary", "recommendations", "impact_analysis"):
        if name in fields:
            setattr(narrative, name, fields[name])
    narrative.version += 1
    narrative.updated_at = timezone.now()
    narrative.updated_by = user
    narrative._history_user = user  # type: ignore[attr-defined]
    narrative.save()
    goals = StrategicGoal.objects.filter(plan=plan).in_bulk()
    existing = {f.strategic_goal_id: f for f in narrative.findings.all()}
    for goal_id, texts in findings.items():
        if goal_id not in goals:
            raise ValidationError(_("Onbekende strategische doelstelling."))
        finding = existing.get(goal_id) or Finding(narrative=narrative, strategic_goal_id=goal_id)
        new = {"text": texts.get("text", ""), "impact": texts.get("impact", "")}
        if finding.pk and all(getattr(finding, k) == v for k, v in new.items()):
            continue
        for key, value in new.items():
            setattr(finding, key, value)
        finding._history_user = user  # type: ignore[attr-defined]
        finding.save()
    return narrative
