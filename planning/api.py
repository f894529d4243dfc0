"""REST API of plan versions and change requests.

Writes go through ``planning.services``; service errors become responses in
``actionplan.api_errors``: not visible → 404, visible but not allowed → 403, a step not
allowed from the current state → 409, bad input → 400.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from actionplan import api_fields
from actionplan.http import api_user
from actionplan.models import Action, Plan
from actionplan.schema import errors
from actionplan.selectors import plan_current
from planning import selectors, services, snapshots
from planning.models import ChangeKind, ChangeRequest, PlanVersion


class PlanVersionSerializer(serializers.ModelSerializer):
    plan: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = PlanVersion
        fields = [
            "id",
            "plan",
            "number",
            "state",
            "note",
            "decision_date",
            "decision_reference",
            "content_sha256",
            "created_at",
            "submitted_at",
            "approved_at",
        ]


class PlanVersionDetailSerializer(PlanVersionSerializer):
    class Meta(PlanVersionSerializer.Meta):
        fields = [*PlanVersionSerializer.Meta.fields, "content"]


class PlanVersionCreateSerializer(serializers.Serializer):
    plan = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Plan.objects.all(),
        required=False,
        help_text="Code van het actieplan; standaard het meest recente.",
    )
    note = api_fields.TextField(required=False, allow_blank=True, default="")


class DecisionSerializer(serializers.Serializer):
    decision_date = serializers.DateField(
        error_messages={"required": gettext_lazy("Geef de datum van de beslissing op.")}
    )
    decision_reference = api_fields.TextField(
        multiline=False,
        max_length=200,
        error_messages={
            "required": gettext_lazy("Geef de referentie van de beslissing op."),
            "blank": gettext_lazy("Geef de referentie van de beslissing op."),
        },
    )


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField(source="label", help_text="Het gewijzigde gegeven.")
    old = serializers.CharField()
    new = serializers.CharField()


class ActionChangeSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    changes = ChangeSerializer(many=True)


class SnapshotActionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(allow_blank=True)
    title = serializers.CharField()


class ComparisonSerializer(serializers.Serializer):
    actions_added = SnapshotActionSerializer(many=True)
    actions_removed = SnapshotActionSerializer(many=True)
    actions_changed = ActionChangeSerializer(many=True)
    goals_added = serializers.ListField(child=serializers.CharField())
    goals_removed = serializers.ListField(child=serializers.CharField())


def _content(version: PlanVersion) -> dict[str, Any]:
    return version.content if version.content is not None else services.version_content(version)


class PlanVersionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Versions of the plan: AJH prepares one (draft), submits it (its content and SHA-256
    are taken), and records the approval by the Vlaamse Regering. Everyone signed in reads
    them; an approved version never changes."""

    filterset_fields = ["state", "number"]

    def get_queryset(self) -> QuerySet[PlanVersion]:
        queryset = PlanVersion.objects.select_related("plan").order_by("plan", "-number")
        if self.action == "list":
            queryset = queryset.defer("content")
        return queryset

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return PlanVersionDetailSerializer if self.action == "retrieve" else PlanVersionSerializer

    @extend_schema(
        request=PlanVersionCreateSerializer, responses={201: PlanVersionSerializer, **errors(409)}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = PlanVersionCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        plan = form.validated_data.get("plan") or plan_current()
        version = services.plan_version_create(
            plan=plan, user=api_user(request), note=form.validated_data["note"]
        )
        return Response(PlanVersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: PlanVersionSerializer, **errors(409)})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        version = services.plan_version_submit(version=self.get_object(), user=api_user(request))
        return Response(PlanVersionSerializer(version).data)

    @extend_schema(
        request=DecisionSerializer, responses={200: PlanVersionSerializer, **errors(409)}
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        version = self.get_object()
        if not api_user(request).is_coordinator:
            raise exceptions.PermissionDenied(
                _("Alleen AJH registreert de goedkeuring van een planversie.")
            )
        form = DecisionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        version = services.plan_version_approve(
            version=version, user=api_user(request), **form.validated_data
        )
        return Response(PlanVersionSerializer(version).data)

    @extend_schema(
        parameters=[OpenApiParameter("with", OpenApiTypes.INT, required=True)],
        responses=ComparisonSerializer,
    )
    @action(detail=True, methods=["get"])
    def compare(self, request: Request, pk: str | None = None) -> Response:
        version = self.get_object()
        other_id = request.query_params.get("with", "")
        if not (other_id.isascii() and other_id.isdigit()):
            raise exceptions.ValidationError(
                {"with": [_("Geef de versie op om mee te vergelijken.")]}
            )
        other = get_object_or_404(PlanVersion.objects.filter(plan=version.plan), pk=other_id)
        comparison = snapshots.compare(_content(version), _content(other))
        return Response(ComparisonSerializer(comparison).data)


class ChangeRequestSerializer(serializers.ModelSerializer):
    action_code = serializers.CharField(source="action.code", read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    decided_by = serializers.CharField(
        source="decided_by.username", read_only=True, allow_null=True, default=None
    )
    version = serializers.IntegerField(
        source="version.number", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "action",
            "action_code",
            "kind",
            "reason",
            "proposed",
            "state",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "version",
        ]


class ChangeRequestCreateSerializer(serializers.Serializer):
    action = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ChangeKind.choices)
    reason = api_fields.TextField(
        error_messages={"blank": gettext_lazy("Geef de reden van de wijziging op.")}
    )
    proposed = serializers.DictField(required=False, default=dict)


class DecisionNoteSerializer(serializers.Serializer):
    note = api_fields.TextField(required=False, allow_blank=True, default="")


class RejectionSerializer(serializers.Serializer):
    reason = api_fields.TextField(
        error_messages={
            "required": gettext_lazy("Geef de reden van de afwijzing op."),
            "blank": gettext_lazy("Geef de reden van de afwijzing op."),
        }
    )


class ChangeRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Change requests (*wijzigingsverzoeken*) of actions of the approved plan. Editors
    see and file those of the actions their administration leads; AJH sees all and
    approves (the change is applied as an adjustment) or rejects with a reason."""

    serializer_class = ChangeRequestSerializer
    filterset_fields = ["state", "kind", "action"]

    def get_queryset(self) -> QuerySet[ChangeRequest]:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reads the model
            return ChangeRequest.objects.none()
        return selectors.change_requests(api_user(self.request))

    @extend_schema(request=ChangeRequestCreateSerializer, responses={201: ChangeRequestSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = api_user(request)
        form = ChangeRequestCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        target = Action.objects.visible_to(user).filter(pk=data["action"]).first()
        if target is None:
            raise exceptions.ValidationError({"action": [_("Deze actie bestaat niet.")]})
        created = services.change_request_create(
            action=target,
            user=user,
            kind=data["kind"],
            reason=data["reason"],
            proposed=data["proposed"],
        )
        return Response(
            self.get_serializer(self.get_queryset().get(pk=created.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=DecisionNoteSerializer, responses={200: ChangeRequestSerializer, **errors(409)}
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        found = self.get_object()
        form = DecisionNoteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.change_request_approve(
            request=found, user=api_user(request), note=form.validated_data["note"]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=found.pk)).data)

    @extend_schema(
        request=RejectionSerializer, responses={200: ChangeRequestSerializer, **errors(409)}
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        found = self.get_object()
        if not api_user(request).is_coordinator:
            raise exceptions.PermissionDenied(_("Alleen AJH beslist over wijzigingsverzoeken."))
        form = RejectionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.change_request_reject(
            request=found, user=api_user(request), reason=form.validated_data["reason"]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=found.pk)).data)


def register(router: BaseRouter) -> None:
    router.register("plan-versions", PlanVersionViewSet, basename="plan-version")
    router.register("change-requests", ChangeRequestViewSet, basename="change-request")
