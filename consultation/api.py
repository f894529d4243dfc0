"""REST API of meetings, follow-up items and stakeholder input.

Writes go through ``consultation.services``; a meeting or item outside the caller's scope
is 404 (the scoped queryset), visible but not allowed is 403 (the services).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter
from rest_framework.views import APIView

from actionplan import api_fields
from actionplan.http import api_user
from actionplan.models import (
    Action,
    Administration,
    OperationalGoal,
    StrategicGoal,
    ViolenceForm,
)
from actionplan.parsers import FormParser, JSONParser, MultiPartParser
from actionplan.selectors import plan_current
from consultation import selectors, services
from consultation.models import (
    Consultation,
    ConsultationState,
    EvaluationKind,
    FollowUp,
    FollowUpState,
    StakeholderInput,
)


def _body(request: Request) -> dict[str, Any]:
    data = request.data
    if isinstance(data, QueryDict):
        return data.dict()
    return dict(data) if isinstance(data, dict) else {}


class FollowUpSerializer(serializers.ModelSerializer):
    owner: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    actions: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "consultation",
            "description",
            "owner",
            "due_date",
            "state",
            "note",
            "actions",
            "updated_at",
        ]
        read_only_fields = fields


class FollowUpWriteSerializer(serializers.Serializer):
    """AJH's follow-up item; ``owner`` is an administration's code (empty: AJH)."""

    consultation = serializers.PrimaryKeyRelatedField(queryset=Consultation.objects.all())
    description = api_fields.TextField()
    owner = serializers.SlugRelatedField(
        slug_field="code", queryset=Administration.objects.all(), required=False, allow_null=True
    )
    due_date = serializers.DateField(required=False, allow_null=True)
    state = serializers.ChoiceField(choices=FollowUpState.choices, default=FollowUpState.OPEN)
    note = api_fields.TextField(required=False, allow_blank=True, default="")
    actions = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Action.objects.in_plan(), required=False
    )


class FollowUpStateSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=FollowUpState.choices)
    note = api_fields.TextField(required=False, allow_blank=True, default="")


class ConsultationSerializer(api_fields.ModelSerializer):
    plan: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    administrations = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Administration.objects.all(), required=False
    )
    actions = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Action.objects.in_plan(), required=False
    )
    strategic_goals = serializers.PrimaryKeyRelatedField(
        many=True, queryset=StrategicGoal.objects.all(), required=False
    )
    operational_goals = serializers.PrimaryKeyRelatedField(
        many=True, queryset=OperationalGoal.objects.all(), required=False
    )
    state = serializers.ChoiceField(choices=ConsultationState.choices, default="planned")

    class Meta:
        model = Consultation
        fields = [
            "id",
            "plan",
            "date",
            "kind",
            "title",
            "state",
            "administrations",
            "other_participants",
            "agenda",
            "minutes",
            "decisions",
            "actions",
            "strategic_goals",
            "operational_goals",
            "is_demo",
        ]
        read_only_fields = ["id", "plan", "is_demo"]

    def to_data(self) -> services.ConsultationData:
        v = self.validated_data
        return services.ConsultationData(
            date=v["date"],
            kind=v["kind"],
            title=v["title"],
            state=v["state"],
            other_participants=v.get("other_participants", ""),
            agenda=v.get("agenda", ""),
            minutes=v.get("minutes", ""),
            decisions=v.get("decisions", ""),
            administrations=v.get("administrations", []),
            actions=v.get("actions", []),
            strategic_goals=v.get("strategic_goals", []),
            operational_goals=v.get("operational_goals", []),
        )


class ConsultationDetailSerializer(ConsultationSerializer):
    follow_ups = FollowUpSerializer(many=True, read_only=True)

    class Meta(ConsultationSerializer.Meta):
        fields = [*ConsultationSerializer.Meta.fields, "follow_ups"]


class ConsultationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Meetings (*overlegmomenten*). AJH reads and writes all; an editor reads those in
    which their administration took part. Meetings are cancelled (``state``), not deleted."""

    filterset_fields = ["kind", "state"]

    def get_queryset(self) -> QuerySet[Consultation]:
        if getattr(self, "swagger_fake_view", False):
            return Consultation.objects.none()
        queryset = selectors.consultation_list(api_user(self.request))
        if self.action != "list":
            queryset = queryset.prefetch_related(
                "actions",
                "strategic_goals",
                "operational_goals",
                "follow_ups__owner",
                "follow_ups__actions",
            )
        else:
            queryset = queryset.prefetch_related("actions", "strategic_goals", "operational_goals")
        return queryset

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return ConsultationSerializer if self.action == "list" else ConsultationDetailSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = ConsultationSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        created = services.consultation_create(
            plan=plan_current(request.query_params.get("plan")),
            user=api_user(request),
            data=form.to_data(),
        )
        return Response(
            ConsultationDetailSerializer(self.get_queryset().get(pk=created.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        meeting = self.get_object()
        # PUT and PATCH alike: what is not sent keeps its value.
        current = ConsultationSerializer(meeting).data
        merged = ConsultationSerializer(meeting, data={**current, **_body(request)})
        merged.is_valid(raise_exception=True)
        services.consultation_update(
            consultation=meeting, user=api_user(request), data=merged.to_data()
        )
        return Response(ConsultationDetailSerializer(self.get_queryset().get(pk=meeting.pk)).data)


class FollowUpViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Follow-up items of the meetings the caller sees. AJH adds them (POST); the owner
    administration's editor (and AJH) PATCHes ``state`` and ``note``."""

    serializer_class = FollowUpSerializer
    filterset_fields = ["state", "consultation", "owner"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[FollowUp]:
        if getattr(self, "swagger_fake_view", False):
            return FollowUp.objects.none()
        return selectors.follow_ups(api_user(self.request))

    @extend_schema(request=FollowUpWriteSerializer, responses={201: FollowUpSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = api_user(request)
        form = FollowUpWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        meeting = selectors.consultation_detail(data.pop("consultation").pk, user)
        created = services.follow_up_create(
            consultation=meeting,
            user=user,
            data=services.FollowUpData(**{**data, "actions": data.get("actions", [])}),
        )
        return Response(
            FollowUpSerializer(self.get_queryset().get(pk=created.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=FollowUpStateSerializer, responses={200: FollowUpSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        item = self.get_object()
        form = FollowUpStateSerializer(
            data={"state": item.state, "note": item.note, **_body(request)}
        )
        form.is_valid(raise_exception=True)
        services.follow_up_set_state(
            follow_up=item,
            user=api_user(request),
            state=form.validated_data["state"],
            note=form.validated_data["note"],
        )
        return Response(FollowUpSerializer(self.get_queryset().get(pk=item.pk)).data)


class IsCoordinator(permissions.BasePermission):
    message = "Inbreng van organisaties is voor AJH."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(getattr(request.user, "is_coordinator", False))


class StakeholderInputSerializer(api_fields.ModelSerializer):
    plan: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    strategic_goals = serializers.PrimaryKeyRelatedField(
        many=True, queryset=StrategicGoal.objects.all(), required=False
    )
    violence_forms = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=ViolenceForm.objects.all(), required=False
    )
    attachments = serializers.SerializerMethodField()
    evaluation_kind = serializers.ChoiceField(choices=EvaluationKind.choices)
    evaluation_year = api_fields.YearField()
    confirmed = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="Bevestigt dat tekst die op persoonsgegevens lijkt, er geen bevat.",
    )

    class Meta:
        model = StakeholderInput
        fields = [
            "id",
            "plan",
            "evaluation_kind",
            "evaluation_year",
            "organisation",
            "topic",
            "text",
            "strategic_goals",
            "violence_forms",
            "consent_to_cite",
            "source",
            "received_at",
            "attachments",
            "confirmed",
            "is_demo",
        ]
        read_only_fields = ["id", "plan", "source", "received_at", "is_demo"]

    def get_attachments(self, obj: StakeholderInput) -> list[dict[str, Any]]:
        return [
            {"id": a.id, "name": a.original_name, "size": a.size} for a in obj.attachments.all()
        ]


class StakeholderInputViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Written input of organisations for an evaluation: AJH only. Create takes JSON, or
    multipart with PDF files under ``attachments``."""

    serializer_class = StakeholderInputSerializer
    permission_classes = [permissions.IsAuthenticated, IsCoordinator]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_fields = ["evaluation_kind", "evaluation_year", "consent_to_cite"]

    def get_queryset(self) -> QuerySet[StakeholderInput]:
        if getattr(self, "swagger_fake_view", False):
            return StakeholderInput.objects.none()
        return selectors.stakeholder_inputs(api_user(self.request))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = StakeholderInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        v = form.validated_data
        created = services.stakeholder_input_create(
            plan=plan_current(request.query_params.get("plan")),
            user=api_user(request),
            evaluation_kind=v["evaluation_kind"],
            evaluation_year=v["evaluation_year"],
            data=services.InputData(
                organisation=v["organisation"],
                topic=v["topic"],
                text=v["text"],
                consent_to_cite=v.get("consent_to_cite", False),
                strategic_goals=v.get("strategic_goals", []),
                violence_forms=v.get("violence_forms", []),
                attachments=request.FILES.getlist("attachments"),
                confirmed=v["confirmed"],
            ),
        )
        return Response(
            StakeholderInputSerializer(self.get_queryset().get(pk=created.pk)).data,
            status=status.HTTP_201_CREATED,
        )


def register(router: BaseRouter) -> None:
    router.register("consultations", ConsultationViewSet, basename="consultation")
    router.register("follow-ups", FollowUpViewSet, basename="follow-up")
    router.register("stakeholder-inputs", StakeholderInputViewSet, basename="stakeholder-input")
