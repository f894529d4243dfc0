"""The worker side of an import job: check (dry run) or apply the job's file and store the
outcome on the ImportJob row, the source of truth for status and result. Small files run
here inline, large ones in the worker (``exchange.tasks.run_import``)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from exchange.importers import ImportResult, actions_import, values_import
from exchange.models import ImportJob, ImportKind, ImportStatus
from exchange.reference_importers import administrations_import, ministers_import
from exchange.spreadsheets import SpreadsheetError, Table, read_table
from notifications.models import NotificationKind
from notifications.services import MAIL_LANGUAGE, notify


def import_run(job_id: int, *, apply: bool) -> ImportJob:
    """Check, or apply, the job's file. Applying checks again: nothing half-done."""
    job = ImportJob.objects.select_related("plan", "requested_by").get(pk=job_id)
    if job.status == ImportStatus.APPLIED:
        return job
    if not apply and job.status not in (ImportStatus.QUEUED, ImportStatus.CHECKING):
        # A check delivered again by the broker after the job moved on (checked,
        # applying, failed): nothing to do.
        return job
    if (
        apply
        and job.status != ImportStatus.CHECKED
        and not (job.status == ImportStatus.QUEUED and job.result)
    ):
        return job
    job.status = ImportStatus.APPLYING if apply else ImportStatus.CHECKING
    job.save(update_fields=["status"])

    def progress(percent: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(progress=min(percent, 99))

    try:
        with job.file.open("rb") as handle:
            table = read_table(handle, filename=job.filename, size=job.file.size)
        result = _run(job, table, dry_run=not apply, on_progress=progress)
    except SpreadsheetError as exc:
        result = ImportResult()
        result.error(0, "", str(exc))
    except PermissionDenied as exc:
        result = ImportResult()
        result.error(0, "", str(exc))
    except Exception as exc:
        job.status = ImportStatus.FAILED
        job.error = _("De import mislukte: %(e)s") % {"e": str(exc)[:400]}
        job.save(update_fields=["status", "error"])
        raise
    job.result = result.as_dict()
    job.progress = 100
    job.status = ImportStatus.APPLIED if result.applied else ImportStatus.CHECKED
    job._change_reason = job.filename  # type: ignore[attr-defined]
    job.save()
    _tell_finished(job)
    return job


def _tell_finished(job: ImportJob) -> None:
    """Whoever asked for the import hears that its check or its apply is done."""
    with translation.override(MAIL_LANGUAGE):
        title = (
            _("Import van %(file)s uitgevoerd")
            if job.status == ImportStatus.APPLIED
            else _("Import van %(file)s gecontroleerd: bekijk het resultaat en bevestig")
        ) % {"file": job.filename}
        notify(
            users=[job.requested_by],
            kind=NotificationKind.IMPORT_FINISHED,
            title=title,
            url=reverse("exchange:import-job", args=[job.pk]),
        )


def _run(
    job: ImportJob, table: Table, *, dry_run: bool, on_progress: Callable[[int], None]
) -> ImportResult:
    kwargs = {
        "table": table,
        "plan": job.plan,
        "user": job.requested_by,
        "filename": job.filename,
        "dry_run": dry_run,
        "on_progress": on_progress,
    }
    importers = {
        ImportKind.ACTIONS: actions_import,
        ImportKind.MINISTERS: ministers_import,
        ImportKind.ADMINISTRATIONS: administrations_import,
        ImportKind.INDICATOR_VALUES: values_import,
    }
    return importers[ImportKind(job.kind)](**kwargs)  # type: ignore[arg-type]
