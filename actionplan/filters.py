"""Filters of the action list, shared by the overview page, the API and the exports; and the
API's filter sets and backend, in which a year is a ``YearFilter``."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as rest_filters
from drf_spectacular.utils import extend_schema_field

from actionplan.models import (
    Action,
    ActionStage,
    Administration,
    Minister,
    StrategicGoal,
    TargetGroup,
    ViolenceForm,
)
from actionplan.params import YEAR_MAX, YEAR_MIN


class YearFormField(forms.IntegerField):
    default_error_messages = {
        "min_value": _("Geef een jaartal tussen 2000 en 2100."),
        "max_value": _("Geef een jaartal tussen 2000 en 2100."),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=YEAR_MIN, max_value=YEAR_MAX, **kwargs)


@extend_schema_field({"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX})
class YearFilter(django_filters.NumberFilter):
    """A year from ``YEAR_MIN`` to ``YEAR_MAX``; another is refused (400), not silently
    matched against nothing, and the schema publishes the bounds."""

    field_class = YearFormField


class FilterSet(rest_filters.FilterSet):
    """The API's filter sets: a model's year (``year``, ``<something>_year``) filters as a
    ``YearFilter``, whether declared in ``Meta.fields`` or in a view's ``filterset_fields``."""

    @classmethod
    def filter_for_field(
        cls, field: Any, field_name: str, lookup_expr: str | None = None
    ) -> django_filters.Filter:
        found = super().filter_for_field(field, field_name, lookup_expr)
        is_year = field_name == "year" or field_name.endswith("_year")
        if is_year and isinstance(field, models.IntegerField) and found.lookup_expr == "exact":
            return YearFilter(field_name=found.field_name, label=found.label)
        return found


class FilterBackend(rest_filters.DjangoFilterBackend):
    """``DjangoFilterBackend`` whose filter sets made from ``filterset_fields`` are
    ``FilterSet``s."""

    filterset_base = FilterSet


def strategic_goal_choices() -> list[tuple[int, str]]:
    """SD1 … SD3 by number: every plan (the demo plan too) has the same strategic goals."""
    choices: dict[int, str] = {}
    for number, title in StrategicGoal.objects.order_by("number", "plan__is_demo").values_list(
        "number", "title"
    ):
        choices.setdefault(number, f"SD{number} {title}")
    return list(choices.items())


class ActionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Zoeken"), method="filter_q")
    strategic_goal = django_filters.ChoiceFilter(
        label=_("Strategische doelstelling"),
        field_name="strategic_goal__number",
        choices=strategic_goal_choices,
        empty_label=_("Alle doelstellingen"),
    )
    minister = django_filters.ModelChoiceFilter(
        label=_("Minister (trekkend of meewerkend)"),
        queryset=Minister.objects.only("id", "name"),
        method="filter_minister",
        empty_label=_("Alle ministers"),
    )
    administration = django_filters.ModelChoiceFilter(
        label=_("Administratie (trekkend of meewerkend)"),
        queryset=Administration.objects.only("id", "name"),
        method="filter_administration",
        empty_label=_("Alle administraties"),
    )
    violence_form = django_filters.ModelChoiceFilter(
        label=_("Vorm van geweld"),
        queryset=ViolenceForm.objects.only("id", "code", "name"),
        method="filter_violence_form",
        empty_label=_("Alle vormen"),
    )
    target_group = django_filters.ModelChoiceFilter(
        label=_("Doelgroep"),
        queryset=TargetGroup.objects.only("id", "code", "name"),
        method="filter_target_group",
        empty_label=_("Alle doelgroepen"),
    )

    stage = django_filters.MultipleChoiceFilter(
        label=_("Fase"), choices=ActionStage.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Action
        fields = [
            "stage",
            "q",
            "strategic_goal",
            "minister",
            "administration",
            "violence_form",
            "target_group",
        ]

    def filter_q(self, queryset: QuerySet[Action], name: str, value: str) -> QuerySet[Action]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__startswith=value) | Q(title__icontains=value) | Q(description__icontains=value)
        )

    def filter_minister(self, queryset, name: str, value: Minister):  # type: ignore[no-untyped-def]
        return queryset.led_or_co_led_by_minister(value)

    def filter_administration(self, queryset, name: str, value: Administration):  # type: ignore[no-untyped-def]
        return queryset.led_or_co_led_by_administration(value)

    def filter_violence_form(self, queryset, name: str, value: ViolenceForm):  # type: ignore[no-untyped-def]
        return queryset.with_tag("violence_forms", value)

    def filter_target_group(self, queryset, name: str, value: TargetGroup):  # type: ignore[no-untyped-def]
        return queryset.with_tag("target_groups", value)


__all__ = ["ActionFilter", "StrategicGoal"]
