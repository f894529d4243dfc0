"""Writes of plan versions and change requests. Every write goes through one of these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actionplan.display import date_display
from actionplan.models import (
    Action,
    ActionStage,
    Administration,
    Minister,
    Plan,
    User,
)
from actionplan.services import action_lead_errors, action_save
from indicators.models import IndicatorKind
from indicators.services import INDICATOR_FIELDS, indicator_save
from planning import snapshots
from planning.models import (
    ChangeKind,
    ChangeRequest,
    PlanVersion,
    RequestState,
    VersionState,
)


class WorkflowError(Exception):
    """A step that is not allowed from the current state (409 in the API)."""

    api_status = 409


def _require_coordinator(user: User, message: str) -> None:
    if not user.is_coordinator:
        raise PermissionDenied(message)


def _stamp(obj: Any, user: User, reason: str) -> None:
    obj._history_user = user
    obj._change_reason = reason


# --- Plan versions ---------------------------------------------------------------------


def _is_first(plan: Plan, version: PlanVersion) -> bool:
    return not PlanVersion.objects.for_plan(plan).approved().exclude(pk=version.pk).exists()


def _refuse_unclustered(actions: list[Action]) -> None:
    if actions:
        raise ValidationError(
            _(
                "Deze aanvaarde acties zijn nog niet geclusterd onder een operationele "
                "doelstelling: %(actions)s."
            )
            % {"actions": "; ".join(f"SD{a.strategic_goal.number}: {a.title}" for a in actions)}
        )


def version_content(version: PlanVersion) -> dict[str, Any]:
    """What the plan holds now for ``version`` (the snapshot it would take)."""
    actions = snapshots.version_actions(version.plan, first=_is_first(version.plan, version))
    return snapshots.plan_snapshot(version.plan, actions)


@transaction.atomic
def plan_version_create(*, plan: Plan, user: User, note: str = "") -> PlanVersion:
    """Start preparing a new version of ``plan``: one open version per plan at a time."""
    _require_coordinator(user, _("Alleen AJH maakt een planversie aan."))
    Plan.objects.select_for_update().get(pk=plan.pk)
    open_version = PlanVersion.objects.for_plan(plan).open().first()
    if open_version is not None:
        raise WorkflowError(
            _("Versie %(n)s van dit plan is nog open: werk die eerst af.")
            % {"n": open_version.number}
        )
    last = PlanVersion.objects.for_plan(plan).order_by("-number").first()
    version = PlanVersion(
        plan=plan, number=(last.number + 1) if last else 1, note=note, created_by=user
    )
    version.full_clean()
    _stamp(version, user, _("versie aangemaakt"))
    version.save()
    return version


@transaction.atomic
def plan_version_submit(*, version: PlanVersion, user: User) -> PlanVersion:
    """Submit the version for approval: its content is taken now and hashed. Submitting a
    submitted version again takes the content anew (after the draft changed)."""
    _require_coordinator(user, _("Alleen AJH dient een planversie in."))
    version = PlanVersion.objects.select_for_update().select_related("plan").get(pk=version.pk)
    if not version.is_open:
        raise WorkflowError(_("Een goedgekeurde versie verandert niet meer."))
    first = _is_first(version.plan, version)
    actions = snapshots.version_actions(version.plan, first=first)
    _refuse_unclustered(snapshots.unclustered(actions))
    content = snapshots.plan_snapshot(version.plan, actions)
    version.content = content
    version.content_sha256 = snapshots.content_sha256(content)
    version.state = VersionState.SUBMITTED
    version.submitted_at = timezone.now()
    version.submitted_by = user
    _stamp(
        version,
        user,
        _("ingediend ter goedkeuring (SHA-256 %(sha)s)") % {"sha": version.content_sha256},
    )
    version.save()
    return version


@transaction.atomic
def plan_version_approve(
    *, version: PlanVersion, user: User, decision_date: dt.date | None, decision_reference: str
) -> PlanVersion:
    """Record the approval by the Vlaamse Regering: the version is frozen and its accepted
    actions become approved. Refused when the plan changed since the submission."""
    _require_coordinator(user, _("Alleen AJH registreert de goedkeuring van een planversie."))
    version = PlanVersion.objects.select_for_update().select_related("plan").get(pk=version.pk)
    if version.state != VersionState.SUBMITTED:
        raise WorkflowError(
            _("Enkel een ingediende versie kan goedgekeurd worden; deze is %(state)s.")
            % {"state": version.get_state_display()}
        )
    errors: dict[str, str] = {}
    reference = (decision_reference or "").strip()
    if decision_date is None:
        errors["decision_date"] = _("Geef de datum van de beslissing van de Vlaamse Regering op.")
    elif decision_date > timezone.localdate():
        errors["decision_date"] = _("De datum van de beslissing ligt in de toekomst.")
    if not reference:
        errors["decision_reference"] = _(
            "Geef de referentie van de beslissing op (bv. VR 2026 1206 DOC.0123/1)."
        )
    if errors:
        raise ValidationError(errors)
    first = _is_first(version.plan, version)
    actions = snapshots.version_actions(version.plan, first=first)
    _refuse_unclustered(snapshots.unclustered(actions))
    current = snapshots.content_sha256(snapshots.plan_snapshot(version.plan, actions))
    if current != version.content_sha256:
        raise WorkflowError(
            _(
                "Het plan is gewijzigd sinds versie %(n)s werd ingediend: de inhoud komt niet "
                "meer overeen met wat ter goedkeuring voorlag. Dien de versie opnieuw in."
            )
            % {"n": version.number}
        )
    reason = _("goedgekeurd in planversie %(n)s (beslissing %(ref)s van %(date)s)") % {
        "n": version.number,
        "ref": reference,
        "date": date_display(decision_date),
    }
    for action in actions.filter(stage=ActionStage.ACCEPTED).select_related(
        "operational_goal__strategic_goal", "strategic_goal"
    ):
        action.stage = ActionStage.APPROVED
        action._history_user = user  # type: ignore[attr-defined]
        action_save(action=action, reason=reason)
    if first and version.plan.baseline_approved_on is None:
        version.plan.baseline_approved_on = decision_date
        version.plan._change_reason = reason  # type: ignore[attr-defined]
        version.plan._history_user = user  # type: ignore[attr-defined]
        version.plan.save(update_fields=["baseline_approved_on"])
    version.state = VersionState.APPROVED
    version.decision_date = decision_date
    version.decision_reference = reference
    version.approved_at = timezone.now()
    version.approved_by = user
    version.full_clean()
    _stamp(version, user, reason)
    version.save()
    return version


# --- Change requests -------------------------------------------------------------------


def may_request_change(user: User, action: Action) -> bool:
    """AJH, or an editor of the action's lead administration."""
    if user.is_coordinator:
        return True
    return (
        user.is_editor
        and action.lead_administration_id is not None
        and user.administrations.filter(pk=action.lead_administration_id).exists()
    )


def _quarter(value: Any, field: str, errors: dict[str, str]) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors[field] = _("Geef een kwartaal op (1 tot 4).")
        return None
    if not 1 <= number <= 4:
        errors[field] = _("Geef een kwartaal op (1 tot 4).")
    return number


def _year(value: Any, field: str, errors: dict[str, str]) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        errors[field] = _("Geef een jaar op.")
        return None


def _id(value: Any, field: str, errors: dict[str, str], message: str) -> int | None:
    """An id from the request (a whole number), or ``None`` with ``message`` for ``field``."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        errors[field] = message
        return None
    try:
        return int(value)
    except ValueError:
        errors[field] = message
        return None


def _ids(values: Any, field: str, errors: dict[str, str], message: str) -> list[int]:
    if values in (None, ""):
        return []
    if not isinstance(values, (list, tuple)):
        errors[field] = message
        return []
    ids = [_id(v, field, errors, message) for v in values]
    return sorted({i for i in ids if i is not None})


def _decimal(value: Any, field: str, errors: dict[str, str]) -> str | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ArithmeticError):
        number = None
    if number is None or not number.is_finite() or abs(number.adjusted()) > 15:
        errors[field] = _("Geef een getal op.")
        return None
    return format(number.normalize(), "f")


TARGET_FIELDS = ("baseline_value", "baseline_year", "target_value", "target_year")


def _indicator_items(
    action: Action, kind: str, items: Any, errors: dict[str, str]
) -> list[dict[str, Any]]:
    """The indicator changes of a request: for ``targets`` existing indicators with new
    baselines and targets; for ``indicators`` also new ones (without ``id``)."""
    allowed = TARGET_FIELDS if kind == ChangeKind.TARGETS else INDICATOR_FIELDS
    existing = set(action.indicators.values_list("pk", flat=True))
    result: list[dict[str, Any]] = []
    for item in items or []:
        if not isinstance(item, Mapping):
            errors["indicators"] = _("Elke indicator is een object met velden.")
            continue
        unknown = set(item) - set(allowed) - {"id"}
        if unknown:
            errors["indicators"] = _("Deze velden horen niet bij deze soort wijziging: %(f)s.") % {
                "f": ", ".join(sorted(unknown))
            }
            continue
        pk = item.get("id")
        if pk is None and kind == ChangeKind.TARGETS:
            errors["indicators"] = _("Kies de indicator waarvan de streefwaarde wijzigt.")
            continue
        if pk is not None:
            pk = _id(pk, "indicators", errors, _("Kies een indicator van deze actie."))
            if pk is None:
                continue
        if pk is not None and pk not in existing:
            errors["indicators"] = _("Indicator %(id)s hoort niet bij deze actie.") % {"id": pk}
            continue
        if pk is None and not item.get("name"):
            errors["indicators"] = _("Geef de naam van de nieuwe indicator op.")
            continue
        clean = dict(item)
        for name in ("baseline_value", "target_value", "min_value", "max_value"):
            if name in clean:
                clean[name] = _decimal(clean[name], "indicators", errors)
        for name in ("baseline_year", "target_year"):
            if clean.get(name) not in (None, ""):
                clean[name] = _year(clean[name], "indicators", errors)
            elif name in clean:
                clean[name] = None
        if pk is not None:
            clean["id"] = pk
        result.append(clean)
    if not result and "indicators" not in errors:
        errors["indicators"] = _("Geef minstens één indicator op.")
    return result


def _normalise(action: Action, kind: str, proposed: Mapping[str, Any]) -> dict[str, Any]:
    """The proposed values of a request of ``kind``, checked and in a plain form."""
    errors: dict[str, str] = {}
    result: dict[str, Any] = {}
    if kind == ChangeKind.SCOPE:
        title = str(proposed.get("title", action.title)).strip()
        description = str(proposed.get("description", action.description)).strip()
        if not title:
            errors["title"] = _("Geef een titel op.")
        if (title, description) == (action.title, action.description):
            errors["title"] = _("De titel en de omschrijving zijn ongewijzigd.")
        result = {"title": title, "description": description}
    elif kind == ChangeKind.TIMING:
        result = {
            "start_year": _year(proposed.get("start_year"), "start_year", errors),
            "start_quarter": _quarter(proposed.get("start_quarter"), "start_quarter", errors),
            "end_year": _year(proposed.get("end_year"), "end_year", errors),
            "end_quarter": _quarter(proposed.get("end_quarter"), "end_quarter", errors),
        }
        plan = action.plan
        for field in ("start_year", "end_year"):
            year = result[field]
            if year is not None and not plan.start_year <= year <= plan.end_year:
                errors[field] = _(
                    "Kies een jaar binnen de looptijd van het plan (%(a)s–%(b)s)."
                ) % {
                    "a": plan.start_year,
                    "b": plan.end_year,
                }
        if not errors and (result["end_year"], result["end_quarter"]) < (
            result["start_year"],
            result["start_quarter"],
        ):
            errors["end_year"] = _("Het einde van de actie ligt voor het begin.")
    elif kind == ChangeKind.LEADS:
        unknown_minister, unknown_admin = _("Onbekende minister."), _("Onbekende administratie.")
        result = {
            "lead_minister": _id(
                proposed.get("lead_minister"), "lead_minister", errors, unknown_minister
            ),
            "lead_administration": _id(
                proposed.get("lead_administration"), "lead_administration", errors, unknown_admin
            ),
            "co_lead_ministers": _ids(
                proposed.get("co_lead_ministers"), "co_lead_ministers", errors, unknown_minister
            ),
            "co_lead_administrations": _ids(
                proposed.get("co_lead_administrations"),
                "co_lead_administrations",
                errors,
                unknown_admin,
            ),
        }
        ministers = set(Minister.objects.values_list("pk", flat=True))
        administrations = set(Administration.objects.values_list("pk", flat=True))
        lead_minister, lead_admin = result["lead_minister"], result["lead_administration"]
        if lead_minister is not None and lead_minister not in ministers:
            errors["lead_minister"] = unknown_minister
        if "lead_administration" not in errors and (
            lead_admin is None or lead_admin not in administrations
        ):
            errors["lead_administration"] = _("Kies de trekkende administratie.")
        if set(result["co_lead_ministers"]) - ministers:
            errors["co_lead_ministers"] = _("Onbekende minister.")
        if set(result["co_lead_administrations"]) - administrations:
            errors["co_lead_administrations"] = _("Onbekende administratie.")
        # The one rule on leads, as action_save will apply it on approval.
        for name, message in action_lead_errors(
            lead_minister=lead_minister,
            co_lead_ministers=result["co_lead_ministers"],
            lead_administration=lead_admin,
            co_lead_administrations=result["co_lead_administrations"],
        ).items():
            errors.setdefault(name, message)
    elif kind in (ChangeKind.INDICATORS, ChangeKind.TARGETS):
        result = {"indicators": _indicator_items(action, kind, proposed.get("indicators"), errors)}
    elif kind in (ChangeKind.NEW, ChangeKind.STOP):
        result = {}
    else:
        errors["kind"] = _("Kies de soort wijziging.")
    if errors:
        raise ValidationError(errors)
    return result


def _check_stage(action: Action, kind: str) -> None:
    if kind == ChangeKind.NEW:
        if action.stage != ActionStage.ACCEPTED:
            raise ValidationError(
                _("Een nieuwe actie is een door AJH aanvaarde actie; deze is %(stage)s.")
                % {"stage": action.get_stage_display()}
            )
        if action.operational_goal_id is None or action.number is None:
            raise ValidationError(_("Cluster de actie eerst onder een operationele doelstelling."))
    elif action.stage != ActionStage.APPROVED:
        raise ValidationError(
            _("Enkel een actie van het goedgekeurde plan wordt bijgestuurd; deze is %(stage)s.")
            % {"stage": action.get_stage_display()}
        )


@transaction.atomic
def change_request_create(
    *, action: Action, user: User, kind: str, reason: str, proposed: Mapping[str, Any]
) -> ChangeRequest:
    """Ask for an adjustment of ``action`` with a reason; AJH decides."""
    if not may_request_change(user, action):
        raise PermissionDenied(
            _("Enkel AJH en de trekkende administratie vragen een wijziging van deze actie aan.")
        )
    if kind not in ChangeKind.values:
        raise ValidationError({"kind": _("Kies de soort wijziging.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Geef de reden van de wijziging op.")})
    _check_stage(action, kind)
    request = ChangeRequest(
        action=action,
        kind=kind,
        reason=reason.strip(),
        proposed=_normalise(action, kind, proposed),
        requested_by=user,
    )
    request.full_clean()
    _stamp(request, user, _("aangevraagd: %(reason)s") % {"reason": request.reason})
    request.save()
    return request


def _open_version(plan: Plan, user: User) -> PlanVersion:
    version = PlanVersion.objects.for_plan(plan).open().first()
    return version or plan_version_create(plan=plan, user=user)


def _stop_quarter(today: dt.date) -> tuple[int, int]:
    return today.year, (today.month - 1) // 3 + 1


def _apply(request: ChangeRequest, user: User) -> None:
    action = (
        Action.objects.select_related("operational_goal__strategic_goal", "strategic_goal", "plan")
        .select_for_update(of=("self",))
        .get(pk=request.action_id)
    )
    _check_stage(action, request.kind)
    action._history_user = user  # type: ignore[attr-defined]
    values = _normalise(action, request.kind, request.proposed)
    m2m: dict[str, Any] | None = None
    kind = request.kind
    if kind == ChangeKind.SCOPE:
        action.title, action.description = values["title"], values["description"]
    elif kind == ChangeKind.TIMING:
        for name, value in values.items():
            setattr(action, name, value)
    elif kind == ChangeKind.LEADS:
        action.lead_minister_id = values["lead_minister"]
        action.lead_administration_id = values["lead_administration"]
        m2m = {
            "co_lead_ministers": values["co_lead_ministers"],
            "co_lead_administrations": values["co_lead_administrations"],
        }
    elif kind == ChangeKind.NEW:
        action.stage = ActionStage.APPROVED
    elif kind == ChangeKind.STOP:
        # A stopped action keeps its history and fiches; it ends in the quarter it stops,
        # so no later round gives it a fiche.
        year, quarter = _stop_quarter(timezone.localdate())
        action.stage = ActionStage.STOPPED
        if (year, quarter) < (action.end_year, action.end_quarter):
            action.end_year, action.end_quarter = year, quarter
        if (action.start_year, action.start_quarter) > (action.end_year, action.end_quarter):
            action.start_year, action.start_quarter = action.end_year, action.end_quarter
    if kind in (ChangeKind.INDICATORS, ChangeKind.TARGETS):
        _apply_indicators(action, values["indicators"], user, request.reason)
        # The action's own history says that its indicators were adjusted, and why.
        action_save(action=action, reason=request.reason, adjustment=True)
    else:
        action_save(action=action, m2m=m2m, reason=request.reason, adjustment=True)


def _apply_indicators(action: Action, items: list[dict[str, Any]], user: User, reason: str) -> None:
    indicators = {i.pk: i for i in action.indicators.all()}
    for item in items:
        data = {k: v for k, v in item.items() if k != "id"}
        for name in ("baseline_value", "target_value", "min_value", "max_value"):
            if data.get(name) is not None:
                data[name] = Decimal(data[name])
        indicator = indicators.get(item["id"]) if item.get("id") else None
        if indicator is None:
            data.setdefault("kind", IndicatorKind.QUANTITATIVE)
        indicator_save(action=action, user=user, data=data, indicator=indicator, reason=reason)


@transaction.atomic
def change_request_approve(*, request: ChangeRequest, user: User, note: str = "") -> ChangeRequest:
    """AJH approves: the change is applied as an adjustment with the request's reason and
    becomes part of the plan's open version (a new draft when none is open)."""
    _require_coordinator(user, _("Alleen AJH beslist over wijzigingsverzoeken."))
    request = (
        ChangeRequest.objects.select_for_update().select_related("action__plan").get(pk=request.pk)
    )
    if not request.is_open:
        raise WorkflowError(
            _("Over dit verzoek is al beslist: het is %(state)s.")
            % {"state": request.get_state_display()}
        )
    _apply(request, user)
    request.version = _open_version(request.action.plan, user)
    request.state = RequestState.APPROVED
    request.decided_by = user
    request.decided_at = timezone.now()
    request.decision_note = (note or "").strip()
    request.full_clean()
    _stamp(
        request,
        user,
        _("goedgekeurd, opgenomen in versie %(n)s") % {"n": request.version.number},
    )
    request.save()
    return request


@transaction.atomic
def change_request_reject(*, request: ChangeRequest, user: User, reason: str) -> ChangeRequest:
    """AJH rejects, with a reason the requester reads; nothing in the plan changes."""
    _require_coordinator(user, _("Alleen AJH beslist over wijzigingsverzoeken."))
    request = ChangeRequest.objects.select_for_update().get(pk=request.pk)
    if not request.is_open:
        raise WorkflowError(
            _("Over dit verzoek is al beslist: het is %(state)s.")
            % {"state": request.get_state_display()}
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Geef de reden van de afwijzing op.")})
    request.state = RequestState.REJECTED
    request.decided_by = user
    request.decided_at = timezone.now()
    request.decision_note = reason.strip()
    request.full_clean()
    _stamp(request, user, _("afgewezen: %(reason)s") % {"reason": request.decision_note})
    request.save()
    return request
