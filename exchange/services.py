"""Spreadsheet imports: who may import what, the upload, and handing a job to the worker.
Small files are checked and applied inline (``exchange.run``), large ones in the worker."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from actionplan import jobs
from actionplan.models import Plan, User
from exchange.models import ImportJob, ImportKind, ImportStatus
from exchange.spreadsheets import MAX_UPLOAD_BYTES, SpreadsheetError

# Files above this size are checked and applied by the worker, with progress.
INLINE_MAX_BYTES = 200 * 1024
RUN_IMPORT_TASK = "exchange.tasks.run_import"


def can_import(user: User, kind: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if kind in (ImportKind.ACTIONS, ImportKind.MINISTERS, ImportKind.ADMINISTRATIONS):
        return user.is_coordinator
    return user.is_coordinator or user.is_editor


@transaction.atomic
def import_upload(*, kind: str, plan: Plan, user: User, upload: UploadedFile) -> ImportJob:
    if not can_import(user, kind):
        raise PermissionDenied(_("Je mag dit soort gegevens niet importeren."))
    if upload.size and upload.size > MAX_UPLOAD_BYTES:
        raise SpreadsheetError(
            _("Het bestand is te groot; het maximum is %(max)s MB.")
            % {"max": MAX_UPLOAD_BYTES // 1024 // 1024}
        )
    job = ImportJob(kind=kind, plan=plan, filename=upload.name or "upload", requested_by=user)
    job.file.save(job.filename, upload, save=False)
    job._history_user = user  # type: ignore[attr-defined]
    job.save()
    return job


def runs_inline(job: ImportJob) -> bool:
    return job.file.size <= INLINE_MAX_BYTES


def enqueue(job: ImportJob, *, apply: bool, then_apply: bool = False) -> None:
    """Run in the worker; ``then_apply`` applies right after a clean check (API uploads
    with dry_run=false). The queued row is committed first (the worker must find it), then
    the job published; when the queue does not take it, the job is failed with the reason
    (to retry at once) and ``JobUnavailable`` goes up to the request (503)."""
    with transaction.atomic(durable=True):
        job.status = ImportStatus.QUEUED
        job.progress = 0
        job.error = ""
        job.save(update_fields=["status", "progress", "error"])
    try:
        # By name: the task module imports the worker side (exchange.run), not this one.
        jobs.enqueue(RUN_IMPORT_TASK, [job.pk, apply, then_apply])
    except jobs.JobUnavailable as exc:
        job.status = ImportStatus.FAILED
        job.error = str(exc)
        job._change_reason = job.error[:250]  # type: ignore[attr-defined]
        job.save()
        raise


@transaction.atomic
def import_retry(*, job: ImportJob, user: User) -> ImportJob:
    """A failed import checked again from its file (then applied after confirmation, or
    at once for an API retry with dry_run=false): its uploader or a coordinator."""
    if not (user.is_coordinator or job.requested_by_id == user.pk):
        raise PermissionDenied(_("Je mag deze import niet opnieuw starten."))
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportStatus.FAILED:
        raise ValidationError(_("Alleen een mislukte import kan opnieuw gestart worden."))
    job.status = ImportStatus.QUEUED
    job.progress = 0
    job.result = {}
    job.error = ""
    job._history_user = user  # type: ignore[attr-defined]
    job._change_reason = _("opnieuw gestart")  # type: ignore[attr-defined]
    job.save()
    return job
