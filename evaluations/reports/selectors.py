"""Reads of the report pages and the reports API, each in a fixed number of queries."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from actionplan.models import User
from evaluations.models import (
    EvaluationReport,
    ReleaseStep,
    ReportKind,
    ReportQuerySet,
    ReportRelease,
)


def _releases() -> Prefetch:
    return Prefetch(
        "releases",
        queryset=ReportRelease.objects.select_related("decided_by", "plan_version").order_by(
            "created_at", "id"
        ),
    )


def reports_for(user: User | AnonymousUser) -> ReportQuerySet:
    """The reports a user sees, with who asked, the fiche they are of and their releases:
    three queries for a page of them, whatever its length."""
    return (
        EvaluationReport.objects.visible_to(user)
        .select_related("requested_by", "fiche__action")
        .prefetch_related(_releases())
    )


def fiche_reports(user: User | AnonymousUser, fiche_id: int) -> ReportQuerySet:
    """The PDFs of one fiche, newest first: they have no way to go, so no releases."""
    return (
        EvaluationReport.objects.visible_to(user)
        .select_related("requested_by", "fiche__action")
        .filter(fiche_id=fiche_id)
    )


def evaluation_reports(user: User | AnonymousUser) -> ReportQuerySet:
    """The evaluation reports (no fiche PDFs), newest first."""
    return reports_for(user).exclude(kind=ReportKind.FICHE)


def report_detail(user: User | AnonymousUser, pk: int) -> EvaluationReport:
    """One report with its plan, who asked and every step of its way (two queries)."""
    return get_object_or_404(reports_for(user).select_related("plan"), pk=pk)


def release_for(user: User | AnonymousUser, pk: int, step: str) -> ReportRelease:
    """One released step of a report, with the report whose PDF it froze (one query)."""
    if step not in ReleaseStep.values:
        raise Http404("Onbekende stap.")
    return get_object_or_404(
        ReportRelease.objects.visible_to(user).select_related("report"), report_id=pk, step=step
    )


def next_step(report: EvaluationReport) -> ReleaseStep | None:
    """The step the report may take next, from its prefetched releases; none at the end."""
    if report.kind == ReportKind.FICHE:
        return None
    done = {r.step for r in report.releases.all()}
    for step in ReleaseStep:
        if step not in done:
            return step
    return None
