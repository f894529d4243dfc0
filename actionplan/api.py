"""Read-only REST API of the plan structure."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from actionplan.filters import ActionFilter
from actionplan.http import api_user
from actionplan.models import (
    Action,
    Administration,
    Minister,
    OperationalGoal,
    Plan,
    PortfolioHolder,
    StrategicGoal,
)
from actionplan.selectors import (
    action_list_values,
    action_related_values,
    actions_with_relations,
)


class PortfolioHolderSerializer(serializers.ModelSerializer):
    class Meta:
        model = PortfolioHolder
        fields = ["person_name", "valid_from", "valid_to"]


class MinisterSerializer(serializers.ModelSerializer):
    """A portfolio: who held it when, and which administrations fall under it."""

    holders = PortfolioHolderSerializer(many=True, read_only=True)
    administrations: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )

    class Meta:
        model = Minister
        fields = [
            "id",
            "name",
            "portfolio",
            "term_start",
            "term_end",
            "holders",
            "administrations",
            "is_demo",
        ]


class AdministrationSerializer(serializers.ModelSerializer):
    policy_domain: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="name", read_only=True
    )

    class Meta:
        model = Administration
        fields = ["id", "code", "name", "policy_domain", "is_demo"]


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = [
            "id",
            "code",
            "title",
            "start_year",
            "end_year",
            "coordinating_minister",
            "coordinating_agency",
            "interim_evaluation",
            "final_evaluation",
        ]


class StrategicGoalSerializer(serializers.ModelSerializer):
    plan: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = StrategicGoal
        fields = ["id", "plan", "number", "code", "title", "text", "policy_level"]


class OperationalGoalSerializer(serializers.ModelSerializer):
    strategic_goal = serializers.IntegerField(source="strategic_goal.number", read_only=True)

    class Meta:
        model = OperationalGoal
        fields = ["id", "strategic_goal", "number", "code", "title", "text"]


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CodedSerializer(NamedSerializer):
    code = serializers.CharField()


class ActionSerializer(serializers.ModelSerializer):
    plan: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    # Null for a proposal not yet clustered under an operational goal.
    operational_goal = serializers.CharField(
        source="operational_goal.code", read_only=True, allow_null=True
    )
    strategic_goal = serializers.IntegerField(source="strategic_goal.number", read_only=True)
    lead_minister = NamedSerializer(read_only=True, allow_null=True)
    co_lead_ministers = NamedSerializer(many=True, read_only=True)
    lead_administration = CodedSerializer(read_only=True, allow_null=True)
    co_lead_administrations = CodedSerializer(many=True, read_only=True)
    violence_forms = CodedSerializer(many=True, read_only=True)
    target_groups = NamedSerializer(many=True, read_only=True)
    attention_points: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    related_plans: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )

    class Meta:
        model = Action
        fields = [
            "id",
            "plan",
            "strategic_goal",
            "operational_goal",
            "code",
            "stage",
            "title",
            "description",
            "lead_minister",
            "co_lead_ministers",
            "lead_administration",
            "co_lead_administrations",
            "partners",
            "start_year",
            "start_quarter",
            "end_year",
            "end_quarter",
            "violence_forms",
            "target_groups",
            "attention_points",
            "related_plans",
            "is_demo",
        ]


def action_list_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What ``ActionSerializer`` makes of each action, built from ``action_list_values``
    rows: the same JSON, without a serializer and a model instance per row and per related
    row (tests/actionplan/test_api.py compares both, key for key)."""
    related = action_related_values([row["id"] for row in rows])
    ministers, administrations = related["co_lead_ministers"], related["co_lead_administrations"]
    forms, groups = related["violence_forms"], related["target_groups"]
    points, plans = related["attention_points"], related["related_plans"]
    items = []
    for row in rows:
        pk = row["id"]
        item = {
            "id": pk,
            "plan": row["plan__code"],
            "strategic_goal": row["strategic_goal__number"],
            "operational_goal": row["operational_goal__code"],
            "code": row["code"],
            "stage": row["stage"],
            "title": row["title"],
            "description": row["description"],
            "lead_minister": (
                None
                if row["lead_minister_id"] is None
                else {"id": row["lead_minister_id"], "name": row["lead_minister__name"]}
            ),
            "co_lead_ministers": ministers.get(pk, []),
            "lead_administration": (
                None
                if row["lead_administration_id"] is None
                else {
                    "id": row["lead_administration_id"],
                    "name": row["lead_administration__name"],
                    "code": row["lead_administration__code"],
                }
            ),
            "co_lead_administrations": administrations.get(pk, []),
            "partners": row["partners"],
            "start_year": row["start_year"],
            "start_quarter": row["start_quarter"],
            "end_year": row["end_year"],
            "end_quarter": row["end_quarter"],
            "violence_forms": forms.get(pk, []),
            "target_groups": groups.get(pk, []),
            "attention_points": [point["code"] for point in points.get(pk, [])],
            "related_plans": [plan["code"] for plan in plans.get(pk, [])],
            "is_demo": row["is_demo"],
        }
        items.append(item)
    return items


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Plan.objects.all()
    serializer_class = PlanSerializer
    filterset_fields = ["code"]


class StrategicGoalViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = StrategicGoal.objects.select_related("plan").order_by("plan", "number")
    serializer_class = StrategicGoalSerializer
    filterset_fields = ["plan", "number"]


class OperationalGoalViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = OperationalGoal.objects.select_related("strategic_goal")
    serializer_class = OperationalGoalSerializer
    filterset_fields = ["strategic_goal", "code"]


class ActionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ActionSerializer
    filterset_class = ActionFilter

    def get_queryset(self) -> QuerySet[Action]:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reads the model
            return Action.objects.none()
        return actions_with_relations(
            Action.objects.visible_to(api_user(self.request)).select_related("plan")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # The API's busiest call: rows from plain values (action_list_rows), in the same
        # number of queries as the serializer on prefetched actions, several times faster.
        actions = self.filter_queryset(Action.objects.visible_to(api_user(request)))
        values = action_list_values(actions)
        page = self.paginate_queryset(values)
        if page is None:
            return Response(action_list_rows(list(values)))
        return self.get_paginated_response(action_list_rows(page))


class MinisterViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Minister.objects.prefetch_related(
        Prefetch("holders", queryset=PortfolioHolder.objects.order_by("valid_from")),
        Prefetch("administrations", queryset=Administration.objects.only("id", "code")),
    )
    serializer_class = MinisterSerializer


class AdministrationViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Administration.objects.select_related("policy_domain")
    serializer_class = AdministrationSerializer
    filterset_fields = ["code"]
