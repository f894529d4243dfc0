"""The definition form of an action's indicators. The list with values and progress
(``/acties/<id>/indicatoren/``) is ``fiches.views.action_indicators``: whether a value counts
depends on its fiche's approval, which this floor does not know."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from actionplan import selectors as plan_selectors
from actionplan.http import AuthenticatedHttpRequest
from actionplan.models import Action
from indicators import selectors
from indicators.forms import IndicatorForm
from indicators.models import Indicator
from indicators.services import INDICATOR_FIELDS, can_define_indicators, indicator_save


@require_http_methods(["GET", "POST"])
def indicator_edit(
    request: AuthenticatedHttpRequest, pk: int, indicator_pk: int | None = None
) -> HttpResponse:
    action = plan_selectors.action_detail(pk, request.user)
    if not can_define_indicators(request.user, action):
        raise PermissionDenied(_("Je mag de indicatoren van deze actie niet wijzigen."))
    indicator = (
        get_object_or_404(Indicator, pk=indicator_pk, action=action) if indicator_pk else None
    )
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            saved = indicator_save(
                action=action,
                user=request.user,
                indicator=indicator,
                data={name: form.cleaned_data[name] for name in INDICATOR_FIELDS},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Indicator ‘%(name)s’ bewaard.") % {"name": saved.name})
            return redirect("indicators:list", pk=action.pk)
    return render(
        request,
        "indicators/indicator_form.html",
        {
            "action": action,
            "tab": "indicators",
            "form": form,
            "indicator": indicator,
        },
        status=422 if request.method == "POST" else 200,
    )


VALUE_HISTORY_PAGE_SIZE = 50


@require_GET
def value_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The changes of an action's indicator values: an htmx partial of the action's
    history page (actionplan sits below indicators and cannot read them itself)."""
    action = get_object_or_404(Action.objects.only("id"), pk=pk)
    entries = selectors.value_history(action_id=action.pk)
    page = Paginator(entries, VALUE_HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "indicators/partials/value_history.html", {"action": action, "page": page}
    )
