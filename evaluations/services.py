"""Writes of evaluation narratives and reports, and the building of a report's PDF."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from actionplan.models import Plan, StrategicGoal, User
from evaluations.content import fiche_content, report_content
from evaluations.models import (
    EvaluationReport,
    Finding,
    Narrative,
    ReportKind,
    ReportStatus,
)
from evaluations.pdf import render_pdf
from fiches.models import Fiche

logger = logging.getLogger(__name__)
EVALUATION_KINDS = (ReportKind.INTERIM, ReportKind.FINAL, ReportKind.ANNUAL)


class NarrativeConflict(Exception):
    def __init__(self, current: Narrative) -> None:
        super().__init__(_("Iemand anders heeft deze tekst intussen gewijzigd."))
        self.current = current


# --- Narratives ------------------------------------------------------------------------


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
    _check_kind_year(plan, kind, year)
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


def _check_kind_year(plan: Plan, kind: str, year: int) -> None:
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


def _enqueue(report: EvaluationReport) -> None:
    from evaluations.tasks import build_report

    transaction.on_commit(lambda: build_report.delay(report.pk))


@transaction.atomic
def report_request(
    *, plan: Plan, kind: str, year: int, user: User | None, enqueue: bool = True
) -> EvaluationReport:
    """A ``queued`` report; the worker builds it after the transaction commits."""
    if user is not None and not user.is_coordinator:
        raise PermissionDenied(_("Alleen de coördinator vraagt evaluatierapporten aan."))
    _check_kind_year(plan, kind, year)
    report = EvaluationReport(plan=plan, kind=kind, year=year, requested_by=user)
    report._history_user = user  # type: ignore[attr-defined]
    report.save()
    if enqueue:
        _enqueue(report)
    return report


@transaction.atomic
def fiche_pdf_request(*, fiche: Fiche, user: User) -> EvaluationReport:
    """A PDF of one fiche, for its editors and the coordinators."""
    allowed = Fiche.objects.filter(pk=fiche.pk).with_permissions(user).filter(can_pdf=True).exists()
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


def stale_after() -> dt.timedelta:
    """A running report without a sign of life for longer than the hard limit is dead."""
    return dt.timedelta(seconds=settings.REPORT_TIME_LIMIT + 60)


def reports_mark_stale(now: dt.datetime | None = None) -> int:
    """Mark reports whose worker died as failed, instead of ``running`` forever, and reports
    that no worker picked up within REPORT_QUEUE_TIMEOUT, instead of ``queued`` forever."""
    now = now or timezone.now()
    waiting = EvaluationReport.objects.filter(
        status=ReportStatus.QUEUED,
        requested_at__lt=now - dt.timedelta(seconds=settings.REPORT_QUEUE_TIMEOUT),
    )
    for report in waiting:
        _fail(
            report,
            _(
                "Geen worker nam dit rapport op binnen %(m)s minuten. Controleer of de "
                "worker draait en start het rapport opnieuw."
            )
            % {"m": settings.REPORT_QUEUE_TIMEOUT // 60},
        )
    stale = EvaluationReport.objects.filter(
        status=ReportStatus.RUNNING, heartbeat_at__lt=now - stale_after()
    )
    count = 0
    for report in stale:
        _fail(
            report,
            _(
                "De worker stopte tijdens het opmaken (geen teken van leven sinds "
                "%(t)s). Start het rapport opnieuw."
            )
            % {"t": timezone.localtime(report.heartbeat_at).strftime("%d-%m-%Y %H:%M")},
        )
        count += 1
    return count


# --- Building --------------------------------------------------------------------------


# WeasyPrint reports its step a few hundred times per report (per page); a write each time
# costs a commit each. Unchanged progress is written again only as a sign of life.
HEARTBEAT_EVERY = dt.timedelta(seconds=5)


def _progress(report: EvaluationReport, percent: int, step: str) -> None:
    percent = max(report.progress, min(percent, 99))
    now = timezone.now()
    if (
        (percent, step) == (report.progress, report.step)
        and report.heartbeat_at is not None
        and now - report.heartbeat_at < HEARTBEAT_EVERY
    ):
        return
    report.progress, report.step, report.heartbeat_at = percent, step, now
    EvaluationReport.objects.filter(pk=report.pk).update(
        progress=percent, step=step, heartbeat_at=now
    )


def _fail(report: EvaluationReport, reason: str) -> None:
    report.status = ReportStatus.FAILED
    report.error = reason
    report.finished_at = timezone.now()
    report._change_reason = reason[:250]  # type: ignore[attr-defined]
    report.save()


def render_report_html(report: EvaluationReport) -> str:
    """The report's HTML: the same for the job, the command line and the benchmark."""
    if report.kind == ReportKind.FICHE:
        return render_to_string("evaluations/pdf/fiche.html", fiche_content(report))
    return render_to_string("evaluations/pdf/report.html", {"c": report_content(report)})


def report_build(report_id: int) -> EvaluationReport:
    """Build the PDF of a report. Idempotent: a finished report is left as it is.

    Progress and a heartbeat are written as it goes; any error ends in ``failed`` with the
    reason on the row.
    """
    with transaction.atomic():
        report = EvaluationReport.objects.select_for_update().get(pk=report_id)
        if report.is_finished:
            return report
        report.status = ReportStatus.RUNNING
        report.started_at = timezone.now()
        report.heartbeat_at = report.started_at
        report.attempts += 1
        report.progress = 0
        report.step = _("gegevens laden")
        report.save()
    try:
        html = render_report_html(report)
        if report.kind != ReportKind.FICHE:
            report.unapproved_fiches = _unapproved(report)
        _progress(report, 20, _("opmaak voorbereiden"))
        result = render_pdf(
            html, on_progress=lambda f: _progress(report, 20 + int(f * 70), _("PDF opmaken"))
        )
        _progress(report, 95, _("bewaren"))
        digest = hashlib.sha256(result.pdf).hexdigest()
        with transaction.atomic():
            report.file.save(report.filename, ContentFile(result.pdf), save=False)
            report.sha256 = digest
            report.page_count = result.pages
            report.size = len(result.pdf)
            report.status = ReportStatus.DONE
            report.progress = 100
            report.step = ""
            report.finished_at = timezone.now()
            report.save()
    except Exception as exc:
        logger.exception("report %s failed", report.pk)
        _fail(report, _("Het opmaken mislukte: %(error)s") % {"error": _describe(exc)})
        raise
    return report


def _unapproved(report: EvaluationReport) -> int:
    return (
        Fiche.objects.filter(action__plan=report.plan, year__lte=report.year)
        .exclude(state="approved")
        .count()
    )


def _describe(exc: BaseException) -> str:
    from celery.exceptions import SoftTimeLimitExceeded

    if isinstance(exc, SoftTimeLimitExceeded):
        return _("de tijdslimiet werd overschreden")
    text = str(exc) or type(exc).__name__
    return text[:500]


def report_payload(report: EvaluationReport) -> dict[str, Any]:
    return {"id": report.pk, "status": report.status, "progress": report.progress}
