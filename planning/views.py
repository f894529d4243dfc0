"""Pages of plan versions (/planversies/) and change requests (/wijzigingsverzoeken/)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actionplan.http import AuthenticatedHttpRequest
from actionplan.params import QueryParams
from actionplan.selectors import action_detail, plan_current
from planning import selectors, services, snapshots
from planning.forms import (
    ChangeRequestForm,
    DecisionForm,
    KindForm,
    VersionApproveForm,
    VersionCreateForm,
    kinds_for,
)
from planning.models import ChangeRequest, PlanVersion, RequestState

PAGE_SIZE = 25


def _paginate(request: AuthenticatedHttpRequest, queryset: QuerySet) -> Page:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _require_staff(request: AuthenticatedHttpRequest) -> None:
    """Change requests are for AJH and the administrations' editors (readers read the
    plan versions, not the requests)."""
    if not (request.user.is_coordinator or request.user.is_editor):
        raise PermissionDenied(_("Deze pagina is voor AJH en de redacteurs van de administraties."))


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- Plan versions ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def version_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    plan = plan_current(request.GET.get("plan"))
    form = VersionCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.plan_version_create(
                plan=plan, user=request.user, note=form.cleaned_data["note"]
            )
        except services.WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Versie %(n)s is aangemaakt.") % {"n": version.number})
            return HttpResponseRedirect(reverse("planning:version-detail", args=[version.pk]))
    versions = selectors.version_list(plan)
    return render(
        request,
        "planning/versions/list.html",
        {
            "plan": plan,
            "page": _paginate(request, versions),
            "form": form,
            "has_open": PlanVersion.objects.for_plan(plan).open().exists(),
        },
    )


def _version_page(
    request: AuthenticatedHttpRequest,
    version: PlanVersion,
    approve_form: VersionApproveForm,
    status: int = 200,
) -> HttpResponse:
    """A version with a summary of its content: the stored content once submitted, the
    plan as it is now while it is a draft."""
    content = version.content if version.content is not None else services.version_content(version)
    others = (
        PlanVersion.objects.for_plan(version.plan)
        .exclude(pk=version.pk)
        .defer("content")
        .order_by("-number")
    )
    requests = version.change_requests.select_related("action", "decided_by").order_by(
        "decided_at", "id"
    )
    return render(
        request,
        "planning/versions/detail.html",
        {
            "version": version,
            "summary": selectors.content_summary(content),
            "actions": content.get("actions", []),
            "is_live": version.content is None,
            "others": others,
            "requests": requests,
            "approve_form": approve_form,
        },
        status=status,
    )


@require_GET
def version_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _version_page(request, selectors.version_detail(pk), VersionApproveForm())


@require_POST
def version_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    version = selectors.version_detail(pk)
    try:
        services.plan_version_submit(version=version, user=request.user)
    except (ValidationError, services.WorkflowError) as exc:
        messages.error(request, _error_text(exc) if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(
            request,
            _("Versie %(n)s is ingediend; de inhoud is vastgelegd met haar SHA-256.")
            % {"n": version.number},
        )
    return HttpResponseRedirect(reverse("planning:version-detail", args=[version.pk]))


@require_POST
def version_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    version = selectors.version_detail(pk)
    if not request.user.is_coordinator:
        raise PermissionDenied(_("Alleen AJH registreert de goedkeuring van een planversie."))
    form = VersionApproveForm(request.POST)
    if form.is_valid():
        try:
            services.plan_version_approve(
                version=version,
                user=request.user,
                decision_date=form.cleaned_data["decision_date"],
                decision_reference=form.cleaned_data["decision_reference"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except services.WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("De goedkeuring van versie %(n)s is geregistreerd.") % {"n": version.number},
            )
            return HttpResponseRedirect(reverse("planning:version-detail", args=[version.pk]))
    return _version_page(request, version, form, status=422)


@require_GET
def version_compare(request: AuthenticatedHttpRequest, a: int, b: int) -> HttpResponse:
    old, new = selectors.version_detail(a), selectors.version_detail(b)
    if old.plan_id != new.plan_id:
        raise Http404("Versies van verschillende plannen")

    def content(version: PlanVersion) -> dict:
        return version.content if version.content is not None else services.version_content(version)

    return render(
        request,
        "planning/versions/compare.html",
        {"old": old, "new": new, "comparison": snapshots.compare(content(old), content(new))},
    )


# --- Change requests -------------------------------------------------------------------


@require_GET
def change_request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_staff(request)
    params = QueryParams(request.GET)
    state = params.choice("state", RequestState.values)
    params.check()
    return render(
        request,
        "planning/changes/list.html",
        {
            "page": _paginate(request, selectors.change_requests(request.user, state=state)),
            "state": state,
            "states": RequestState.choices,
        },
    )


@require_http_methods(["GET", "POST"])
def change_request_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = action_detail(pk, request.user)
    if not services.may_request_change(request.user, action):
        raise PermissionDenied(
            _("Enkel AJH en de trekkende administratie vragen een wijziging van deze actie aan.")
        )
    kinds = dict(kinds_for(action))
    if not kinds:
        raise PermissionDenied(
            _("Voor deze actie (%(stage)s) kan geen wijziging aangevraagd worden.")
            % {"stage": action.get_stage_display()}
        )
    kind = request.GET.get("kind", "")
    kind_form = KindForm(initial={"kind": kind}, action=action)
    if kind not in kinds:
        return render(
            request,
            "planning/changes/new.html",
            {"action": action, "kind_form": kind_form, "form": None},
        )
    form = ChangeRequestForm(request.POST or None, action=action, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.change_request_create(
                action=action,
                user=request.user,
                kind=kind,
                reason=form.cleaned_data["reason"],
                proposed=form.proposed(),
            )
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Je wijzigingsverzoek is ingediend; AJH beslist erover."))
            return HttpResponseRedirect(
                reverse("planning:change-request-detail", args=[created.pk])
            )
    return render(
        request,
        "planning/changes/new.html",
        {"action": action, "kind_form": kind_form, "form": form, "kind_label": kinds[kind]},
        status=422 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def change_request_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    found = selectors.change_request_detail(pk, request.user)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_coordinator:
            raise PermissionDenied(_("Alleen AJH beslist over wijzigingsverzoeken."))
        if form.is_valid():
            try:
                if form.cleaned_data["decision"] == RequestState.APPROVED:
                    services.change_request_approve(
                        request=found, user=request.user, note=form.cleaned_data["note"]
                    )
                    text = _("Het verzoek is goedgekeurd en toegepast als bijsturing.")
                else:
                    services.change_request_reject(
                        request=found, user=request.user, reason=form.cleaned_data["note"]
                    )
                    text = _("Het verzoek is afgewezen.")
            except ValidationError as exc:
                form.add_error(None, _error_text(exc))
            except services.WorkflowError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, text)
                return HttpResponseRedirect(reverse("planning:change-request-detail", args=[pk]))
    return render(
        request,
        "planning/changes/detail.html",
        {"change": found, "form": form, "proposed": _proposed_rows(found)},
        status=422 if request.method == "POST" else 200,
    )


def _proposed_rows(change: ChangeRequest) -> list[tuple[str, str]]:
    """The proposed values as label and text, for people."""
    labels = {
        "title": _("titel"),
        "description": _("SMART-omschrijving"),
        "start_year": _("startjaar"),
        "start_quarter": _("startkwartaal"),
        "end_year": _("eindjaar"),
        "end_quarter": _("eindkwartaal"),
        "lead_minister": _("trekkende minister (id)"),
        "lead_administration": _("trekkende administratie (id)"),
        "co_lead_ministers": _("meewerkende ministers (id's)"),
        "co_lead_administrations": _("meewerkende administraties (id's)"),
    }
    rows: list[tuple[str, str]] = []
    for key, value in change.proposed.items():
        if key == "indicators":
            for item in value:
                text = ", ".join(
                    f"{k}: {v}" for k, v in item.items() if k != "id" and v is not None
                )
                rows.append((_("indicator %(id)s") % {"id": item.get("id") or _("nieuw")}, text))
        elif isinstance(value, list):
            rows.append((str(labels.get(key, key)), ", ".join(str(v) for v in value) or "—"))
        else:
            rows.append((str(labels.get(key, key)), "—" if value in (None, "") else str(value)))
    return rows


@require_GET
def action_changes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The action page's "Wijziging aanvragen" link and open requests: an htmx partial,
    since the action page sits on a floor below change requests."""
    action = action_detail(pk, request.user)
    may_request = bool(kinds_for(action)) and services.may_request_change(request.user, action)
    requests = (
        selectors.change_requests(request.user)
        .filter(action=action, state=RequestState.REQUESTED)
        .only("id", "kind", "requested_at", "state", "action_id")
        .select_related(None)
    )
    return render(
        request,
        "planning/changes/action_partial.html",
        {"action": action, "may_request": may_request, "open_requests": list(requests)},
    )
