"""Spreadsheet imports: who may import what, the upload, and handing a job to the worker.
Small files are checked and applied inline (``exchange.run``), large ones in the worker."""

from __future__ import annotations

from celery import current_app
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

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
    with dry_run=false)."""
    job.status = ImportStatus.QUEUED
    job.progress = 0
    job.save(update_fields=["status", "progress"])
    # By name: the task module imports the worker side (exchange.run), not this one.
    transaction.on_commit(
        lambda: current_app.send_task(RUN_IMPORT_TASK, args=(job.pk, apply, then_apply))
    )
