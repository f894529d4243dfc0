"""Writes of impact indicators and their values: AJH's alone."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from actionplan.models import Plan, User
from indicators.models import (
    ImpactDimension,
    ImpactIndicator,
    ImpactValue,
    disaggregation_key,
    maintains_impact,
)

IMPACT_INDICATOR_FIELDS = (
    "strategic_goal",
    "kind",
    "name",
    "definition",
    "unit",
    "value_kind",
    "source",
    "periodicity",
    "baseline_value",
    "baseline_year",
    "target_value",
    "target_year",
    "dimensions",
    "position",
)
IMPACT_VALUE_FIELDS = ("year", "value", "disaggregation", "source", "source_date", "note")


def _refuse_unless_maintainer(user: User | AnonymousUser) -> None:
    if not maintains_impact(user):
        raise PermissionDenied(_("Alleen AJH beheert de impactindicatoren."))


def _check_fields(data: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    for name in data:
        if name not in allowed:
            raise ValueError(f"unknown field {name}")


@transaction.atomic
def impact_indicator_save(
    *,
    plan: Plan,
    user: User,
    data: Mapping[str, Any],
    indicator: ImpactIndicator | None = None,
    reason: str = "",
) -> ImpactIndicator:
    """Create or change an impact indicator of ``plan``. A dimension that values are
    already broken down by cannot be dropped: those values would no longer fit."""
    _refuse_unless_maintainer(user)
    _check_fields(data, IMPACT_INDICATOR_FIELDS)
    if indicator is None:
        indicator = ImpactIndicator(plan=plan)
    elif indicator.plan_id != plan.pk:
        raise PermissionDenied(_("Deze impactindicator hoort niet bij dit actieplan."))
    for name, value in data.items():
        setattr(indicator, name, value)
    if isinstance(indicator.dimensions, list):
        # One order everywhere: tables, exports and history compare alike.
        order = list(ImpactDimension.values)
        indicator.dimensions = sorted(
            indicator.dimensions, key=lambda d: order.index(d) if d in order else len(order)
        )
    indicator.full_clean()
    if indicator.pk is not None:
        _refuse_dropped_dimensions(indicator)
    indicator._history_user = user  # type: ignore[attr-defined]
    indicator._change_reason = reason  # type: ignore[attr-defined]
    indicator.save()
    return indicator


def _refuse_dropped_dimensions(indicator: ImpactIndicator) -> None:
    labels = dict(ImpactDimension.choices)
    used = {
        name
        for breakdown in indicator.values.exclude(disaggregation_key="").values_list(
            "disaggregation", flat=True
        )
        for name in breakdown
    }
    dropped = sorted(used - set(indicator.dimensions))
    if dropped:
        raise ValidationError(
            {
                "dimensions": _("Er zijn al waarden uitgesplitst naar %(list)s: pas die eerst aan.")
                % {"list": ", ".join(str(labels.get(d, d)) for d in dropped)}
            }
        )


@transaction.atomic
def impact_value_save(
    *,
    indicator: ImpactIndicator,
    user: User,
    data: Mapping[str, Any],
    value: ImpactValue | None = None,
    reason: str = "",
) -> ImpactValue:
    """Create or change one published value of ``indicator``: the total of a year
    (no breakdown) or one cell of a breakdown by the dimensions it declares."""
    _refuse_unless_maintainer(user)
    _check_fields(data, IMPACT_VALUE_FIELDS)
    if value is None:
        value = ImpactValue(indicator=indicator)
    elif value.indicator_id != indicator.pk:
        raise PermissionDenied(_("Deze waarde hoort niet bij deze impactindicator."))
    for name, item in data.items():
        setattr(value, name, item)
    if value.disaggregation is None:
        value.disaggregation = {}
    if not value.source.strip():
        value.source = indicator.source
    value.disaggregation_key = (
        disaggregation_key(value.disaggregation) if isinstance(value.disaggregation, dict) else ""
    )
    value.updated_by = user
    value.full_clean()
    value._history_user = user  # type: ignore[attr-defined]
    value._change_reason = reason  # type: ignore[attr-defined]
    value.save()
    return value


@transaction.atomic
def impact_value_delete(*, value: ImpactValue, user: User, reason: str = "") -> None:
    """Remove a value entered by mistake; its history keeps what it was, and who removed it."""
    _refuse_unless_maintainer(user)
    value._history_user = user  # type: ignore[attr-defined]
    value._change_reason = reason  # type: ignore[attr-defined]
    value.delete()
