"""Pages of meetings (/overleg/) and stakeholder input (/inbreng/), the partials of open
follow-up items that the dashboard and the action page include, and the public form behind
an invitation link."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from actionplan.http import AuthenticatedHttpRequest
from actionplan.params import QueryParams
from actionplan.selectors import action_detail, plan_current
from consultation import selectors, services
from consultation.forms import (
    ConsultationForm,
    EnteredInputForm,
    FollowUpForm,
    FollowUpStateForm,
    InvitationForm,
    StakeholderInputForm,
)
from consultation.models import (
    Consultation,
    ConsultationKind,
    ConsultationState,
    EvaluationKind,
    FollowUp,
)
from fiches.checks import PersonalDataSuspected

PAGE_SIZE = 25


def _paginate(request: HttpRequest, queryset: QuerySet) -> Page:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _require_staff(request: AuthenticatedHttpRequest) -> None:
    if not (request.user.is_coordinator or request.user.is_editor):
        raise PermissionDenied(_("Overleg is voor AJH en de redacteurs van de administraties."))


def _require_coordinator(request: AuthenticatedHttpRequest, message: str) -> None:
    if not request.user.is_coordinator:
        raise PermissionDenied(message)


def _add_errors(form: object, exc: ValidationError) -> None:
    """A service's refusal on the form's fields (or on the form when no field matches)."""
    fields = getattr(form, "fields", {})
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in fields else None, errors)  # type: ignore[attr-defined]
    else:
        form.add_error(None, exc.messages)  # type: ignore[attr-defined]


# --- Meetings --------------------------------------------------------------------------


def _meeting_form_page(
    request: AuthenticatedHttpRequest,
    form: forms.Form,
    save: Callable[[], int],
    *,
    done: str,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """A form page whose step ends on a meeting's page: on a valid POST ``save`` calls the
    service and gives the meeting's id, and the user goes there with ``done``; a refusal
    shows on the form (422)."""
    if request.method == "POST" and form.is_valid():
        try:
            meeting_pk = save()
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, done)
            return HttpResponseRedirect(reverse("consultation:detail", args=[meeting_pk]))
    return render(
        request,
        template,
        {"form": form, **context},
        status=422 if request.method == "POST" else 200,
    )


@require_GET
def consultation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_staff(request)
    params = QueryParams(request.GET)
    kind = params.choice("kind", ConsultationKind.values)
    state = params.choice("state", ConsultationState.values)
    params.check()
    meetings = selectors.consultation_list(request.user, kind=kind, state=state)
    return render(
        request,
        "consultation/list.html",
        {
            "page": _paginate(request, meetings),
            "kind": kind,
            "state": state,
            "kinds": ConsultationKind.choices,
            "states": ConsultationState.choices,
        },
    )


@require_http_methods(["GET", "POST"])
def consultation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_coordinator(request, _("Alleen AJH legt overlegmomenten vast."))
    plan = plan_current(request.GET.get("plan"))
    form = ConsultationForm(
        request.POST or None,
        plan=plan,
        initial={"date": timezone.localdate(), "state": ConsultationState.PLANNED},
    )

    def save() -> int:
        return services.consultation_create(
            plan=plan, user=request.user, data=form.data_object()
        ).pk

    return _meeting_form_page(
        request,
        form,
        save,
        done=_("Het overleg is vastgelegd."),
        template="consultation/form.html",
        context={"title": _("Overleg vastleggen"), "plan": plan},
    )


@require_GET
def consultation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.consultation_detail(pk, request.user)
    editable = set(
        FollowUp.objects.editable_by(request.user)
        .filter(consultation=meeting)
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "consultation/detail.html",
        {
            "meeting": meeting,
            "editable": editable,
            "today": timezone.localdate(),
        },
    )


def _visible_meeting_for_change(request: AuthenticatedHttpRequest, pk: int) -> Consultation:
    """A meeting AJH changes: 404 to who does not see it, 403 to who sees but may not."""
    meeting = selectors.consultation_detail(pk, request.user)
    _require_coordinator(request, _("Alleen AJH wijzigt overlegmomenten."))
    return meeting


@require_http_methods(["GET", "POST"])
def consultation_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _visible_meeting_for_change(request, pk)
    initial = {
        "date": meeting.date,
        "kind": meeting.kind,
        "title": meeting.title,
        "state": meeting.state,
        "other_participants": meeting.other_participants,
        "agenda": meeting.agenda,
        "minutes": meeting.minutes,
        "decisions": meeting.decisions,
        "administrations": list(meeting.administrations.all()),
        "actions": list(meeting.actions.all()),
        "strategic_goals": list(meeting.strategic_goals.all()),
        "operational_goals": list(meeting.operational_goals.all()),
    }
    form = ConsultationForm(request.POST or None, plan=meeting.plan, initial=initial)

    def save() -> int:
        services.consultation_update(
            consultation=meeting, user=request.user, data=form.data_object()
        )
        return meeting.pk

    return _meeting_form_page(
        request,
        form,
        save,
        done=_("Het overleg is bijgewerkt."),
        template="consultation/form.html",
        context={"title": _("Overleg wijzigen"), "meeting": meeting},
    )


@require_http_methods(["GET", "POST"])
def follow_up_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _visible_meeting_for_change(request, pk)
    form = FollowUpForm(
        request.POST or None,
        plan=meeting.plan,
        participants=meeting.administrations.all(),
        initial={"state": "open"},
    )

    def save() -> int:
        services.follow_up_create(consultation=meeting, user=request.user, data=form.data_object())
        return meeting.pk

    return _meeting_form_page(
        request,
        form,
        save,
        done=_("Het opvolgpunt is toegevoegd."),
        template="consultation/form.html",
        context={"title": _("Opvolgpunt toevoegen"), "meeting": meeting},
    )


@require_http_methods(["GET", "POST"])
def follow_up_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """AJH changes the whole item; the owner administration's editor its state and note;
    others who see the meeting get 403, the rest 404."""
    item = selectors.follow_up_detail(pk, request.user)
    meeting = item.consultation
    if request.user.is_coordinator:
        form: FollowUpForm | FollowUpStateForm = FollowUpForm(
            request.POST or None,
            plan=meeting.plan,
            participants=meeting.administrations.all(),
            initial={
                "description": item.description,
                "owner": item.owner,
                "due_date": item.due_date,
                "state": item.state,
                "note": item.note,
                "actions": list(item.actions.all()),
            },
        )
    elif FollowUp.objects.editable_by(request.user).filter(pk=item.pk).exists():
        form = FollowUpStateForm(
            request.POST or None, initial={"state": item.state, "note": item.note}
        )
    else:
        raise PermissionDenied(
            _("Alleen de verantwoordelijke administratie en AJH werken dit opvolgpunt bij.")
        )

    def save() -> int:
        if isinstance(form, FollowUpForm):
            services.follow_up_update(follow_up=item, user=request.user, data=form.data_object())
        else:
            services.follow_up_set_state(
                follow_up=item,
                user=request.user,
                state=form.cleaned_data["state"],
                note=form.cleaned_data["note"],
            )
        return meeting.pk

    return _meeting_form_page(
        request,
        form,
        save,
        done=_("Het opvolgpunt is bijgewerkt."),
        template="consultation/follow_up.html",
        context={"item": item, "meeting": meeting},
    )


# --- Partials for other floors' pages --------------------------------------------------


@require_GET
def open_follow_ups_partial(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The dashboard's panel of open follow-up items (the dashboard sits above this floor
    but its page is cached per data version: the panel comes separately)."""
    today = timezone.localdate()
    items = selectors.open_follow_ups(as_of=today, user=request.user)
    return render(
        request,
        "consultation/partials/open_follow_ups.html",
        {"items": items, "today": today, "heading_id": "follow-ups-h"},
    )


@require_GET
def action_follow_ups_partial(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The action page's open follow-up items: an htmx partial, since the action page
    sits on a floor below consultation."""
    action = action_detail(pk, request.user)
    today = timezone.localdate()
    items = selectors.open_follow_ups(as_of=today, action=action, user=request.user)
    return render(
        request,
        "consultation/partials/action_follow_ups.html",
        {"items": items, "today": today, "action": action},
    )


# --- Stakeholder input (AJH) -----------------------------------------------------------


@require_GET
def input_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_coordinator(request, _("Inbreng van organisaties is voor AJH."))
    params = QueryParams(request.GET)
    kind = params.choice("kind", EvaluationKind.values)
    year = params.year()
    params.check()
    inputs = selectors.stakeholder_inputs(request.user, kind=kind, year=year)
    return render(
        request,
        "consultation/inputs/list.html",
        {
            "page": _paginate(request, inputs),
            "invitations": selectors.invitations(request.user)[:20],
            "kinds": EvaluationKind.choices,
            "kind": kind,
            "year": year or "",
            "now": timezone.now(),
        },
    )


@require_http_methods(["GET", "POST"])
def input_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_coordinator(request, _("Alleen AJH voert inbreng in."))
    plan = plan_current(request.GET.get("plan"))
    form = EnteredInputForm(request.POST or None, request.FILES or None, plan=plan)
    warned = False
    if request.method == "POST" and form.is_valid():
        try:
            created = services.stakeholder_input_create(
                plan=plan,
                user=request.user,
                evaluation_kind=form.cleaned_data["evaluation_kind"],
                evaluation_year=form.cleaned_data["evaluation_year"],
                data=form.data_object(),
            )
        except PersonalDataSuspected as exc:
            warned = True
            _add_errors(form, exc)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("De inbreng is opgeslagen."))
            return HttpResponseRedirect(reverse("consultation:input-detail", args=[created.pk]))
    return render(
        request,
        "consultation/inputs/form.html",
        {"form": form, "warned": warned, "plan": plan},
        status=422 if request.method == "POST" else 200,
    )


@require_GET
def input_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return render(
        request,
        "consultation/inputs/detail.html",
        {"item": selectors.stakeholder_input_detail(pk, request.user)},
    )


@require_GET
def attachment_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A PDF of stakeholder input, to AJH only: files are never under a public URL."""
    attachment = selectors.attachment_for(pk, request.user)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Bestand niet gevonden") from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
def invitation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_coordinator(request, _("Alleen AJH nodigt organisaties uit."))
    plan = plan_current(request.GET.get("plan"))
    form = InvitationForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.invitation_create(
                plan=plan,
                user=request.user,
                organisation=form.cleaned_data["organisation"],
                evaluation_kind=form.cleaned_data["evaluation_kind"],
                evaluation_year=form.cleaned_data["evaluation_year"],
                expires_at=form.expires_at(),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "expires_at" in exc.error_dict:
                exc.error_dict["expires_on"] = exc.error_dict.pop("expires_at")
            _add_errors(form, exc)
        else:
            link = request.build_absolute_uri(reverse("consultation:public", args=[made.token]))
            # Shown once, not redirected to: the token is not stored and cannot be shown again.
            return render(
                request,
                "consultation/inputs/invitation_made.html",
                {"invitation": made.invitation, "link": link},
            )
    return render(
        request,
        "consultation/inputs/invitation_form.html",
        {"form": form, "plan": plan},
        status=422 if request.method == "POST" else 200,
    )


# --- The public form -------------------------------------------------------------------


def _refused(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(
        request, "consultation/inputs/public_refused.html", {"message": message}, status=status
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def public_input(request: HttpRequest, token: str) -> HttpResponse:
    """The form behind an invitation link: no account, one submission, until it expires.
    CSRF protection stays on (the form carries its token). No rate limit yet (issue 16)."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return _refused(
            request, _("Deze link is onbekend. Controleer de link in je uitnodiging."), 404
        )
    try:
        services.invitation_check_usable(invitation)
    except services.InvitationUnusable as exc:
        return _refused(request, str(exc), 410)
    form = StakeholderInputForm(
        request.POST or None,
        request.FILES or None,
        plan=invitation.plan,
        fixed_organisation=invitation.organisation,
    )
    warned = False
    if request.method == "POST" and form.is_valid():
        try:
            services.stakeholder_input_submit(token=token, data=form.data_object())
        except PersonalDataSuspected as exc:
            warned = True
            _add_errors(form, exc)
        except ValidationError as exc:
            _add_errors(form, exc)
        except services.InvitationUnusable as exc:
            return _refused(request, str(exc), 410)
        else:
            return render(
                request, "consultation/inputs/public_thanks.html", {"invitation": invitation}
            )
    return render(
        request,
        "consultation/inputs/public_form.html",
        {"form": form, "invitation": invitation, "warned": warned},
        status=422 if request.method == "POST" else 200,
    )
