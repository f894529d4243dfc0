"""Writes of evaluation reports: request, retry, fail, marking dead jobs as failed, and the
report's way (approve, send to the Vlaamse Regering, send to the Vlaams Parlement).

The worker side of a report job is ``evaluations.reports.build``; this module only enqueues
it, by name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actionplan import jobs
from actionplan.display import date_display
from actionplan.models import Plan, User
from evaluations.models import (
    EvaluationReport,
    Finding,
    Narrative,
    ReleaseStep,
    ReportKind,
    ReportRelease,
    ReportStatus,
)
from fiches.models import Fiche, FicheQuerySet
from planning.models import PlanVersion

logger = logging.getLogger(__name__)

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


def _publish(report: EvaluationReport) -> None:
    """Hand the committed row to the worker, by name (the task module imports the worker
    side, ``build``, not this one). The job carries the attempt: a message of an earlier
    attempt that the broker delivers again later builds nothing. When the queue does not
    take it, the row says so (failed, to retry at once) and ``JobUnavailable`` goes up to
    the request, which answers 503."""
    try:
        jobs.enqueue(BUILD_TASK, [report.pk, report.attempts])
    except jobs.JobUnavailable as exc:
        with transaction.atomic():
            report_fail(report, str(exc))
        raise


def report_request(
    *, plan: Plan, kind: str, year: int, user: User | None, enqueue: bool = True
) -> EvaluationReport:
    """A ``queued`` report, committed, then its job published (``enqueue=False``: the
    command line builds it in-process)."""
    if user is not None and not user.is_coordinator:
        raise PermissionDenied(_("Alleen de coördinator vraagt evaluatierapporten aan."))
    check_kind_year(plan, kind, year)
    with transaction.atomic(durable=True):
        report = EvaluationReport(plan=plan, kind=kind, year=year, requested_by=user, attempts=1)
        report._history_user = user  # type: ignore[attr-defined]
        report.save()
    if enqueue:
        _publish(report)
    return report


def fiche_pdf_request(*, fiche: Fiche, user: User) -> EvaluationReport:
    """A PDF of one fiche, for its editors and the coordinators."""
    allowed = Fiche.objects.filter(FicheQuerySet.pdf_condition(user), pk=fiche.pk).exists()
    if not allowed:
        raise PermissionDenied(
            _("Alleen redacteurs van deze actie en de coördinator maken een PDF van deze fiche.")
        )
    with transaction.atomic(durable=True):
        report = EvaluationReport(
            plan=fiche.action.plan,
            kind=ReportKind.FICHE,
            year=fiche.year,
            fiche=fiche,
            requested_by=user,
            attempts=1,
        )
        report._history_user = user  # type: ignore[attr-defined]
        report.save()
    _publish(report)
    return report


def _queue_again(report: EvaluationReport, reason: str) -> None:
    """A failed report queued as a new attempt (the caller holds the row's lock)."""
    report.status = ReportStatus.QUEUED
    report.queued_at = timezone.now()
    report.attempts += 1
    report.error = ""
    report.progress = 0
    report.step = ""
    report.started_at = None
    report.heartbeat_at = None
    report.finished_at = None
    report._change_reason = reason  # type: ignore[attr-defined]
    report.save()


def report_retry(*, report: EvaluationReport, user: User) -> EvaluationReport:
    if not (user.is_coordinator or report.requested_by_id == user.pk):
        raise PermissionDenied(_("Je mag dit rapport niet opnieuw starten."))
    with transaction.atomic(durable=True):
        report = EvaluationReport.objects.select_for_update().get(pk=report.pk)
        if report.stale_reason:
            # Shown as failed, not yet marked by the beat task: record the failure first.
            report_fail(report, report.stale_reason)
        if report.status != ReportStatus.FAILED:
            raise ValidationError(_("Alleen een mislukt rapport kan opnieuw gestart worden."))
        report._history_user = user  # type: ignore[attr-defined]
        _queue_again(report, _("opnieuw gestart"))
    _publish(report)
    return report


def reports_mark_stale(now: dt.datetime | None = None) -> int:
    """Write ``failed`` on reports whose worker died (instead of ``running`` forever) and on
    reports that no worker picked up within REPORT_QUEUE_TIMEOUT (instead of ``queued``
    forever), with the reason. A report whose worker died is queued again, once: a worker
    killed by a deployment or the memory limit should not cost the coordinator a click.
    Run by the beat task; pages only show it. Returns how many were marked."""
    count = 0
    for pk in EvaluationReport.objects.stale(now or timezone.now()).values_list("pk", flat=True):
        again = False
        with transaction.atomic(durable=True):
            report = EvaluationReport.objects.select_for_update().get(pk=pk)
            reason = report.stale_reason
            if not reason:
                continue  # it finished, or wrote a sign of life, in the meantime
            died = report.status == ReportStatus.RUNNING
            report_fail(report, reason)
            count += 1
            again = died and not report.auto_retried
            if again:
                report.auto_retried = True
                _queue_again(report, _("automatisch opnieuw gestart"))
        if again:
            try:
                _publish(report)
            except jobs.JobUnavailable:
                logger.warning("report %s not queued again: the broker is unavailable", pk)
    return count


def report_fail(report: EvaluationReport, reason: str) -> None:
    """End a report as ``failed`` with the reason on the row and in its history."""
    report.status = ReportStatus.FAILED
    report.error = reason
    report.finished_at = timezone.now()
    report._change_reason = reason[:250]  # type: ignore[attr-defined]
    report.save()


# --- The report's way: approve, send to government, send to parliament -----------------


class ReleaseRefused(Exception):
    """A step of the report's way that is not allowed now (409 in the API)."""

    api_status = 409


class TamperedFile(Exception):
    """The stored PDF no longer has the SHA-256 it was built or released with (409)."""

    api_status = 409


def _changed_since_build(report: EvaluationReport) -> bool:
    """Whether a fiche up to the reference year or AJH's texts of this evaluation changed
    after the build started: the PDF then no longer shows the current data. Read from the
    history, which records every change (reopening and returning included)."""
    since = report.started_at or report.requested_at
    fiches = Fiche.history.filter(
        action__plan=report.plan_id, year__lte=report.year, history_date__gt=since
    )
    narratives = Narrative.history.filter(
        plan=report.plan_id, kind=report.kind, year=report.year, history_date__gt=since
    )
    findings = Finding.history.filter(
        narrative__plan=report.plan_id,
        narrative__kind=report.kind,
        narrative__year=report.year,
        history_date__gt=since,
    )
    return fiches.exists() or narratives.exists() or findings.exists()


def _check_approvable(report: EvaluationReport) -> None:
    """Everything AJH signs rests on approved, current data in a finished PDF."""
    if report.kind not in EVALUATION_KINDS:
        raise ReleaseRefused(_("Alleen een evaluatierapport gaat de weg van goedkeuring."))
    if report.shown_status == ReportStatus.FAILED:
        raise ReleaseRefused(
            _("Dit rapport is mislukt en heeft geen PDF. Vraag een nieuw rapport aan.")
        )
    if report.status != ReportStatus.DONE or not report.file or not report.sha256:
        raise ReleaseRefused(_("Dit rapport is nog niet klaar. Wacht tot de PDF is opgemaakt."))
    if report.unapproved_fiches is None or report.unapproved_fiches > 0:
        raise ReleaseRefused(
            _(
                "Dit rapport werd opgemaakt terwijl %(n)s fiche(s) tot en met %(year)s nog "
                "niet goedgekeurd waren. Keur eerst alle fiches goed en vraag dan een nieuw "
                "rapport aan: wat AJH goedkeurt, steunt op goedgekeurde gegevens."
            )
            % {
                "n": "?" if report.unapproved_fiches is None else report.unapproved_fiches,
                "year": report.year,
            }
        )
    if _changed_since_build(report):
        raise ReleaseRefused(
            _(
                "Fiches of teksten van deze evaluatie zijn gewijzigd nadat dit rapport werd "
                "opgemaakt. Vraag een nieuw rapport aan en keur dat goed."
            )
        )


def _check_date(date: dt.date, previous: ReportRelease | None) -> None:
    if date > timezone.localdate():
        raise ValidationError({"date": _("De datum ligt in de toekomst.")})
    if previous is not None and date < previous.date:
        raise ValidationError(
            {
                "date": _("De datum ligt vóór de vorige stap (%(step)s op %(date)s).")
                % {"step": previous.step_label, "date": date_display(previous.date)}
            }
        )


def _release(
    *, report: EvaluationReport, step: ReleaseStep, user: User, date: dt.date, reference: str
) -> ReportRelease:
    if not user.is_coordinator:
        raise PermissionDenied(_("Alleen de coördinator registreert de weg van een rapport."))
    report = EvaluationReport.objects.select_for_update().get(pk=report.pk)
    done = {r.step: r for r in ReportRelease.objects.filter(report=report)}
    if step in done:
        raise ReleaseRefused(
            _("Dit rapport is al %(step)s op %(date)s. Een stap wordt nooit overschreven.")
            % {"step": step.label, "date": date_display(done[step].date)}
        )
    previous = done.get(step.previous) if step.previous else None
    if step.previous and previous is None:
        raise ReleaseRefused(
            _("Deze stap kan pas nadat het rapport %(step)s is.") % {"step": step.previous.label}
        )
    if step == ReleaseStep.APPROVED:
        _check_approvable(report)
    reference = reference.strip()
    if not reference:
        raise ValidationError({"reference": _("Vul de referentie in.")})
    _check_date(date, previous)
    digest = file_sha256(report)
    if digest != report.sha256:
        raise TamperedFile(
            _(
                "Het PDF-bestand van dit rapport komt niet meer overeen met zijn SHA-256. "
                "Het wordt niet vrijgegeven; meld dit aan de beheerder."
            )
        )
    release = ReportRelease(
        report=report,
        step=step,
        previous=previous,
        date=date,
        reference=reference,
        decided_by=user,
        sha256=digest,
        plan_version=PlanVersion.objects.for_plan(report.plan)
        .approved()
        .order_by("-number")
        .first(),
    )
    release._history_user = user  # type: ignore[attr-defined]
    release._change_reason = str(step.label)  # type: ignore[attr-defined]
    release.full_clean(exclude=["report", "previous", "decided_by", "plan_version"])
    release.save()
    return release


@transaction.atomic
def report_approve(
    *, report: EvaluationReport, user: User, date: dt.date, reference: str
) -> ReportRelease:
    """AJH approves the report's PDF: frozen with its SHA-256 and the plan version."""
    return _release(
        report=report, step=ReleaseStep.APPROVED, user=user, date=date, reference=reference
    )


@transaction.atomic
def report_send_to_government(
    *, report: EvaluationReport, user: User, date: dt.date, reference: str
) -> ReportRelease:
    """The approved PDF went to the Vlaamse Regering on ``date`` under ``reference``."""
    return _release(
        report=report, step=ReleaseStep.GOVERNMENT, user=user, date=date, reference=reference
    )


@transaction.atomic
def report_send_to_parliament(
    *, report: EvaluationReport, user: User, date: dt.date, reference: str
) -> ReportRelease:
    """The PDF sent to the government went to the Vlaams Parlement."""
    return _release(
        report=report, step=ReleaseStep.PARLIAMENT, user=user, date=date, reference=reference
    )


RELEASE_SERVICES = {
    ReleaseStep.APPROVED: report_approve,
    ReleaseStep.GOVERNMENT: report_send_to_government,
    ReleaseStep.PARLIAMENT: report_send_to_parliament,
}


def _missing_file() -> TamperedFile:
    return TamperedFile(
        _(
            "Het PDF-bestand van dit rapport ontbreekt op de server. Het wordt niet "
            "aangeboden; meld dit aan de beheerder."
        )
    )


def file_sha256(report: EvaluationReport) -> str:
    digest = hashlib.sha256()
    try:
        with report.file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 16), b""):
                digest.update(chunk)
    except FileNotFoundError as exc:
        raise _missing_file() from exc
    return digest.hexdigest()


def verified_pdf(report: EvaluationReport, sha256: str) -> bytes:
    """The report's PDF, only when it still has ``sha256`` (the SHA-256 it was built or
    released with); a changed file raises ``TamperedFile``."""
    try:
        with report.file.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError as exc:
        raise _missing_file() from exc
    if hashlib.sha256(data).hexdigest() != sha256:
        raise TamperedFile(
            _(
                "Het PDF-bestand is gewijzigd sinds het werd vastgelegd: de SHA-256 klopt "
                "niet meer. Het wordt niet aangeboden; meld dit aan de beheerder."
            )
        )
    return data
