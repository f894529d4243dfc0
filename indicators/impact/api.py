"""REST API of impact indicators and their values: every signed-in user reads them, AJH
writes them (others get 403). Writes go through ``indicators.impact.services``."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from actionplan import api_fields
from actionplan.filters import FilterSet
from actionplan.http import api_user
from actionplan.models import Plan, StrategicGoal
from indicators.impact.services import (
    IMPACT_INDICATOR_FIELDS,
    IMPACT_VALUE_FIELDS,
    impact_indicator_save,
    impact_value_delete,
    impact_value_save,
)
from indicators.models import (
    ImpactDimension,
    ImpactIndicator,
    ImpactValue,
    maintains_impact,
)
from indicators.numbers import ApiNumberField


class ReadOrMaintainer(permissions.BasePermission):
    message = gettext_lazy("Alleen AJH beheert de impactindicatoren.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.method in permissions.SAFE_METHODS or maintains_impact(request.user)


NUMBERS_AS_TEXT = {
    **serializers.ModelSerializer.serializer_field_mapping,
    **api_fields.TEXT_FIELD_MAPPING,
    # Numbers may come as Flemish text too ("1.234,5"), read like everywhere else.
    models.DecimalField: ApiNumberField,
}


class ImpactIndicatorSerializer(serializers.ModelSerializer):
    plan = serializers.PrimaryKeyRelatedField(
        queryset=Plan.objects.only("id"), help_text="Id van het actieplan; wijzigt niet meer."
    )
    plan_code = serializers.CharField(source="plan.code", read_only=True)
    strategic_goal = serializers.PrimaryKeyRelatedField(
        queryset=StrategicGoal.objects.only("id", "plan_id"),
        allow_null=True,
        required=False,
        help_text="Id van de strategische doelstelling; leeg voor het hele plan.",
    )
    dimensions = serializers.ListField(
        child=serializers.ChoiceField(choices=ImpactDimension.choices),
        required=False,
        help_text="Uitsplitsingen die de waarden mogen gebruiken.",
    )
    baseline_year = api_fields.YearField(required=False, allow_null=True)
    target_year = api_fields.YearField(required=False, allow_null=True)
    serializer_field_mapping = NUMBERS_AS_TEXT

    class Meta:
        model = ImpactIndicator
        fields = ["id", "plan", "plan_code", *IMPACT_INDICATOR_FIELDS]


class ImpactValueSerializer(serializers.ModelSerializer):
    year = api_fields.YearField()
    disaggregation = serializers.DictField(
        child=api_fields.TextField(multiline=False),
        required=False,
        help_text='Bv. {"sex": "vrouw", "age_group": "18-24"}; leeg voor het totaal.',
    )
    updated_by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    serializer_field_mapping = NUMBERS_AS_TEXT

    class Meta:
        model = ImpactValue
        fields = ["id", "indicator", *IMPACT_VALUE_FIELDS, "updated_at", "updated_by"]
        # The model's uniqueness comes from the service, with its own message.
        validators: list[Any] = []
        extra_kwargs = {"source": {"required": False, "allow_blank": True}}


WRITE_ERRORS = {
    400: OpenApiResponse(description="Ongeldige invoer; er is niets gewijzigd."),
    403: OpenApiResponse(description="Alleen AJH beheert de impactindicatoren."),
}


class ImpactIndicatorFilter(FilterSet):
    plan = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Actieplan (id)"), queryset=Plan.objects.only("id")
    )

    class Meta:
        model = ImpactIndicator
        fields = ["plan", "strategic_goal", "kind"]


@extend_schema_view(
    create=extend_schema(responses={201: ImpactIndicatorSerializer, **WRITE_ERRORS}),
    update=extend_schema(responses={200: ImpactIndicatorSerializer, **WRITE_ERRORS}),
    partial_update=extend_schema(responses={200: ImpactIndicatorSerializer, **WRITE_ERRORS}),
)
class ImpactIndicatorViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Context and outcome indicators of a plan or of one of its strategic goals, with
    source, baseline, target, periodicity and the dimensions their values may be broken
    down by (`sex`, `age_group`, `relationship`, `region`). Not deleted: their values
    are part of the evaluation."""

    serializer_class = ImpactIndicatorSerializer
    filterset_class = ImpactIndicatorFilter
    permission_classes = [permissions.IsAuthenticated, ReadOrMaintainer]

    def get_queryset(self) -> QuerySet[ImpactIndicator]:
        return ImpactIndicator.objects.select_related("plan").order_by("plan", "position", "pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        indicator = impact_indicator_save(plan=data.pop("plan"), user=api_user(request), data=data)
        return Response(self.get_serializer(indicator).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        indicator = self.get_object()
        form = self.get_serializer(
            indicator, data=request.data, partial=kwargs.get("partial", False)
        )
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        plan = data.pop("plan", indicator.plan)
        if plan.pk != indicator.plan_id:
            raise exceptions.ValidationError(
                {"plan": [_("Een impactindicator verhuist niet naar een ander actieplan.")]}
            )
        saved = impact_indicator_save(
            plan=indicator.plan, user=api_user(request), data=data, indicator=indicator
        )
        return Response(self.get_serializer(saved).data)


class ImpactValueFilter(FilterSet):
    plan = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Actieplan (id)"),
        field_name="indicator__plan",
        queryset=Plan.objects.only("id"),
    )

    class Meta:
        model = ImpactValue
        fields = ["indicator", "plan", "year"]


@extend_schema_view(
    create=extend_schema(responses={201: ImpactValueSerializer, **WRITE_ERRORS}),
    update=extend_schema(responses={200: ImpactValueSerializer, **WRITE_ERRORS}),
    partial_update=extend_schema(responses={200: ImpactValueSerializer, **WRITE_ERRORS}),
    destroy=extend_schema(responses={204: None, 403: WRITE_ERRORS[403]}),
)
class ImpactValueViewSet(viewsets.ModelViewSet):
    """Published values of the impact indicators: one per indicator, year and breakdown.
    `disaggregation` is empty for the total, or names a category per declared dimension:
    `sex` (vrouw, man, x, onbekend), `age_group` (0-17, 18-24, 25-34, 35-44, 45-54, 55-64,
    65+, onbekend), `relationship` (partner, familielid, kennis, onbekende, onbekend),
    `region` (antwerpen, limburg, oost-vlaanderen, vlaams-brabant, west-vlaanderen,
    brussel, onbekend)."""

    serializer_class = ImpactValueSerializer
    filterset_class = ImpactValueFilter
    permission_classes = [permissions.IsAuthenticated, ReadOrMaintainer]

    def get_queryset(self) -> QuerySet[ImpactValue]:
        return ImpactValue.objects.select_related("indicator", "updated_by").order_by(
            "indicator_id", "year", "disaggregation_key"
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        value = impact_value_save(
            indicator=data.pop("indicator"), user=api_user(request), data=data
        )
        return Response(self.get_serializer(value).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        value = self.get_object()
        form = self.get_serializer(value, data=request.data, partial=kwargs.get("partial", False))
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        indicator = data.pop("indicator", value.indicator)
        if indicator.pk != value.indicator_id:
            raise exceptions.ValidationError(
                {"indicator": [_("Een waarde verhuist niet naar een andere indicator.")]}
            )
        saved = impact_value_save(
            indicator=value.indicator, user=api_user(request), data=data, value=value
        )
        return Response(self.get_serializer(saved).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        impact_value_delete(value=self.get_object(), user=api_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
