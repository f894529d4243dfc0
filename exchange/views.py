"""Spreadsheet import pages: upload, dry run with every error, confirm, follow the job."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actionplan.columns import HEADER as ACTION_HEADER
from actionplan.columns import action_template_rows
from actionplan.http import AuthenticatedHttpRequest
from actionplan.jobs import JobUnavailable, unavailable_page
from actionplan.selectors import plan_current
from exchange import exports, run, services
from exchange.models import ImportJob, ImportJobQuerySet, ImportKind, ImportStatus
from exchange.spreadsheets import SpreadsheetError

TEMPLATES = {
    ImportKind.ACTIONS: (ACTION_HEADER, action_template_rows),
}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Bestand (.xlsx of .csv)"),
        error_messages={"required": gettext_lazy("Kies een bestand om te importeren.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


def _jobs_for(request: AuthenticatedHttpRequest) -> ImportJobQuerySet:
    return ImportJob.objects.visible_to(request.user).select_related("requested_by")


@require_http_methods(["GET", "POST"])
def import_start(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    if kind not in ImportKind.values:
        raise Http404()
    if not services.can_import(request.user, kind):
        raise PermissionDenied(_("Je mag dit soort gegevens niet importeren."))
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_upload(
                kind=kind,
                plan=plan_current(None),
                user=request.user,
                upload=form.cleaned_data["file"],
            )
        except SpreadsheetError as exc:
            form.add_error("file", str(exc))
        else:
            return _check(request, job)
    recent = _jobs_for(request).filter(kind=kind)[:10]
    return render(
        request,
        "exchange/import_start.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": ImportKind(kind).label,
            "recent": recent,
            "has_template": kind in TEMPLATES,
        },
        status=422 if request.method == "POST" else 200,
    )


def _check(request: AuthenticatedHttpRequest, job: ImportJob) -> HttpResponse:
    """Check an uploaded file: a small one here, a large one in the worker."""
    if services.runs_inline(job):
        run.import_run(job.pk, apply=False)
    else:
        try:
            services.enqueue(job, apply=False)
        except JobUnavailable as exc:
            return _not_started(request, exc, job)
    return redirect("exchange:import-job", pk=job.pk)


def _not_started(
    request: AuthenticatedHttpRequest, exc: JobUnavailable, job: ImportJob
) -> HttpResponse:
    """503: the queue did not take the job; the job's page shows it failed, to retry."""
    return unavailable_page(
        request,
        exc,
        back_url=reverse("exchange:import-job", args=[job.pk]),
        back_label=_("Naar de import"),
    )


@require_GET
def import_job(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(_jobs_for(request), pk=pk)
    template = "exchange/import_job.html"
    if request.htmx:
        template += "#status"
    return render(
        request,
        template,
        {"job": job, "result": job.result or {}, "kind_label": job.get_kind_display()},
    )


@require_POST
def import_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(_jobs_for(request), pk=pk)
    if job.requested_by_id != request.user.pk and not request.user.is_coordinator:
        raise PermissionDenied()
    if not job.can_apply:
        messages.error(request, _("Deze import kan niet (meer) toegepast worden."))
        return redirect("exchange:import-job", pk=pk)
    if services.runs_inline(job):
        job = run.import_run(job.pk, apply=True)
        if job.status == ImportStatus.APPLIED:
            messages.success(request, _("De import is toegepast."))
        else:
            messages.error(request, _("Er is intussen iets veranderd: bekijk de nieuwe controle."))
    else:
        try:
            services.enqueue(job, apply=True)
        except JobUnavailable as exc:
            return _not_started(request, exc, job)
    return redirect("exchange:import-job", pk=pk)


@require_POST
def import_retry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A failed import checked again from its file."""
    job = get_object_or_404(_jobs_for(request), pk=pk)
    try:
        job = services.import_retry(job=job, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("exchange:import-job", pk=pk)
    return _check(request, job)


@require_GET
def import_template(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    if kind not in TEMPLATES:
        raise Http404()
    header, rows = TEMPLATES[ImportKind(kind)]
    return exports.spreadsheet_response(f"sjabloon-{kind}", "xlsx", header, rows())
