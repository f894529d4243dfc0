"""Fiche pages: my fiches, the fiche form, review, rounds, history."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actionplan import selectors as plan_selectors
from actionplan.history import timeline
from actionplan.http import AuthenticatedHttpRequest
from actionplan.models import Administration
from actionplan.selectors import plan_current
from fiches import selectors, services
from fiches.forms import ContributionForm, FicheForm, ReasonForm, RoundForm
from fiches.models import CONTENT_FIELDS, Fiche, FicheState, ReportingRound, content_field
from indicators.models import Indicator
from indicators.selectors import indicator_trends
from indicators.services import can_define_indicators

PAGE_SIZE = 50


def _paginate(request: AuthenticatedHttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@require_GET
def action_indicators(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The indicators of an action with every value: a value whose fiche is not approved
    is shown, labelled as not counting; charts and progress use approved values only."""
    action = plan_selectors.action_detail(pk)
    indicators = list(Indicator.objects.filter(action=action).select_related("action"))
    # The same series and charts as the dashboard, over the whole plan period.
    trends = indicator_trends(
        indicators,
        action.plan.end_year,
        counts=selectors.value_counts_condition(),
        show_uncounted=True,
    )
    return render(
        request,
        "indicators/indicator_list.html",
        {
            "action": action,
            "tab": "indicators",
            "trends": trends,
            "can_define": can_define_indicators(request.user, action),
        },
    )


@require_GET
def my_fiches(request: AuthenticatedHttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    if state not in FicheState.values:
        state = ""
    numbers = {name: _int_param(request, name) for name in ("year", "administration", "minister")}
    fiches = selectors.my_fiches(request.user, state=state, **numbers)
    page = _paginate(request, fiches)
    export_query = QueryDict(mutable=True)
    for name, value in (
        ("state", state),
        ("year", numbers["year"]),
        ("administration", numbers["administration"]),
    ):
        if value:
            export_query[name] = str(value)
    return render(
        request,
        "fiches/my_fiches.html",
        {
            "page": page,
            "state": state,
            "states": FicheState.choices,
            "today": timezone.localdate(),
            "rounds": list(selectors.open_rounds()),
            "filters": {k: v for k, v in numbers.items() if v},
            "export_query": export_query.urlencode(),
        },
    )


def _int_param(request: AuthenticatedHttpRequest, name: str) -> int | None:
    try:
        return int(request.GET.get(name, ""))
    except ValueError:
        return None


@require_GET
def review_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.is_coordinator:
        raise PermissionDenied(_("Alleen de coördinator beoordeelt fiches."))
    page = _paginate(request, selectors.review_queue(request.user))
    return render(
        request, "fiches/review_queue.html", {"page": page, "today": timezone.localdate()}
    )


def _indicator_values_for_form(page: selectors.FichePage) -> dict:
    return {"indicators": page.indicators, "values": page.values}


@require_http_methods(["GET", "POST"])
def fiche_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    page = selectors.fiche_page(pk, request.user)
    fiche = page.fiche
    form = None
    if fiche.can_edit:
        if request.method == "POST":
            return _fiche_post(request, page)
        form = FicheForm(initial=FicheForm.initial_for(fiche), **_indicator_values_for_form(page))
    elif request.method == "POST":
        raise PermissionDenied(_("Je mag deze fiche niet wijzigen."))
    return _render_fiche(request, page, form)


def _render_fiche(
    request: AuthenticatedHttpRequest,
    page: selectors.FichePage,
    form: FicheForm | None,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    fiche = page.fiche
    rows = []
    for indicator in page.indicators:
        value = page.values.get(indicator.pk)
        rows.append(
            {
                "indicator": indicator,
                "value": value,
                "progress": indicator.progress(value.value if value else None),
            }
        )
    context = {
        "page": page,
        "fiche": fiche,
        "action": fiche.action,
        "form": form,
        "indicator_rows": rows,
        "contribution_forms": [
            (
                admin,
                ContributionForm(
                    initial={
                        "administration": admin.pk,
                        "text": next(
                            (c.text for c in page.contributions if c.administration_id == admin.pk),
                            "",
                        ),
                    }
                ),
            )
            for admin in page.my_co_lead_administrations
        ],
        "reason_form": ReasonForm(),
        "days_left": fiche.days_left(fiche.round.deadline),
        "missing": (
            services.fiche_missing_for_submit(fiche, page.indicators, page.values)
            if fiche.can_edit
            else []
        ),
        **extra,
    }
    return render(request, "fiches/fiche_detail.html", context, status=status)


def _fiche_post(request: AuthenticatedHttpRequest, page: selectors.FichePage) -> HttpResponse:
    fiche = page.fiche
    submitting = request.POST.get("intent") == "submit"
    form = FicheForm(request.POST, submitting=submitting, **_indicator_values_for_form(page))
    if not form.is_valid():
        return _render_fiche(request, page, form, status=422)
    save = services.fiche_save_and_submit if submitting else services.fiche_save
    try:
        save(
            fiche=fiche,
            user=request.user,
            expected_version=form.cleaned_data["version"],
            data=form.content(),
            values=form.indicator_values(),
            confirm_privacy=form.cleaned_data["confirm_privacy"],
        )
    except services.FicheConflict as conflict:
        return _render_conflict(request, page, form, conflict.current)
    except ValidationError as exc:
        form.add_service_errors(exc)
        return _render_fiche(request, page, form, status=422)
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("fiches:detail", pk=fiche.pk)
    if submitting:
        messages.success(request, _("De fiche is ingediend. AJH beoordeelt ze."))
    else:
        messages.success(request, _("Ontwerp bewaard."))
    return redirect("fiches:detail", pk=fiche.pk)


def _render_conflict(
    request: AuthenticatedHttpRequest, page: selectors.FichePage, form: FicheForm, current: Fiche
) -> HttpResponse:
    """Someone saved in between: show their changes next to the user's input."""
    theirs = {name: getattr(current, name) for name in CONTENT_FIELDS}
    mine = form.content()
    labels = {name: content_field(name).verbose_name for name in CONTENT_FIELDS}
    differences = [
        {
            "label": labels[name],
            "name": name,
            "theirs": theirs[name],
            "mine": mine[name],
            "theirs_display": dict(content_field(name).flatchoices).get(theirs[name], theirs[name])
            if name == "progress_status"
            else theirs[name],
        }
        for name in CONTENT_FIELDS
        if theirs[name] != mine[name]
    ]
    # Keep the user's input, but against the current version: saving again is a choice.
    data = request.POST.copy()
    data["version"] = str(current.version)
    data.pop("intent", None)
    merged_form = FicheForm(data, **_indicator_values_for_form(page))
    merged_form.is_valid()
    page.fiche = current
    return render(
        request,
        "fiches/conflict.html",
        {
            "page": page,
            "fiche": current,
            "action": current.action,
            "form": merged_form,
            "differences": differences,
            "other_user": current.updated_by,
            "other_time": current.updated_at,
        },
        status=409,
    )


def _transition_view(request: AuthenticatedHttpRequest, pk: int, verb: str) -> HttpResponse:
    fiche = get_object_or_404(Fiche.objects.visible_to(request.user), pk=pk)
    form = ReasonForm(request.POST) if verb in ("return", "reopen") else None
    try:
        if verb == "submit":
            services.fiche_submit(fiche=fiche, user=request.user)
            messages.success(request, _("De fiche is ingediend."))
        elif verb == "approve":
            services.fiche_approve(fiche=fiche, user=request.user)
            messages.success(request, _("De fiche is goedgekeurd."))
        elif form is not None and not form.is_valid():
            messages.error(request, _("Geef een reden op."))
        elif verb == "return" and form is not None:
            services.fiche_return(
                fiche=fiche, user=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("De fiche is teruggestuurd naar de administratie."))
        elif verb == "reopen" and form is not None:
            services.fiche_reopen(
                fiche=fiche, user=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("De fiche is heropend."))
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    next_url = request.POST.get("next")
    if next_url == "review" and request.user.is_coordinator:
        return redirect("fiches:review")
    return redirect("fiches:detail", pk=pk)


@require_POST
def fiche_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _transition_view(request, pk, "submit")


@require_POST
def fiche_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _transition_view(request, pk, "approve")


@require_POST
def fiche_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _transition_view(request, pk, "return")


@require_POST
def fiche_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _transition_view(request, pk, "reopen")


@require_POST
def contribution_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fiche = get_object_or_404(Fiche.objects.visible_to(request.user), pk=pk)
    form = ContributionForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("text") or [_("Schrijf een bijdrage.")]:
            messages.error(request, str(error))
        return redirect("fiches:detail", pk=pk)
    administration = get_object_or_404(Administration, pk=form.cleaned_data["administration"])
    try:
        services.contribution_save(
            fiche=fiche,
            administration=administration,
            user=request.user,
            text=form.cleaned_data["text"],
        )
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Bijdrage bewaard."))
    return redirect("fiches:detail", pk=pk)


@require_GET
def fiche_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    page = selectors.fiche_page(pk, request.user)
    fiche = page.fiche
    comparison = []
    if page.previous is not None:
        for name in CONTENT_FIELDS:
            field = content_field(name)
            old, new = getattr(page.previous, name), getattr(fiche, name)
            if name == "progress_status":
                choices = dict(field.flatchoices)
                old, new = choices.get(old, old), choices.get(new, new)
            comparison.append(
                {"label": field.verbose_name, "old": old, "new": new, "changed": old != new}
            )
    return render(
        request,
        "fiches/fiche_history.html",
        {
            "page": page,
            "fiche": fiche,
            "action": fiche.action,
            "entries": timeline(fiche, exclude=("id", "version", "round", "action", "year")),
            "comparison": comparison,
        },
    )


@require_http_methods(["GET", "POST"])
def rounds(request: AuthenticatedHttpRequest) -> HttpResponse:
    plan = plan_current(request.GET.get("plan"))
    form = RoundForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_coordinator:
            raise PermissionDenied(_("Alleen de coördinator opent een rapporteringsronde."))
        if form.is_valid():
            try:
                rnd, created = services.round_open(
                    plan=plan,
                    year=form.cleaned_data["year"],
                    deadline=form.cleaned_data["deadline"],
                    user=request.user,
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request,
                    _("Ronde %(year)s is open: %(n)s nieuwe fiches.")
                    % {"year": rnd.year, "n": created},
                )
                return HttpResponseRedirect(reverse("fiches:rounds"))
    round_rows = (
        ReportingRound.objects.filter(plan=plan)
        .annotate(
            total=Count("fiches"),
            submitted=Count("fiches", filter=Q(fiches__state=FicheState.SUBMITTED)),
            approved=Count("fiches", filter=Q(fiches__state=FicheState.APPROVED)),
        )
        .order_by("-year")
    )
    return render(
        request,
        "fiches/rounds.html",
        {"plan": plan, "form": form, "rounds": round_rows},
        status=422 if request.method == "POST" else 200,
    )
