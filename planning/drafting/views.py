"""Pages of the draft plan (/ontwerp/): proposals, co-lead answers, AJH's decisions and
the clustering into operational goals. Thin: forms read, services decide and write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actionplan.http import AuthenticatedHttpRequest
from actionplan.models import Action, ActionStage, CoLeadState, User
from actionplan.selectors import plan_current
from indicators.services import can_define_indicators
from planning.drafting import selectors, services
from planning.drafting.forms import (
    ClusterForm,
    MergeForm,
    OperationalGoalForm,
    ProposalForm,
    ReasonForm,
    RequiredReasonForm,
    RespondForm,
)


def _require_drafter(user: User) -> None:
    if not (user.is_coordinator or user.is_editor):
        raise PermissionDenied(_("Het ontwerpplan is voor AJH en de redacteurs."))


@require_GET
def draft_plan(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_drafter(request.user)
    plan = plan_current(request.GET.get("plan"))
    draft = selectors.draft_plan(plan, request.user)
    return render(
        request,
        "planning/drafting/draft_plan.html",
        {
            "draft": draft,
            "cluster_form": ClusterForm(plan=plan) if request.user.is_coordinator else None,
            "goal_form": OperationalGoalForm(plan=plan) if request.user.is_coordinator else None,
        },
    )


@require_http_methods(["GET", "POST"])
def proposal_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_drafter(request.user)
    plan = plan_current(request.GET.get("plan"))
    form = ProposalForm(request.POST or None, plan=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        data, m2m = form.proposal_data()
        try:
            action = services.proposal_create(user=request.user, data=data, m2m=m2m)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Voorstel ‘%(title)s’ ingediend. Voeg nu de indicatoren toe.")
                % {"title": action.title},
            )
            return redirect("planning:proposal-detail", pk=action.pk)
    return render(
        request,
        "planning/drafting/proposal_form.html",
        {"form": form, "action": None},
        status=422 if request.method == "POST" else 200,
    )


@require_GET
def proposal_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = selectors.proposal_detail(pk, request.user)
    user = request.user
    member_of = services.member_administration_ids(user)
    my_responses = [
        r
        for r in action.co_lead_responses.all()
        if r.administration_id in member_of and user.is_editor
    ]
    open_draft = action.stage in (*services.OPEN_PROPOSAL_STAGES, ActionStage.ACCEPTED)
    return render(
        request,
        "planning/drafting/proposal_detail.html",
        {
            "action": action,
            "can_edit": action.is_open_proposal and services.can_edit_proposal(user, action),
            "can_decide": user.is_coordinator,
            "can_define_indicators": action.is_open_proposal
            and can_define_indicators(user, action),
            "respond_forms": [
                (r, RespondForm(user=user, initial={"administration": r.administration_id}))
                for r in my_responses
            ]
            if open_draft
            else [],
            "cluster_form": ClusterForm(
                plan=action.plan, initial={"operational_goal": action.operational_goal_id}
            )
            if user.is_coordinator and action.stage == ActionStage.ACCEPTED
            else None,
            "pending": CoLeadState.PENDING,
        },
    )


@require_http_methods(["GET", "POST"])
def proposal_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = selectors.proposal_detail(pk, request.user)
    if not services.can_edit_proposal(request.user, action):
        raise PermissionDenied(_("Je mag enkel voorstellen van je eigen administratie wijzigen."))
    if not action.is_open_proposal:
        messages.error(
            request,
            _("Dit voorstel is %(stage)s en kan niet meer gewijzigd worden.")
            % {"stage": action.get_stage_display()},
        )
        return redirect("planning:proposal-detail", pk=action.pk)
    kwargs: dict[str, Any] = {"plan": action.plan, "user": request.user}
    if request.method != "POST":
        form = ProposalForm(initial=ProposalForm.initial_for(action), **kwargs)
        return render(
            request, "planning/drafting/proposal_form.html", {"form": form, "action": action}
        )
    form = ProposalForm(request.POST, **kwargs)
    status = 422
    if form.is_valid():
        data, m2m = form.proposal_data()
        try:
            services.proposal_update(
                action=action,
                user=request.user,
                expected_version=form.cleaned_data["version"] or 0,
                data=data,
                m2m=m2m,
            )
        except services.ProposalConflict as conflict:
            # Nothing is saved: show what the other person saved, keep the user's input
            # in view, and let them save again against the current version.
            current = selectors.proposal_detail(pk, request.user)
            messages.error(request, str(conflict))
            form = ProposalForm(initial=ProposalForm.initial_for(current), **kwargs)
            return render(
                request,
                "planning/drafting/proposal_form.html",
                {"form": form, "action": current, "conflict": True, "theirs": current},
                status=409,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except services.StageError as exc:
            messages.error(request, str(exc))
            return redirect("planning:proposal-detail", pk=action.pk)
        else:
            messages.success(request, _("Voorstel bewaard."))
            return redirect("planning:proposal-detail", pk=action.pk)
    return render(
        request,
        "planning/drafting/proposal_form.html",
        {"form": form, "action": action},
        status=status,
    )


# step slug → (label, form, service call, destructive). The service call gets the action,
# the user and the form's cleaned data.
StepCall = Callable[[Action, User, dict[str, Any]], Any]
STEPS: dict[str, tuple[Any, type, StepCall, bool]] = {
    "aanvaarden": (
        gettext_lazy("Aanvaarden"),
        ReasonForm,
        lambda a, u, d: services.proposal_accept(action=a, user=u, reason=d["reason"]),
        False,
    ),
    "terugsturen": (
        gettext_lazy("Terugsturen"),
        RequiredReasonForm,
        lambda a, u, d: services.proposal_return(action=a, user=u, reason=d["reason"]),
        True,
    ),
    "samenvoegen": (
        gettext_lazy("Samenvoegen"),
        MergeForm,
        lambda a, u, d: services.proposal_merge(
            action=a, into=d["into"], user=u, reason=d["reason"], extend=d["extend"]
        ),
        True,
    ),
    "intrekken": (
        gettext_lazy("Intrekken"),
        ReasonForm,
        lambda a, u, d: services.proposal_withdraw(action=a, user=u, reason=d["reason"]),
        True,
    ),
    "opnieuw-indienen": (
        gettext_lazy("Opnieuw indienen"),
        ReasonForm,
        lambda a, u, d: services.proposal_resubmit(action=a, user=u, reason=d["reason"]),
        False,
    ),
}

# The steps that are AJH's decisions: refused to others already when asked for.
AJH_STEPS = frozenset({"aanvaarden", "terugsturen", "samenvoegen"})

STEP_DONE = {
    "aanvaarden": gettext_lazy(
        "Voorstel aanvaard. Cluster het nu onder een operationele doelstelling."
    ),
    "terugsturen": gettext_lazy("Voorstel teruggestuurd met de reden."),
    "samenvoegen": gettext_lazy("Voorstel samengevoegd."),
    "intrekken": gettext_lazy("Voorstel ingetrokken."),
    "opnieuw-indienen": gettext_lazy("Voorstel opnieuw ingediend."),
}


@require_http_methods(["GET", "POST"])
def proposal_step(request: AuthenticatedHttpRequest, pk: int, step: str) -> HttpResponse:
    """A decision on a proposal: GET asks for confirmation (and a reason), POST takes it."""
    if step not in STEPS:
        raise Http404("Onbekende stap")
    action = selectors.proposal_detail(pk, request.user)
    if step in AJH_STEPS and not request.user.is_coordinator:
        raise PermissionDenied(_("Alleen AJH beslist over voorstellen."))
    label, form_class, call, destructive = STEPS[step]
    form = form_class(request.POST or None)
    if isinstance(form, MergeForm):
        form.fields["into"].queryset = selectors.merge_candidates(action, request.user)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            call(action, request.user, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        except services.StageError as exc:
            messages.error(request, str(exc))
            return redirect("planning:proposal-detail", pk=action.pk)
        else:
            messages.success(request, str(STEP_DONE[step]))
            return redirect("planning:proposal-detail", pk=action.pk)
    return render(
        request,
        "planning/drafting/proposal_step.html",
        {"action": action, "form": form, "label": label, "step": step, "destructive": destructive},
        status=422 if request.method == "POST" else 200,
    )


@require_POST
def proposal_cluster(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = selectors.proposal_detail(pk, request.user)
    form = ClusterForm(request.POST, plan=action.plan)
    if not form.is_valid():
        messages.error(request, _("Kies een operationele doelstelling."))
    else:
        try:
            clustered = services.proposal_cluster(
                action=action,
                operational_goal=form.cleaned_data["operational_goal"],
                user=request.user,
            )
        except (ValidationError, services.StageError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(
                request,
                _("Actie %(code)s geclusterd onder OD%(goal)s.")
                % {"code": clustered.code, "goal": form.cleaned_data["operational_goal"].code},
            )
    if request.POST.get("next") == "draft":
        return redirect("planning:draft")
    return redirect("planning:proposal-detail", pk=action.pk)


@require_POST
def proposal_respond(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = selectors.proposal_detail(pk, request.user)
    form = RespondForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Kies bevestigen of weigeren."))
        return redirect("planning:proposal-detail", pk=action.pk)
    try:
        response = services.co_lead_respond(
            action=action,
            administration=form.cleaned_data["administration"],
            user=request.user,
            confirm=form.cleaned_data["confirm"],
            reason=form.cleaned_data["reason"],
        )
    except (ValidationError, services.StageError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(
            request,
            _("Antwoord van %(name)s bewaard: %(state)s.")
            % {"name": response.administration.name, "state": response.get_state_display()},
        )
    return redirect("planning:proposal-detail", pk=action.pk)


@require_POST
def operational_goal_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.is_coordinator:
        raise PermissionDenied(_("Alleen AJH maakt operationele doelstellingen aan."))
    plan = plan_current(request.GET.get("plan"))
    form = OperationalGoalForm(request.POST, plan=plan)
    if form.is_valid():
        goal = services.operational_goal_create(
            strategic_goal=form.cleaned_data["strategic_goal"],
            user=request.user,
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
        )
        messages.success(request, _("OD%(code)s aangemaakt.") % {"code": goal.code})
    else:
        messages.error(request, _("Kies een strategische doelstelling en geef een titel."))
    return redirect("planning:draft")
