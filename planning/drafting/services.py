"""Writes of the drafting cycle: an editor proposes, co-leads answer, AJH decides and
clusters. Every step is one atomic function that checks who may take it from which stage,
writes, and records the step with its reason in the action's history.

Errors: ``PermissionDenied`` (403) for who, ``StageError`` (409) for a step that the
stage does not allow, ``ValidationError`` (400) for bad input, ``ProposalConflict`` (412)
when the proposal changed since the user loaded it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from actionplan.models import (
    OPEN_PROPOSAL_STAGES,
    Action,
    ActionStage,
    Administration,
    CoLeadResponse,
    CoLeadState,
    OperationalGoal,
    StrategicGoal,
    User,
)
from actionplan.services import (
    action_assign_code,
    action_lead_errors,
    action_save,
    operational_goal_save,
)
from actionplan.texts import check_text

# What a proposal says; the rest (code, number, stage, plan) follows from the steps.
PROPOSAL_FIELDS = (
    "strategic_goal",
    "title",
    "description",
    "lead_minister",
    "lead_administration",
    "partners",
    "start_year",
    "start_quarter",
    "end_year",
    "end_quarter",
    "estimated_budget",
    "capacity",
)
# Tags a merge carries over from the merged proposal to the one it is merged into.
MERGE_M2M_FIELDS = (
    "co_lead_ministers",
    "violence_forms",
    "target_groups",
    "attention_points",
    "related_plans",
)


class StageError(Exception):
    """A step that the proposal's current stage does not allow."""

    api_status = 409


class ProposalConflict(Exception):
    """The proposal changed since the user loaded it."""

    api_status = 412

    def __init__(self, current: Action) -> None:
        super().__init__(_("Iemand anders heeft dit voorstel intussen gewijzigd."))
        self.current = current

    def api_headers(self) -> dict[str, str]:
        return {"ETag": self.current.etag}


# --- Who may do what -------------------------------------------------------------------


def member_administration_ids(user: User) -> set[int]:
    return set(user.administrations.values_list("pk", flat=True))


def can_propose_for(user: User, administration: Administration | None) -> bool:
    """AJH proposes for any administration, an editor only for one of theirs."""
    if not user.is_active:
        return False
    if user.is_coordinator:
        return True
    return (
        user.is_editor
        and administration is not None
        and administration.pk in member_administration_ids(user)
    )


def can_edit_proposal(user: User, action: Action) -> bool:
    """AJH, or an editor of the proposal's lead administration."""
    return can_propose_for(user, action.lead_administration)


def _require_coordinator(user: User) -> None:
    if not user.is_coordinator:
        raise PermissionDenied(_("Alleen AJH beslist over voorstellen en clustert ze."))


def _require_editor_of(user: User, action: Action) -> None:
    if not can_edit_proposal(user, action):
        raise PermissionDenied(
            _("Je mag enkel voorstellen van je eigen administratie wijzigen of intrekken.")
        )


def _require_stage(action: Action, stages: Iterable[str], message: str) -> None:
    if action.stage not in stages:
        raise StageError(message % {"stage": action.get_stage_display()})


def _require_reason(reason: str, message: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": message})
    return check_text("reason", reason)


def _locked(action: Action) -> Action:
    return (
        Action.objects.select_for_update(of=("self",))
        .select_related("plan", "strategic_goal", "operational_goal", "lead_administration")
        .get(pk=action.pk)
    )


def _write(
    action: Action,
    *,
    user: User,
    reason: str,
    m2m: Mapping[str, Iterable[Any]] | None = None,
    created: bool = False,
) -> Action:
    """Validate and save the proposal and its tags as one history record, one version on
    (``action_save``, which also holds the rule that a lead is never a co-lead)."""
    # The reason becomes the history record's: held to the rule of every text.
    check_text("reason", reason)
    action._history_user = user  # type: ignore[attr-defined]
    return action_save(action=action, m2m=m2m, reason=reason)


def _check_leads(action: Action, m2m: Mapping[str, Iterable[Any]]) -> None:
    """A proposal names its lead administration; the rule that a lead is never a co-lead is
    ``action_save``'s, checked here too so that every error shows at once."""
    errors = action_lead_errors(
        lead_minister=action.lead_minister_id,
        co_lead_ministers=m2m.get("co_lead_ministers", []),
        lead_administration=action.lead_administration_id,
        co_lead_administrations=m2m.get("co_lead_administrations", []),
    )
    if action.lead_administration_id is None:
        errors["lead_administration"] = _("Kies de trekkende administratie.")
    if errors:
        raise ValidationError(errors)


def _sync_responses(action: Action, user: User) -> None:
    """One pending response per co-lead administration that has none; gone co-leads'
    responses go (a co-lead added again answers again)."""
    co_leads = set(action.co_lead_administrations.values_list("pk", flat=True))
    for response in CoLeadResponse.objects.filter(action=action).exclude(
        administration_id__in=co_leads
    ):
        response._history_user = user  # type: ignore[attr-defined]
        response._change_reason = _("Niet langer meewerkend")  # type: ignore[attr-defined]
        response.delete()
    answered = set(
        CoLeadResponse.objects.filter(action=action).values_list("administration_id", flat=True)
    )
    for administration_id in sorted(co_leads - answered):
        response = CoLeadResponse(action=action, administration_id=administration_id)
        response._history_user = user  # type: ignore[attr-defined]
        response._change_reason = _("Gevraagd als meewerkende administratie")  # type: ignore[attr-defined]
        response.save()


# --- The editor's steps ----------------------------------------------------------------


@transaction.atomic
def proposal_create(
    *, user: User, data: Mapping[str, Any], m2m: Mapping[str, Iterable[Any]] | None = None
) -> Action:
    """Propose an action under a strategic goal, for one of the user's administrations."""
    m2m = dict(m2m or {})
    if not can_propose_for(user, data.get("lead_administration")):
        raise PermissionDenied(_("Je kan enkel een actie voorstellen voor je eigen administratie."))
    goal: StrategicGoal | None = data.get("strategic_goal")
    if goal is None:
        raise ValidationError({"strategic_goal": _("Kies de strategische doelstelling.")})
    action = Action(stage=ActionStage.PROPOSED, plan_id=goal.plan_id)
    for name in PROPOSAL_FIELDS:
        if name in data:
            setattr(action, name, data[name])
    _check_leads(action, m2m)
    _write(action, user=user, reason=_("Voorstel ingediend"), m2m=m2m, created=True)
    _sync_responses(action, user)
    return action


@transaction.atomic
def proposal_update(
    *,
    action: Action,
    user: User,
    expected_version: int,
    data: Mapping[str, Any],
    m2m: Mapping[str, Iterable[Any]] | None = None,
    reason: str = "",
) -> Action:
    """Change a proposal while it is proposed or returned. ``data`` and ``m2m`` hold the
    fields to change; a stale ``expected_version`` raises ``ProposalConflict``."""
    current = _locked(action)
    _require_editor_of(user, current)
    _require_stage(
        current,
        OPEN_PROPOSAL_STAGES,
        _(
            "Een voorstel wijzig je enkel zolang het voorgesteld of teruggestuurd is "
            "(nu: %(stage)s)."
        ),
    )
    if current.version != expected_version:
        raise ProposalConflict(current)
    for name, value in data.items():
        if name not in PROPOSAL_FIELDS:
            raise ValueError(f"unknown proposal field {name}")
        setattr(current, name, value)
    if current.strategic_goal.plan_id != current.plan_id:
        raise ValidationError({"strategic_goal": _("Kies een doelstelling van hetzelfde plan.")})
    if not can_propose_for(user, current.lead_administration):
        raise PermissionDenied(_("Je kan enkel een actie voorstellen voor je eigen administratie."))
    m2m = dict(m2m or {})
    leads = dict(m2m)
    for name in ("co_lead_administrations", "co_lead_ministers"):
        leads.setdefault(name, getattr(current, name).all())
    _check_leads(current, leads)
    _write(current, user=user, reason=reason.strip() or _("Voorstel gewijzigd"), m2m=m2m)
    _sync_responses(current, user)
    return current


@transaction.atomic
def proposal_resubmit(*, action: Action, user: User, reason: str = "") -> Action:
    """A returned proposal, revised, goes back to AJH."""
    current = _locked(action)
    _require_editor_of(user, current)
    _require_stage(
        current,
        [ActionStage.RETURNED],
        _("Enkel een teruggestuurd voorstel dien je opnieuw in (nu: %(stage)s)."),
    )
    current.stage = ActionStage.PROPOSED
    return _write(current, user=user, reason=reason.strip() or _("Opnieuw ingediend"))


@transaction.atomic
def proposal_withdraw(*, action: Action, user: User, reason: str = "") -> Action:
    """The proposing administration takes its proposal back; it stays in history."""
    current = _locked(action)
    _require_editor_of(user, current)
    _require_stage(
        current,
        OPEN_PROPOSAL_STAGES,
        _("Enkel een voorgesteld of teruggestuurd voorstel trek je in (nu: %(stage)s)."),
    )
    current.stage = ActionStage.WITHDRAWN
    return _write(current, user=user, reason=reason.strip() or _("Ingetrokken"))


@transaction.atomic
def co_lead_respond(
    *,
    action: Action,
    administration: Administration,
    user: User,
    confirm: bool,
    reason: str = "",
) -> CoLeadResponse:
    """A member of a co-lead administration confirms or (with a reason) declines its part."""
    current = _locked(action)
    if administration.pk not in member_administration_ids(user) or not user.is_editor:
        raise PermissionDenied(_("Enkel een lid van de meewerkende administratie antwoordt."))
    _require_stage(
        current,
        [*OPEN_PROPOSAL_STAGES, ActionStage.ACCEPTED],
        _("Op dit voorstel antwoord je niet meer (nu: %(stage)s)."),
    )
    response = (
        CoLeadResponse.objects.select_for_update()
        .filter(action=current, administration=administration)
        .order_by()
        .first()
    )
    if response is None:
        raise ValidationError(
            {"administration": _("Deze administratie is geen meewerkende administratie.")}
        )
    if not confirm:
        reason = _require_reason(reason, _("Geef de reden waarom je administratie weigert."))
    response.state = CoLeadState.CONFIRMED if confirm else CoLeadState.DECLINED
    response.reason = reason.strip()
    response.decided_by = user
    response.decided_at = timezone.now()
    response.full_clean()
    response._history_user = user  # type: ignore[attr-defined]
    response._change_reason = reason.strip() or _("Bevestigd")  # type: ignore[attr-defined]
    response.save()
    return response


# --- AJH's steps -----------------------------------------------------------------------


@transaction.atomic
def proposal_accept(*, action: Action, user: User, reason: str = "") -> Action:
    _require_coordinator(user)
    current = _locked(action)
    _require_stage(
        current,
        [ActionStage.PROPOSED],
        _("Enkel een voorgesteld voorstel aanvaard je (nu: %(stage)s)."),
    )
    current.stage = ActionStage.ACCEPTED
    current.stage_reason = reason.strip()
    return _write(current, user=user, reason=reason.strip() or _("Aanvaard"))


@transaction.atomic
def proposal_return(*, action: Action, user: User, reason: str) -> Action:
    """Back to the proposing administration for revision, with the reason; an accepted
    action loses its place under an operational goal."""
    _require_coordinator(user)
    current = _locked(action)
    _require_stage(
        current,
        [ActionStage.PROPOSED, ActionStage.ACCEPTED],
        _("Enkel een voorgesteld of aanvaard voorstel stuur je terug (nu: %(stage)s)."),
    )
    reason = _require_reason(reason, _("Geef de reden waarom je het voorstel terugstuurt."))
    current.stage = ActionStage.RETURNED
    current.stage_reason = reason
    current.operational_goal = None
    current.number = None
    return _write(current, user=user, reason=reason)


@transaction.atomic
def proposal_merge(
    *, action: Action, into: Action, user: User, reason: str, extend: bool = True
) -> Action:
    """Merge ``action`` into ``into``: the first becomes merged, with the reason; with
    ``extend`` its lead administration becomes a co-lead of ``into`` and its co-leads and
    tags are added there. Returns ``into``."""
    _require_coordinator(user)
    reason = _require_reason(reason, _("Geef de reden van de samenvoeging."))
    current = _locked(action)
    _require_stage(
        current,
        [ActionStage.PROPOSED, ActionStage.RETURNED],
        _("Enkel een voorgesteld of teruggestuurd voorstel voeg je samen (nu: %(stage)s)."),
    )
    target = _locked(into)
    if target.pk == current.pk:
        raise ValidationError({"into": _("Een voorstel voeg je niet met zichzelf samen.")})
    if target.plan_id != current.plan_id or target.stage not in (
        ActionStage.PROPOSED,
        ActionStage.RETURNED,
        ActionStage.ACCEPTED,
    ):
        raise ValidationError(
            {"into": _("Voeg samen met een lopend voorstel of een aanvaarde actie van dit plan.")}
        )
    current.stage = ActionStage.MERGED
    current.merged_into = target
    current.stage_reason = reason
    current.operational_goal = None
    current.number = None
    _write(current, user=user, reason=reason)
    if extend:
        m2m: dict[str, set[int]] = {}
        for name in MERGE_M2M_FIELDS:
            ids = set(getattr(target, name).values_list("pk", flat=True))
            m2m[name] = ids | set(getattr(current, name).values_list("pk", flat=True))
        m2m["co_lead_ministers"].discard(target.lead_minister_id)
        admins = set(target.co_lead_administrations.values_list("pk", flat=True))
        admins |= set(current.co_lead_administrations.values_list("pk", flat=True))
        admins.add(current.lead_administration_id)  # type: ignore[arg-type]
        admins.discard(target.lead_administration_id)
        m2m["co_lead_administrations"] = admins
        _write(
            target,
            user=user,
            reason=_("Voorstel ‘%(title)s’ samengevoegd: %(reason)s")
            % {"title": current.title, "reason": reason},
            m2m=m2m,
        )
        _sync_responses(target, user)
    return target


@transaction.atomic
def operational_goal_create(
    *, strategic_goal: StrategicGoal, user: User, title: str, text: str = ""
) -> OperationalGoal:
    """A new operational goal under ``strategic_goal``, numbered next."""
    _require_coordinator(user)
    StrategicGoal.objects.select_for_update().get(pk=strategic_goal.pk)
    last = strategic_goal.operational_goals.aggregate(n=Max("number"))["n"] or 0
    goal = OperationalGoal(
        strategic_goal=strategic_goal, number=last + 1, title=title.strip(), text=text.strip()
    )
    goal._history_user = user  # type: ignore[attr-defined]
    return operational_goal_save(goal=goal, reason=_("Operationele doelstelling aangemaakt"))


@transaction.atomic
def proposal_cluster(
    *, action: Action, operational_goal: OperationalGoal, user: User, reason: str = ""
) -> Action:
    """Put an accepted action under an operational goal (or move it to another), as the
    next number there; its code (``1.2.3``) and strategic goal follow."""
    _require_coordinator(user)
    current = _locked(action)
    _require_stage(
        current,
        [ActionStage.ACCEPTED],
        _("Enkel een aanvaarde actie cluster je (nu: %(stage)s)."),
    )
    # The goal's row lock makes two clusterings at once take different numbers.
    goal = (
        OperationalGoal.objects.select_for_update(of=("self",))
        .select_related("strategic_goal")
        .get(pk=operational_goal.pk)
    )
    if goal.strategic_goal.plan_id != current.plan_id:
        raise ValidationError(
            {"operational_goal": _("Kies een operationele doelstelling van hetzelfde plan.")}
        )
    if current.operational_goal_id == goal.pk:
        return current
    last = goal.actions.aggregate(n=Max("number"))["n"] or 0
    current.operational_goal = goal
    current.number = last + 1
    action_assign_code(current)
    return _write(
        current,
        user=user,
        reason=reason.strip() or _("Geclusterd onder OD%(code)s") % {"code": goal.code},
    )
