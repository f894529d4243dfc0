"""Report pages: list and request, live progress, detail with the report's way (approve,
send to government and parliament), downloads verified by SHA-256, retry, narratives with
guidance and preview, fiche PDFs."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actionplan.http import AuthenticatedHttpRequest
from actionplan.jobs import JobUnavailable, unavailable_page
from actionplan.models import StrategicGoal
from actionplan.selectors import plan_current
from evaluations.models import EvaluationReport, ReleaseStep, ReportKind, ReportStatus
from evaluations.reports import narratives, selectors, services
from evaluations.reports.forms import GUIDANCE, NarrativeForm, ReleaseForm, ReportRequestForm
from fiches.models import Fiche


def _reports(request: AuthenticatedHttpRequest):  # type: ignore[no-untyped-def]
    return selectors.reports_for(request.user)


@require_http_methods(["GET", "POST"])
def report_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    plan = plan_current(request.GET.get("plan"))
    form = ReportRequestForm(request.POST or None, plan=plan)
    if request.method == "POST":
        if not request.user.is_coordinator:
            raise PermissionDenied(_("Alleen de coördinator vraagt evaluatierapporten aan."))
        if form.is_valid():
            try:
                report = services.report_request(
                    plan=plan,
                    kind=form.cleaned_data["kind"],
                    year=form.cleaned_data["year"],
                    user=request.user,
                )
            except JobUnavailable as exc:
                return _not_started(request, exc, None)
            messages.success(
                request,
                _("%(report)s is aangevraagd; het wordt nu opgemaakt.")
                % {"report": report.get_kind_display().capitalize()},
            )
            if report.is_preview:
                messages.info(
                    request,
                    _(
                        "Het referentiejaar %(year)s is nog niet begonnen: het rapport is een "
                        "voorbeeld en zegt dat op de eerste bladzijde."
                    )
                    % {"year": report.year},
                )
            return redirect("reports:reports")
    page = Paginator(selectors.evaluation_reports(request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "evaluations/reports.html",
        {
            "plan": plan,
            "form": form,
            "page": page,
            "narratives": narratives.narrative_statuses(plan)
            if request.user.is_coordinator
            else [],
            "kinds": [(k, v) for k, v in ReportKind.choices if k != ReportKind.FICHE],
        },
        status=422 if request.method == "POST" else 200,
    )


@require_GET
def report_row(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One row, polled by htmx while the report is queued or running."""
    report = get_object_or_404(_reports(request), pk=pk)
    return render(request, "evaluations/partials/report_row.html", {"report": report})


def _verified_download(
    request: AuthenticatedHttpRequest, report: EvaluationReport, sha256: str, filename: str
) -> HttpResponseBase:
    """The PDF only when it still has the SHA-256 it was frozen with; a changed file is
    refused with a page that says so (409)."""
    try:
        data = services.verified_pdf(report, sha256)
    except services.TamperedFile as exc:
        return render(
            request,
            "evaluations/reports/tampered.html",
            {"report": report, "message": str(exc)},
            status=409,
        )
    return FileResponse(
        io.BytesIO(data), as_attachment=True, filename=filename, content_type="application/pdf"
    )


@require_GET
def report_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    report = get_object_or_404(EvaluationReport.objects.visible_to(request.user), pk=pk)
    if report.status != ReportStatus.DONE or not report.file:
        raise Http404(_("Dit rapport is (nog) niet klaar."))
    return _verified_download(request, report, report.sha256, report.filename)


@require_GET
def release_download(request: AuthenticatedHttpRequest, pk: int, step: str) -> HttpResponseBase:
    """The PDF as frozen at one step, readable by every signed-in user."""
    release = selectors.release_for(request.user, pk, step)
    report = release.report
    filename = report.filename.replace(".pdf", f"-{release.step}.pdf")
    return _verified_download(request, report, release.sha256, filename)


def _detail_context(
    request: AuthenticatedHttpRequest, report: EvaluationReport, form: ReleaseForm | None = None
) -> dict:
    step = selectors.next_step(report)
    return {
        "report": report,
        "releases": list(report.releases.all()),
        "next_step": step,
        "next_step_label": step.label if step else "",
        "form": form or (ReleaseForm() if step and request.user.is_coordinator else None),
    }


@require_GET
def report_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_detail(request.user, pk)
    if report.kind == ReportKind.FICHE:
        raise Http404(_("Onbekend evaluatierapport."))
    return render(request, "evaluations/reports/detail.html", _detail_context(request, report))


@require_POST
def report_release(request: AuthenticatedHttpRequest, pk: int, step: str) -> HttpResponse:
    """Register one step of the report's way (coordinators only)."""
    report = selectors.report_detail(request.user, pk)
    if not request.user.is_coordinator:
        raise PermissionDenied(_("Alleen de coördinator registreert de weg van een rapport."))
    if step not in ReleaseStep.values:
        raise Http404(_("Onbekende stap."))
    form = ReleaseForm(request.POST)
    if form.is_valid():
        try:
            release = services.RELEASE_SERVICES[ReleaseStep(step)](
                report=report,
                user=request.user,
                date=form.cleaned_data["date"],
                reference=form.cleaned_data["reference"],
            )
        except (services.ReleaseRefused, services.TamperedFile) as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _("Het rapport is %(step)s. De PDF is vastgelegd met zijn SHA-256.")
                % {"step": release.step_label},
            )
            return redirect("reports:detail", pk=report.pk)
    report = selectors.report_detail(request.user, pk)
    return render(
        request,
        "evaluations/reports/detail.html",
        _detail_context(request, report, form),
        status=422,
    )


def _not_started(
    request: AuthenticatedHttpRequest, exc: JobUnavailable, fiche_id: int | None
) -> HttpResponse:
    """503: the queue did not take the job; the report is listed as failed, to retry."""
    if fiche_id:
        back = (reverse("fiches:detail", args=[fiche_id]), _("Terug naar de fiche"))
    else:
        back = (reverse("reports:reports"), _("Terug naar de rapporten"))
    return unavailable_page(request, exc, back_url=back[0], back_label=back[1])


@require_POST
def report_retry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(EvaluationReport.objects.visible_to(request.user), pk=pk)
    try:
        services.report_retry(report=report, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except JobUnavailable as exc:
        return _not_started(request, exc, report.fiche_id)
    else:
        messages.success(request, _("Het rapport wordt opnieuw opgemaakt."))
    if report.fiche_id:
        return redirect("fiches:detail", pk=report.fiche_id)
    return redirect("reports:reports")


@require_http_methods(["GET", "POST"])
def narrative_edit(request: AuthenticatedHttpRequest, kind: str, year: int) -> HttpResponse:
    if not request.user.is_coordinator:
        raise PermissionDenied(_("Alleen de coördinator schrijft de evaluatieteksten."))
    plan = plan_current(request.GET.get("plan"))
    if kind not in services.EVALUATION_KINDS or year not in plan.years:
        raise Http404(_("Onbekende evaluatie."))
    goals = list(StrategicGoal.objects.filter(plan=plan).order_by("number"))
    narrative = narratives.narrative_with_findings(plan=plan, kind=kind, year=year)
    final = kind == ReportKind.FINAL
    initial: dict = {"version": narrative.version if narrative else 1}
    if narrative:
        initial.update(
            summary=narrative.summary,
            recommendations=narrative.recommendations,
            impact_analysis=narrative.impact_analysis,
        )
        for finding in narrative.findings.all():
            initial[f"finding-{finding.strategic_goal_id}"] = finding.text
            initial[f"impact-{finding.strategic_goal_id}"] = finding.impact
    form = NarrativeForm(request.POST or None, initial=initial, goals=goals, final=final)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            narratives.narrative_save(
                plan=plan,
                kind=kind,
                year=year,
                user=request.user,
                expected_version=form.cleaned_data["version"],
                fields={
                    k: form.cleaned_data[k]
                    for k in ("summary", "recommendations", "impact_analysis")
                    if k in form.fields
                },
                findings=form.findings(),
            )
        except narratives.NarrativeConflict as exc:
            conflict = exc.current
            data = request.POST.copy()
            data["version"] = str(conflict.version)
            form = NarrativeForm(data, goals=goals, final=final)
            form.is_valid()
        else:
            messages.success(request, _("De evaluatieteksten zijn bewaard."))
            return redirect("reports:reports")
    kind_label = dict(ReportKind.choices)[kind]
    return render(
        request,
        "evaluations/narrative_form.html",
        {
            "form": form,
            "kind_label": kind_label,
            "kind": kind,
            "year": year,
            "conflict": conflict,
            "narrative": narrative,
            "guidance": GUIDANCE,
        },
        status=409 if conflict else (422 if request.method == "POST" else 200),
    )


@require_POST
def narrative_preview(
    request: AuthenticatedHttpRequest, kind: str, year: int, name: str
) -> HttpResponse:
    """One section of the narrative form as it will read in the report (htmx partial):
    the text as typed, unsaved, under the heading it gets in the PDF."""
    if not request.user.is_coordinator:
        raise PermissionDenied(_("Alleen de coördinator schrijft de evaluatieteksten."))
    plan = plan_current(request.GET.get("plan"))
    if kind not in services.EVALUATION_KINDS or year not in plan.years:
        raise Http404(_("Onbekende evaluatie."))
    headings = {
        "summary": _("Samenvatting en cijfers"),
        "recommendations": _("Aanbevelingen en bijsturing"),
        "impact_analysis": _("Impactanalyse"),
    }
    heading = headings.get(name)
    if heading is None:
        section, _sep, goal_id = name.partition("-")
        goal = (
            StrategicGoal.objects.filter(plan=plan, pk=goal_id).only("number", "title").first()
            if section in ("finding", "impact") and goal_id.isascii() and goal_id.isdigit()
            else None
        )
        if goal is None:
            raise Http404(_("Onbekend onderdeel."))
        label = _("Bevindingen") if section == "finding" else _("Impact")
        heading = f"SD{goal.number}. {goal.title} — {label}"
    return render(
        request,
        "evaluations/reports/partials/narrative_preview.html",
        {"heading": heading, "text": request.POST.get(name, ""), "name": name},
    )


FICHE_PDFS_SHOWN = 5


@require_GET
def fiche_pdfs(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The latest PDFs of one fiche: a partial that the fiche page loads with htmx."""
    fiche = get_object_or_404(
        Fiche.objects.visible_to(request.user).with_permissions(request.user).only("pk"), pk=pk
    )
    reports = list(selectors.fiche_reports(request.user, fiche.pk)[:FICHE_PDFS_SHOWN])
    return render(
        request,
        "evaluations/reports/partials/fiche_pdfs.html",
        {"fiche": fiche, "reports": reports, "can_pdf": fiche.can_pdf},
    )


@require_POST
def fiche_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fiche = get_object_or_404(
        Fiche.objects.visible_to(request.user).select_related("action__plan"), pk=pk
    )
    try:
        services.fiche_pdf_request(fiche=fiche, user=request.user)
    except JobUnavailable as exc:
        return _not_started(request, exc, fiche.pk)
    messages.success(request, _("De PDF van deze fiche wordt opgemaakt."))
    return redirect("fiches:detail", pk=pk)
