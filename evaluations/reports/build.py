"""The worker side of a report job: build the PDF, writing progress on the row.

``evaluations.tasks.build_report`` calls ``report_build``; so do the ``build_report``
command and the benchmark.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, connections, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from evaluations.models import EvaluationReport, ReportKind, ReportStatus
from evaluations.reports.content import fiche_content, report_content
from evaluations.reports.pdf import render_pdf
from evaluations.reports.services import report_fail
from notifications.models import NotificationKind
from notifications.services import MAIL_LANGUAGE, notify

logger = logging.getLogger(__name__)

# WeasyPrint reports its step a few hundred times per report (per page); a write each time
# costs a commit each. Unchanged progress is written again only as a sign of life.
HEARTBEAT_EVERY = dt.timedelta(seconds=5)

# Reports are official documents of the Flemish administration: Dutch, whatever the
# interface language of who asked for one or of the process that builds it.
REPORT_LANGUAGE = "nl"


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
    _own(report).update(progress=percent, step=step, heartbeat_at=now)


def _own(report: EvaluationReport) -> QuerySet[EvaluationReport]:
    """The row while this build is its current attempt: a build that the beat task gave up
    on (and queued again) writes nothing over the new attempt."""
    return EvaluationReport.objects.filter(
        pk=report.pk, attempts=report.attempts, status=ReportStatus.RUNNING
    )


class Heartbeat:
    """Writes the report's sign of life from a thread every fifth of
    ``REPORT_HEARTBEAT_TIMEOUT`` while the build runs: a long step (laying out hundreds of
    pages) is not taken for a dead worker, and a killed worker falls silent at once."""

    def __init__(self, report: EvaluationReport) -> None:
        self.report = report
        self.every = settings.REPORT_HEARTBEAT_TIMEOUT / 5
        self.stopped = threading.Event()
        self.thread = threading.Thread(
            target=self.run, name=f"report-{report.pk}-heartbeat", daemon=True
        )

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.thread.join()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.every):
                try:
                    _own(self.report).update(heartbeat_at=timezone.now())
                except DatabaseError:
                    logger.warning("report %s: heartbeat not written", self.report.pk)
        finally:
            connections.close_all()  # this thread's own connection


def render_report_html(report: EvaluationReport) -> str:
    """The report's HTML, the same for the job, the command line and the benchmark.

    Notes on the (unsaved) row what the report rests on: for an evaluation its number of
    unapproved fiches (counted once, in the content), for a fiche its state and version.
    """
    with translation.override(REPORT_LANGUAGE):
        if report.kind == ReportKind.FICHE:
            context = fiche_content(report)
            report.fiche_state = context["fiche"].state
            report.fiche_version = context["fiche"].version
            return render_to_string("evaluations/pdf/fiche.html", context)
        content = report_content(report)
        report.unapproved_fiches = content.unapproved
        return render_to_string("evaluations/pdf/report.html", {"c": content})


def report_build(report_id: int, attempt: int | None = None) -> EvaluationReport:
    """Build the PDF of a report, once.

    The job of ``attempt`` builds only a queued report whose current attempt it is (the
    command line passes none: the current one). A finished report, one that a live worker
    builds, or a message of an earlier attempt that the broker delivers again (after its
    visibility timeout) leaves the row as it is. Progress and a heartbeat are written as
    it goes; any error ends in ``failed`` with the reason on the row.
    """
    with transaction.atomic():
        report = EvaluationReport.objects.select_for_update().get(pk=report_id)
        attempt = report.attempts if attempt is None else attempt
        if report.status != ReportStatus.QUEUED or report.attempts != attempt:
            logger.info(
                "report %s attempt %s skipped: the report is %s at attempt %s",
                report.pk,
                attempt,
                report.status,
                report.attempts,
            )
            return report
        report.status = ReportStatus.RUNNING
        report.started_at = timezone.now()
        report.heartbeat_at = report.started_at
        report.progress = 0
        report.step = _("gegevens laden")
        report.save()
    with Heartbeat(report):
        try:
            html = render_report_html(report)
            _progress(report, 20, _("opmaak voorbereiden"))
            result = render_pdf(
                html,
                on_progress=lambda f: _progress(report, 20 + int(f * 70), _("PDF opmaken")),
            )
            _progress(report, 95, _("bewaren"))
            digest = hashlib.sha256(result.pdf).hexdigest()
            with transaction.atomic():
                if not _own(report).select_for_update().exists():
                    logger.warning(
                        "report %s attempt %s: given up on while it ran, PDF not kept",
                        report.pk,
                        attempt,
                    )
                    report.refresh_from_db()
                    return report
                report.file.save(report.filename, ContentFile(result.pdf), save=False)
                report.sha256 = digest
                report.page_count = result.pages
                report.size = len(result.pdf)
                report.status = ReportStatus.DONE
                report.progress = 100
                report.step = ""
                report.finished_at = timezone.now()
                report.save()
                _tell_ready(report)
        except Exception as exc:
            logger.exception("report %s failed", report.pk)
            with transaction.atomic():
                if _own(report).select_for_update().exists():
                    report_fail(
                        report, _("Het opmaken mislukte: %(error)s") % {"error": _describe(exc)}
                    )
            raise
    return report


def _tell_ready(report: EvaluationReport) -> None:
    """The coordinator who asked for an evaluation report hears that it is ready."""
    if report.kind == ReportKind.FICHE or report.requested_by is None:
        return
    with translation.override(MAIL_LANGUAGE):
        notify(
            users=[report.requested_by],
            kind=NotificationKind.REPORT_READY,
            title=_("Het rapport %(report)s (%(year)s) is klaar")
            % {"report": report.get_kind_display(), "year": report.year},
            url=reverse("reports:detail", args=[report.pk]),
        )


def _describe(exc: BaseException) -> str:
    if isinstance(exc, SoftTimeLimitExceeded):
        return _("de tijdslimiet werd overschreden")
    text = str(exc) or type(exc).__name__
    return text[:500]
