"""Writes of indicators. Their yearly values are saved with the fiche (fiches.services)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from actionplan.models import Action, User
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


def can_define_indicators(user: User | AnonymousUser, action: Action) -> bool:
    return actions_defining_indicators(user).filter(pk=action.pk).exists()


@transaction.atomic
def indicator_save(
    *, action: Action, user: User, data: Mapping[str, Any], indicator: Indicator | None = None
) -> Indicator:
    if not can_define_indicators(user, action):
        raise PermissionDenied(_("Je mag de indicatoren van deze actie niet wijzigen."))
    if indicator is None:
        indicator = Indicator(action=action)
    elif indicator.action_id != action.pk:
        raise PermissionDenied(_("Deze indicator hoort niet bij deze actie."))
    for name, value in data.items():
        if name not in INDICATOR_FIELDS:
            raise ValueError(f"unknown indicator field {name}")
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
    indicator.save()
    return indicator
