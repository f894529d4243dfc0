"""Evaluation rows of the demo plan: whatever someone made while trying the demo (texts,
findings, reports) goes with it when the demo is purged."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from actionplan.demo import delete_files_on_commit, demo_actions, demo_plans
from actionplan.history import delete_with_history
from evaluations.models import EvaluationReport, Finding, Narrative, ReleaseStep, ReportRelease


def demo_evaluations_purge() -> dict[str, int]:
    """Delete the narratives (with findings) and reports of demo plans and demo fiches
    (with the steps of their way), their PDF files once the deletion is committed, and
    their history."""
    reports = EvaluationReport.objects.filter(
        Q(plan__in=demo_plans()) | Q(fiche__action__in=demo_actions())
    )
    narratives = Narrative.objects.filter(plan__in=demo_plans())
    with transaction.atomic():
        files = [report.file for report in reports.exclude(file="")]
        # Last step first: each release protects the one before it.
        for step in reversed(ReleaseStep):
            delete_with_history(ReportRelease.objects.filter(report__in=reports, step=step))
        counts = {"reports": delete_with_history(reports)}
        delete_with_history(Finding.objects.filter(narrative__in=narratives))
        counts["narratives"] = delete_with_history(narratives)
        delete_files_on_commit(files)
    return counts
