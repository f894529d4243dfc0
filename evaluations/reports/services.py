"""Writes of evaluation reports: request, retry, fail, and marking dead jobs as failed.

The worker side of a report job is ``evaluations.reports.build``; this module only enqueues
it, by name.
"""

from __future__ import annotations

import datetime as dt

from celery import current_app
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actionplan.models import Plan, User
from evaluations.models import EvaluationReport, ReportKind, ReportStatus
from fiches.models import Fiche, FicheQuerySet

EVALUATION_KINDS = (ReportKind.INTERIM, ReportKind.FINAL, ReportKind.ANNUAL)


def check_kind_year(plan: Plan, kind: str, year: int) -> None:
    if kind not in EVALUATION_KINDS:
        raise ValidationError(
            {"kind": _("Kies tussentijdse evaluatie, eindevaluatie of jaarrapport.")}
        )
    if year not in plan.years:
        raise ValidationError(
            {
                "year": _("Kies een jaar binnen de looptijd van het plan (%(a)s–%(b)s).")
                % {"a": plan.start_year, "b": plan.end_year}
            }
        )


# --- Requesting ------------------------------------------------------------------------


BUILD_TASK = "evaluations.tasks.build_report"


def _enqueue(report: EvaluationReport) -> None:
    """Send the worker's job by name once the row is committed: the task module imports
    the worker side (``build``), not this one, so there is no circle."""
    transaction.on_commit(lambda: current_app.send_task(BUILD_TASK, args=[report.pk]))


@transaction.atomic
def report_request(
    *, plan: Plan, kind: str, year: int, user: User | None, enqueue: bool = True
) -> EvaluationReport:
    """A ``queued`` report; the worker builds it after the transaction commits."""
    if user is not None and not user.is_coordinator:
        raise PermissionDenied(_("Alleen de coördinator vraagt evaluatierapporten aan."))
    check_kind_year(plan, kind, year)
    report = EvaluationReport(plan=plan, kind=kind, year=year, requested_by=user)
    report._history_user = user  # type: ignore[attr-defined]
    report.save()
    if enqueue:
        _enqueue(report)
    return report


@transaction.atomic
def fiche_pdf_request(*, fiche: Fiche, user: User) -> EvaluationReport:
    """A PDF of one fiche, for its editors and the coordinators."""
    allowed = Fiche.objects.filter(FicheQuerySet.pdf_condition(user), pk=fiche.pk).exists()
    if not allowed:
        raise PermissionDenied(
            _("Alleen redacteurs van deze actie en de coördinator maken een PDF van deze fiche.")
        )
    report = EvaluationReport(
        plan=fiche.action.plan,
        kind=ReportKind.FICHE,
        year=fiche.year,
        fiche=fiche,
        requested_by=user,
    )
    report._history_user = user  # type: ignore[attr-defined]
    report.save()
    _enqueue(report)
    return report


@transaction.atomic
def report_retry(*, report: EvaluationReport, user: User) -> EvaluationReport:
    if not (user.is_coordinator or report.requested_by_id == user.pk):
        raise PermissionDenied(_("Je mag dit rapport niet opnieuw starten."))
    report = EvaluationReport.objects.select_for_update().get(pk=report.pk)
    if report.stale_reason:
        # Shown as failed, not yet marked by the beat task: record the failure first.
        report_fail(report, report.stale_reason)
    if report.status != ReportStatus.FAILED:
        raise ValidationError(_("Alleen een mislukt rapport kan opnieuw gestart worden."))
    report.status = ReportStatus.QUEUED
    report.error = ""
    report.progress = 0
    report.step = ""
    report._history_user = user  # type: ignore[attr-defined]
    report._change_reason = _("opnieuw gestart")  # type: ignore[attr-defined]
    report.save()
    _enqueue(report)
    return report


def reports_mark_stale(now: dt.datetime | None = None) -> int:
    """Write ``failed`` on reports whose worker died (instead of ``running`` forever) and on
    reports that no worker picked up within REPORT_QUEUE_TIMEOUT (instead of ``queued``
    forever), with the reason. Run by the beat task; pages only show it."""
    count = 0
    for report in EvaluationReport.objects.stale(now or timezone.now()):
        reason = report.stale_reason
        if reason:
            report_fail(report, reason)
            count += 1
    return count


def report_fail(report: EvaluationReport, reason: str) -> None:
    """End a report as ``failed`` with the reason on the row and in its history."""
    report.status = ReportStatus.FAILED
    report.error = reason
    report.finished_at = timezone.now()
    report._change_reason = reason[:250]  # type: ignore[attr-defined]
    report.save()
