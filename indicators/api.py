"""REST API of indicators and their yearly values (metingen).

Indicators are defined through ``indicators.services.indicator_save`` (coordinator, or the
editors of the action's lead administration). Values are read here and written with their
fiche, so that they share its workflow and version.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from actionplan import api_fields
from actionplan.filters import FilterSet
from actionplan.http import api_user
from actionplan.models import Action
from indicators.impact.api import ImpactIndicatorViewSet, ImpactValueViewSet
from indicators.models import Disaggregation, Indicator, IndicatorValue
from indicators.numbers import ApiNumberField
from indicators.services import INDICATOR_FIELDS, can_define_indicators, indicator_save


class IndicatorSerializer(serializers.ModelSerializer):
    action = serializers.PrimaryKeyRelatedField(
        queryset=Action.objects.only("id"), help_text="Id van de actie; wijzigt niet meer."
    )
    action_code = serializers.CharField(source="action.code", read_only=True)
    baseline_year = api_fields.YearField(required=False, allow_null=True)
    target_year = api_fields.YearField(required=False, allow_null=True)
    disaggregation = api_fields.OptionalChoiceField(
        choices=Disaggregation.choices, required=False, help_text="Null: niet uitgesplitst."
    )
    # Numbers may come as Flemish text too ("1.234,5"), read like everywhere else.
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        **api_fields.TEXT_FIELD_MAPPING,
        models.DecimalField: ApiNumberField,
    }

    class Meta:
        model = Indicator
        fields = ["id", "action", "action_code", *INDICATOR_FIELDS]


class IndicatorValueSerializer(serializers.ModelSerializer):
    action = serializers.IntegerField(source="indicator.action_id", read_only=True)
    updated_by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = IndicatorValue
        fields = [
            "id",
            "indicator",
            "action",
            "year",
            "value",
            "no_data",
            "no_data_reason",
            "assessment",
            "breakdown",
            "updated_at",
            "updated_by",
        ]
        read_only_fields = fields


WRITE_ERRORS = {
    400: OpenApiResponse(description="Ongeldige indicator; er is niets gewijzigd."),
    403: OpenApiResponse(description="Je mag de indicatoren van deze actie niet wijzigen."),
}


@extend_schema_view(
    create=extend_schema(responses={201: IndicatorSerializer, **WRITE_ERRORS}),
    update=extend_schema(responses={200: IndicatorSerializer, **WRITE_ERRORS}),
    partial_update=extend_schema(responses={200: IndicatorSerializer, **WRITE_ERRORS}),
)
class IndicatorViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Indicators of the actions. Every internal user reads them; the coordinator and the
    editors of the action's lead administration define them. Indicators are not deleted:
    their values are part of the monitoring history."""

    serializer_class = IndicatorSerializer
    filterset_fields = ["action"]

    def get_queryset(self) -> QuerySet[Indicator]:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reads the model
            return Indicator.objects.none()
        # Indicators of drafts are seen by those who see the draft.
        visible = Action.objects.visible_to(api_user(self.request))
        return (
            Indicator.objects.filter(action__in=visible)
            .select_related("action")
            .order_by(*Indicator._meta.ordering or (), "pk")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        indicator = indicator_save(action=data.pop("action"), user=api_user(request), data=data)
        return Response(self.get_serializer(indicator).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        indicator = self.get_object()
        # Refuse before validating, so that a reader learns "not allowed", not "invalid".
        if not can_define_indicators(request.user, indicator.action):
            raise exceptions.PermissionDenied(
                _("Je mag de indicatoren van deze actie niet wijzigen.")
            )
        form = self.get_serializer(
            indicator, data=request.data, partial=kwargs.get("partial", False)
        )
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        action = data.pop("action", indicator.action)
        if action.pk != indicator.action_id:
            raise exceptions.ValidationError(
                {"action": [_("Een indicator verhuist niet naar een andere actie.")]}
            )
        saved = indicator_save(
            action=indicator.action, user=api_user(request), data=data, indicator=indicator
        )
        return Response(self.get_serializer(saved).data)


class IndicatorValueFilter(FilterSet):
    action = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Actie (id)"),
        field_name="indicator__action",
        queryset=Action.objects.only("id"),
    )

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "action", "year"]


class IndicatorValueViewSet(viewsets.ReadOnlyModelViewSet):
    """Yearly values (*metingen*) of the indicators; read-only.

    Values are written together with the fiche of their action and year:
    `PUT`/`PATCH /api/v1/fiches/{id}/` with `indicator_values` (and `If-Match`), so that
    they follow the fiche's workflow (no changes once submitted) and its version check.
    """

    serializer_class = IndicatorValueSerializer
    filterset_class = IndicatorValueFilter

    def get_queryset(self) -> QuerySet[IndicatorValue]:
        return IndicatorValue.objects.select_related("indicator", "updated_by").order_by(
            "indicator__action_id", "indicator__position", "indicator_id", "year"
        )


def register(router: BaseRouter) -> None:
    router.register("indicators", IndicatorViewSet, basename="indicator")
    router.register("indicator-values", IndicatorValueViewSet, basename="indicator-value")
    router.register("impact-indicators", ImpactIndicatorViewSet, basename="impact-indicator")
    router.register("impact-values", ImpactValueViewSet, basename="impact-value")
