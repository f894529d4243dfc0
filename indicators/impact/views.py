"""Pages of impact indicators (/impact/): every signed-in user reads them, AJH maintains
them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actionplan.http import AuthenticatedHttpRequest
from actionplan.models import StrategicGoal
from actionplan.selectors import plan_current
from indicators import selectors
from indicators.impact.forms import ImpactIndicatorForm, ImpactValueForm
from indicators.impact.services import (
    IMPACT_INDICATOR_FIELDS,
    impact_indicator_save,
    impact_value_delete,
    impact_value_save,
)
from indicators.models import ImpactIndicator, ImpactValue, maintains_impact


def _refuse_unless_maintainer(request: AuthenticatedHttpRequest) -> None:
    if not maintains_impact(request.user):
        raise PermissionDenied(_("Alleen AJH beheert de impactindicatoren."))


def _add_errors(form: BaseForm, exc: ValidationError) -> None:
    """The service's errors on the form's fields where the form has them."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@require_GET
def impact_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    plan = plan_current(request.GET.get("plan"))
    goals = list(
        StrategicGoal.objects.filter(plan=plan).order_by("number").only("id", "number", "title")
    )
    goal = next((g for g in goals if str(g.pk) == request.GET.get("doel")), None)
    return render(
        request,
        "indicators/impact/list.html",
        {
            "plan": plan,
            "goals": goals,
            "goal": goal,
            "indicators": list(selectors.impact_indicator_list(plan, goal=goal)),
            "can_maintain": maintains_impact(request.user),
        },
    )


@require_GET
def impact_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    indicator = get_object_or_404(
        ImpactIndicator.objects.select_related("plan", "strategic_goal"), pk=pk
    )
    return render(
        request,
        "indicators/impact/detail.html",
        {
            "indicator": indicator,
            "detail": selectors.impact_indicator_detail(indicator),
            "can_maintain": maintains_impact(request.user),
        },
    )


@require_GET
def impact_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    indicator = get_object_or_404(ImpactIndicator.objects.select_related("plan"), pk=pk)
    return render(
        request,
        "indicators/impact/history.html",
        {"indicator": indicator, "entries": selectors.impact_history(indicator)},
    )


@require_http_methods(["GET", "POST"])
def impact_indicator_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    _refuse_unless_maintainer(request)
    if pk is not None:
        indicator = get_object_or_404(ImpactIndicator.objects.select_related("plan"), pk=pk)
        plan = indicator.plan
    else:
        plan = plan_current(request.GET.get("plan"))
        indicator = ImpactIndicator(plan=plan)
    form = ImpactIndicatorForm(request.POST or None, instance=indicator, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            saved = impact_indicator_save(
                plan=plan,
                user=request.user,
                indicator=indicator if pk is not None else None,
                data={name: form.cleaned_data[name] for name in IMPACT_INDICATOR_FIELDS},
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, _("Impactindicator ‘%(name)s’ bewaard.") % {"name": saved.name}
            )
            return HttpResponseRedirect(reverse("impact:detail", args=[saved.pk]))
    return render(
        request,
        "indicators/impact/indicator_form.html",
        {"form": form, "plan": plan, "indicator": indicator if pk is not None else None},
        status=422 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def impact_value_edit(
    request: AuthenticatedHttpRequest, pk: int, value_pk: int | None = None
) -> HttpResponse:
    _refuse_unless_maintainer(request)
    indicator = get_object_or_404(ImpactIndicator.objects.select_related("plan"), pk=pk)
    value = (
        get_object_or_404(ImpactValue, pk=value_pk, indicator=indicator)
        if value_pk is not None
        else ImpactValue(indicator=indicator)
    )
    form = ImpactValueForm(request.POST or None, instance=value, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            impact_value_save(
                indicator=indicator,
                user=request.user,
                value=value if value_pk is not None else None,
                data={**data, "disaggregation": form.disaggregation},
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Waarde bewaard."))
            return HttpResponseRedirect(reverse("impact:detail", args=[indicator.pk]))
    return render(
        request,
        "indicators/impact/value_form.html",
        {"form": form, "indicator": indicator, "value": value if value_pk is not None else None},
        status=422 if request.method == "POST" else 200,
    )


@require_POST
def impact_value_remove(request: AuthenticatedHttpRequest, pk: int, value_pk: int) -> HttpResponse:
    _refuse_unless_maintainer(request)
    value = get_object_or_404(ImpactValue, pk=value_pk, indicator_id=pk)
    impact_value_delete(value=value, user=request.user)
    messages.success(request, _("Waarde verwijderd."))
    return HttpResponseRedirect(reverse("impact:detail", args=[pk]))
