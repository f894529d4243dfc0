"""Running a spreadsheet import: check (dry run) then apply, inline for small files and as a
Celery job for large ones. The ImportJob row is the source of truth for status and result."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from actionplan.exchange import ImportResult, actions_import
from actionplan.models import ImportJob, ImportKind, ImportStatus, Plan, User
from actionplan.spreadsheets import MAX_UPLOAD_BYTES, SpreadsheetError, read_table

# Files above this size are checked and applied by the worker, with progress.
INLINE_MAX_BYTES = 200 * 1024


def can_import(user: User, kind: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if kind == ImportKind.ACTIONS:
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
    with dry_run=false)."""
    from actionplan.tasks import run_import

    job.status = ImportStatus.QUEUED
    job.progress = 0
    job.save(update_fields=["status", "progress"])
    transaction.on_commit(lambda: run_import.delay(job.pk, apply, then_apply))


def import_run(job_id: int, *, apply: bool) -> ImportJob:
    """Check, or apply, the job's file. Applying checks again: nothing half-done."""
    job = ImportJob.objects.select_related("plan", "requested_by").get(pk=job_id)
    if job.status == ImportStatus.APPLIED:
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
    return job


def _run(job: ImportJob, table: Any, *, dry_run: bool, on_progress: Any) -> ImportResult:
    kwargs = {
        "table": table,
        "plan": job.plan,
        "user": job.requested_by,
        "filename": job.filename,
        "dry_run": dry_run,
        "on_progress": on_progress,
    }
    if job.kind == ImportKind.ACTIONS:
        return actions_import(**kwargs)
    from indicators.exchange import values_import

    return values_import(**kwargs)
