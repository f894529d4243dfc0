"""Writes of indicators. Their yearly values are saved with the fiche (fiches.services)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from actionplan.models import Action, Plan, User
from indicators.models import Indicator, ValueKind, actions_defining_indicators

INDICATOR_FIELDS = (
    "name",
    "description",
    "kind",
    "unit",
    "value_kind",
    "min_value",
    "max_value",
    "baseline_value",
    "baseline_year",
    "target_value",
    "target_year",
    "direction",
    "disaggregation",
    "position",
)


# The fields that state what an action promises: after the plan's baseline an editor changes
# them through a change request (*bijsturing*), not directly.
DEFINITION_FIELDS = ("baseline_value", "baseline_year", "target_value", "target_year")


def definitions_frozen(user: User, action: Action) -> bool:
    """After the baseline, an editor no longer changes the indicators (baselines, targets,
    new indicators) of an approved action directly; AJH may still correct them."""
    return (
        not user.is_coordinator
        and action.is_in_plan
        and Plan.objects.filter(pk=action.plan_id, baseline_approved_on__isnull=False).exists()
    )


def can_define_indicators(user: User | AnonymousUser, action: Action) -> bool:
    return actions_defining_indicators(user).filter(pk=action.pk).exists()


def _refuse_definition_change(indicator: Indicator, data: Mapping[str, Any]) -> None:
    message = _(
        "Deze actie hoort bij het goedgekeurde plan: vraag een wijziging van de nulmeting, "
        "streefwaarde of indicatoren aan met een wijzigingsverzoek (‘Wijziging aanvragen’ "
        "op de pagina van de actie)."
    )
    if indicator.pk is None:
        raise ValidationError(message)
    changed = [
        name
        for name in DEFINITION_FIELDS
        if name in data and data[name] != getattr(indicator, name)
    ]
    if changed:
        raise ValidationError({name: message for name in changed})


@transaction.atomic
def indicator_save(
    *,
    action: Action,
    user: User,
    data: Mapping[str, Any],
    indicator: Indicator | None = None,
    reason: str = "",
) -> Indicator:
    """Create or change an indicator of ``action``; ``reason`` goes into its history (a
    change request's reason when the change adjusts the plan)."""
    if not can_define_indicators(user, action):
        raise PermissionDenied(_("Je mag de indicatoren van deze actie niet wijzigen."))
    if indicator is None:
        indicator = Indicator(action=action)
    elif indicator.action_id != action.pk:
        raise PermissionDenied(_("Deze indicator hoort niet bij deze actie."))
    for name in data:
        if name not in INDICATOR_FIELDS:
            raise ValueError(f"unknown indicator field {name}")
    if definitions_frozen(user, action):
        _refuse_definition_change(indicator, data)
    for name, value in data.items():
        setattr(indicator, name, value)
    if indicator.kind == "qualitative":
        indicator.unit = ""
        indicator.baseline_value = indicator.target_value = None
        indicator.disaggregation = ""
    if indicator.kind == "qualitative" or indicator.value_kind != ValueKind.DECIMAL:
        # Bounds are the kind's own (0, 100…); a decimal's optional ones are its own.
        indicator.min_value = indicator.max_value = None
    indicator.full_clean()
    indicator._history_user = user  # type: ignore[attr-defined]
    indicator._change_reason = reason  # type: ignore[attr-defined]
    indicator.save()
    return indicator
