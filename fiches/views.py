"""Fiche pages: my fiches, the fiche form, review, rounds, history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.forms import CheckboxInput, DecimalField
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actionplan import selectors as plan_selectors
from actionplan.display import date_display, number_display, person_display
from actionplan.history import timeline
from actionplan.http import AuthenticatedHttpRequest
from actionplan.models import Administration
from actionplan.params import QueryParams
from actionplan.selectors import plan_current
from fiches import selectors, services
from fiches.checks import indicator_value_key
from fiches.forms import ContributionForm, FicheForm, ReasonForm, RoundDeadlineForm, RoundForm
from fiches.merge import ValueState, value_state
from fiches.models import CONTENT_FIELDS, Fiche, FicheState, ReportingRound, content_field
from indicators.models import Indicator
from indicators.selectors import indicator_trends, value_history
from indicators.services import can_define_indicators

PAGE_SIZE = 50


def _paginate(request: AuthenticatedHttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@require_GET
def action_indicators(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The indicators of an action with every value: a value whose fiche is not approved
    is shown, labelled as not counting; charts and progress use approved values only."""
    action = plan_selectors.action_detail(pk, request.user)
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
    params = QueryParams(request.GET)
    state = params.choice("state", FicheState.values)
    numbers = {
        "year": params.year(),
        "administration": params.integer("administration"),
        "minister": params.integer("minister"),
    }
    params.check()
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
    data: QueryDict = request.POST
    conflicts = _posted_keys(request.POST, "conflicts", page)
    if conflicts:
        # The save after a conflict page: each field both people changed needs a choice.
        unchosen = [k for k in conflicts if request.POST.get(f"resolve-{k}") not in CHOICES]
        if unchosen:
            return _render_unchosen(request, page, conflicts, unchosen)
        data = _resolved(request.POST, conflicts, page)
    form = FicheForm(data, submitting=submitting, **_indicator_values_for_form(page))
    if not form.is_valid():
        return _render_fiche(request, page, form, status=422)
    try:
        result = services.fiche_save_merging(
            fiche=fiche,
            user=request.user,
            base_version=form.cleaned_data["version"],
            data=form.content(),
            values=form.indicator_values(),
            submit=submitting,
            confirm_privacy=form.cleaned_data["confirm_privacy"],
            confirm_outliers=form.cleaned_data["confirm_outliers"],
        )
    except services.FicheMergeConflict as conflict:
        return _render_conflict(
            request,
            page,
            data,
            current=conflict.current,
            conflicts=conflict.conflicts,
            theirs=conflict.theirs,
            mine=conflict.mine,
            theirs_kept=conflict.theirs_kept,
        )
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
    if result.theirs_kept:
        messages.info(
            request,
            _("De wijzigingen van %(who)s aan %(fields)s zijn behouden.")
            % {
                "who": _user_name(result.other_user),
                "fields": ", ".join(_key_label(page, key) for key in result.theirs_kept),
            },
        )
    return redirect("fiches:detail", pk=fiche.pk)


# The choices for a field both people changed: their saved version, the user's input as
# it was sent, or the user's input as edited in the form on the conflict page.
CHOICES = ("theirs", "mine", "edited")


def _user_name(user: Any) -> str:
    if user is None:
        return str(_("iemand anders"))
    return person_display(user)


def _key_label(page: selectors.FichePage, key: str) -> str:
    """The label of a merge key: a content field, or an indicator (its value)."""
    if key in CONTENT_FIELDS:
        return capfirst(str(content_field(key).verbose_name))
    for indicator in page.indicators:
        if key == indicator_value_key(indicator.pk):
            return str(indicator.name)
    return key


def _key_fields(page: selectors.FichePage, key: str) -> list[str]:
    """The form fields of a merge key (an indicator's value spans several)."""
    if key in CONTENT_FIELDS:
        return [key]
    for indicator in page.indicators:
        if key == indicator_value_key(indicator.pk):
            prefix = f"ind-{indicator.pk}-"
            form = FicheForm(indicators=[indicator])
            return [name for name in form.fields if name.startswith(prefix)]
    return []


def _posted_keys(post: QueryDict, name: str, page: selectors.FichePage) -> list[str]:
    keys = [key for key in post.get(name, "").split(",") if key]
    return [key for key in keys if _key_fields(page, key)]


def _raw_values(form: FicheForm) -> dict[str, str | None]:
    """What the browser would send for each field of an unbound form (None: a checkbox
    left unticked), so that a value can be put back into posted data."""
    raw: dict[str, str | None] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, CheckboxInput):
            raw[name] = "on" if value else None
        elif value is None:
            raw[name] = ""
        elif isinstance(field, DecimalField):
            raw[name] = str(field.widget.format_value(value) or "")
        else:
            raw[name] = str(value)
    return raw


def _set_raw(data: QueryDict, name: str, value: str | None) -> None:
    if value is None:
        data.pop(name, None)
    else:
        data[name] = value


def _theirs_raw(page: selectors.FichePage, current: Fiche) -> dict[str, str | None]:
    return _raw_values(
        FicheForm(initial=FicheForm.initial_for(current), **_indicator_values_for_form(page))
    )


def _resolved(post: QueryDict, conflicts: list[str], page: selectors.FichePage) -> QueryDict:
    """The posted form with each conflict resolved as chosen."""
    data = post.copy()
    theirs = _theirs_raw(page, page.fiche)
    for key in conflicts:
        choice = post[f"resolve-{key}"]
        for name in _key_fields(page, key):
            if choice == "theirs":
                _set_raw(data, name, theirs[name])
            elif choice == "mine":
                _set_raw(data, name, post.get(f"mine-{name}"))
    return data


def _render_unchosen(
    request: AuthenticatedHttpRequest,
    page: selectors.FichePage,
    conflicts: list[str],
    unchosen: list[str],
) -> HttpResponse:
    """Saved after a conflict without choosing for every field: ask again, save nothing."""
    mine_form = FicheForm(request.POST, prefix="mine", **_indicator_values_for_form(page))
    mine_form.is_valid()  # only the fields sent along are read, each on its own
    mine_values = {
        indicator_value_key(item.indicator_id): value_state(item)
        for item in mine_form.indicator_values()
    }
    mine: dict[str, Any] = {**mine_form.content(), **mine_values}
    theirs: dict[str, Any] = {name: getattr(page.fiche, name) for name in CONTENT_FIELDS}
    for indicator in page.indicators:
        theirs[indicator_value_key(indicator.pk)] = value_state(page.values.get(indicator.pk))
    return _render_conflict(
        request,
        page,
        request.POST,
        current=page.fiche,
        conflicts=conflicts,
        theirs={key: theirs[key] for key in conflicts},
        mine={key: mine.get(key) for key in conflicts},
        theirs_kept=_posted_keys(request.POST, "kept", page),
        unchosen=unchosen,
        mine_prefix="mine-",
        status=422,
    )


def _display(page: selectors.FichePage, key: str, value: Any) -> str:
    if isinstance(value, ValueState):
        return value_display(value, _indicator(page, key))
    if key == "progress_status":
        return str(dict(content_field(key).flatchoices).get(value, value) or "")
    return str(value or "")


def value_display(state: ValueState, indicator: Indicator | None) -> str:
    """An indicator's value as a person reads it: the number (or "no data" and why), the
    breakdown, the assessment."""
    parts = []
    if state.no_data:
        parts.append(_("geen gegevens: %(reason)s") % {"reason": state.no_data_reason})
    elif state.value is not None:
        parts.append(number_display(state.value))
    labels = dict(indicator.categories) if indicator else {}
    parts.extend(f"{labels.get(key, key)}: {number_display(item)}" for key, item in state.breakdown)
    if state.assessment:
        parts.append(state.assessment)
    return " · ".join(parts)


def _indicator(page: selectors.FichePage, key: str) -> Indicator | None:
    return next(
        (i for i in page.indicators if key == indicator_value_key(i.pk)),
        None,
    )


def _render_conflict(
    request: AuthenticatedHttpRequest,
    page: selectors.FichePage,
    posted: QueryDict,
    *,
    current: Fiche,
    conflicts: Sequence[str],
    theirs: Mapping[str, Any],
    mine: Mapping[str, Any],
    theirs_kept: Sequence[str],
    unchosen: Sequence[str] = (),
    mine_prefix: str = "",
    status: int = 409,
) -> HttpResponse:
    """Someone saved in between and changed fields this user changed too: show both
    versions side by side and ask for a choice per field; nothing was saved.

    The form comes back against the current version, with the other person's changes to
    fields this user did not touch already taken over and this user's own input kept.
    """
    data = posted.copy()
    theirs_raw = _theirs_raw(page, current)
    for key in theirs_kept:
        for name in _key_fields(page, key):
            _set_raw(data, name, theirs_raw[name])
    mine_raw: list[tuple[str, str]] = []
    for key in conflicts:
        for name in _key_fields(page, key):
            sent = posted.get(f"{mine_prefix}{name}")
            if sent is not None:
                mine_raw.append((f"mine-{name}", sent))
    data["version"] = str(current.version)
    data.pop("intent", None)
    form = FicheForm(data, **_indicator_values_for_form(page))
    form.is_valid()
    rows = [
        {
            "key": key,
            "label": _key_label(page, key),
            "theirs": _display(page, key, theirs.get(key)),
            "mine": _display(page, key, mine.get(key)),
            "choice": data.get(f"resolve-{key}", "") if unchosen else "",
            "unchosen": key in unchosen,
        }
        for key in conflicts
    ]
    page.fiche = current
    return render(
        request,
        "fiches/conflict.html",
        {
            "page": page,
            "fiche": current,
            "action": current.action,
            "form": form,
            "conflict": {
                "rows": rows,
                "keys": ",".join(conflicts),
                "kept": ",".join(theirs_kept),
                "kept_labels": [_key_label(page, key) for key in theirs_kept],
                "mine_raw": mine_raw,
                "unchosen": bool(unchosen),
            },
            "other_user": current.updated_by,
            "other_time": current.updated_at,
        },
        status=status,
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
            # Built in memory from two queries: the page costs the same for any number.
            "value_page": Paginator(
                value_history(action_id=fiche.action_id, year=fiche.year), PAGE_SIZE
            ).get_page(request.GET.get("metingen")),
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
                    reminder_days=(
                        form.cleaned_data["first_reminder_days"],
                        form.cleaned_data["second_reminder_days"],
                    ),
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


def _coordinator_round(request: AuthenticatedHttpRequest, pk: int, message: str) -> ReportingRound:
    if not request.user.is_coordinator:
        raise PermissionDenied(message)
    return get_object_or_404(ReportingRound, pk=pk)


@require_http_methods(["GET", "POST"])
def round_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Closing asks for confirmation: the page says how many fiches are then locked."""
    rnd = _coordinator_round(request, pk, _("Alleen de coördinator sluit een ronde af."))
    status = 200
    error = ""
    if request.method == "POST":
        try:
            services.round_close(rnd=rnd, user=request.user)
        except services.WorkflowError as exc:
            error, status = str(exc), 409
        else:
            messages.success(
                request,
                _("Ronde %(year)s is afgesloten. Een late fiche heropen je vanaf de fiche.")
                % {"year": rnd.year},
            )
            return HttpResponseRedirect(reverse("fiches:rounds"))
    unsubmitted = rnd.fiches.filter(state__in=[FicheState.DRAFT, FicheState.RETURNED]).count()
    return render(
        request,
        "fiches/round_close.html",
        {"round": rnd, "unsubmitted": unsubmitted, "error": error},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def round_extend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    rnd = _coordinator_round(request, pk, _("Alleen de coördinator verlengt een ronde."))
    form = RoundDeadlineForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.round_extend(
                    rnd=rnd, deadline=form.cleaned_data["deadline"], user=request.user
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            except services.WorkflowError as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                messages.success(
                    request,
                    _("De deadline van ronde %(year)s is nu %(date)s.")
                    % {"year": rnd.year, "date": date_display(form.cleaned_data["deadline"])},
                )
                return HttpResponseRedirect(reverse("fiches:rounds"))
    return render(request, "fiches/round_extend.html", {"round": rnd, "form": form}, status=status)
