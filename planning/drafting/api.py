"""Proposals through ``/api/v1/actions/``: the read contract of ``actionplan.api`` plus
``POST`` of a proposal, ``PATCH`` of one with ``If-Match``, and the steps of the cycle
(``accept``, ``return``, ``merge``, ``withdraw``, ``resubmit``, ``cluster``, ``respond``).

Not visible → 404; visible but not allowed → 403; a step the stage does not allow → 409;
bad input → 400; ``PATCH`` without ``If-Match`` → 428, with a stale one → 412. Action
detail responses carry ``ETag: "action-<id>-v<version>"`` and the ``smart`` check.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from actionplan import api_fields
from actionplan.api import ActionSerializer, ActionViewSet, CodedSerializer
from actionplan.api_errors import DomainError
from actionplan.http import api_user
from actionplan.models import (
    Action,
    Administration,
    AttentionPoint,
    CoLeadResponse,
    Minister,
    OperationalGoal,
    RelatedPlan,
    StrategicGoal,
    TargetGroup,
    ViolenceForm,
)
from planning.drafting import selectors, services
from planning.drafting.forms import PROPOSAL_M2M_FIELDS


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = gettext_lazy(
        "Stuur de ETag van het voorstel mee in de header If-Match, zodat je geen wijzigingen "
        "van iemand anders overschrijft. Je vindt de ETag in het antwoord op GET."
    )
    default_code = "precondition_required"


ETAG_PATTERN = re.compile(r'"action-(\d+)-v(\d+)"')


def required_version(request: Request, action: Action) -> int:
    """The version the client last saw, from ``If-Match``: 428 without, 412 when it is no
    ETag of this action. Whether it is still current, the service checks under a lock."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        raise PreconditionRequired()
    versions = {
        int(match[2])
        for tag in parse_etags(header)
        if (match := ETAG_PATTERN.fullmatch(tag)) and int(match[1]) == action.pk
    }
    if len(versions) != 1:
        raise DomainError(412, _("If-Match bevat geen geldige ETag van dit voorstel."))
    return versions.pop()


class CoLeadResponseSerializer(serializers.ModelSerializer):
    administration = CodedSerializer(read_only=True)
    decided_by = serializers.CharField(
        source="decided_by.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = CoLeadResponse
        fields = ["administration", "state", "reason", "decided_by", "decided_at"]


class SmartCriterionSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField(source="label")
    met = serializers.BooleanField()
    missing = serializers.ListField(child=serializers.CharField())


class SmartSerializer(serializers.Serializer):
    """The SMART check (``planning.smart``): an advice per criterion; AJH decides."""

    all_met = serializers.BooleanField()
    criteria = SmartCriterionSerializer(many=True)


class ProposalDetailSerializer(ActionSerializer):
    """One action as the detail shows it: the list's fields plus the proposal's."""

    co_lead_responses = CoLeadResponseSerializer(many=True, read_only=True)
    smart = SmartSerializer(read_only=True)
    etag = serializers.CharField(read_only=True, help_text="Gelijk aan de ETag-header.")

    class Meta(ActionSerializer.Meta):
        fields = [
            *ActionSerializer.Meta.fields,
            "estimated_budget",
            "capacity",
            "stage_reason",
            "merged_into",
            "co_lead_responses",
            "smart",
            "version",
            "etag",
        ]


class ProposalWriteSerializer(serializers.Serializer):
    strategic_goal = serializers.PrimaryKeyRelatedField(queryset=StrategicGoal.objects.all())
    title = api_fields.TextField(multiline=False, max_length=500)
    description = api_fields.TextField(required=False, allow_blank=True)
    lead_minister = serializers.PrimaryKeyRelatedField(
        queryset=Minister.objects.all(), required=False, allow_null=True
    )
    lead_administration = serializers.PrimaryKeyRelatedField(queryset=Administration.objects.all())
    partners = api_fields.TextField(required=False, allow_blank=True)
    start_year = api_fields.YearField()
    start_quarter = serializers.IntegerField(required=False, min_value=1, max_value=4)
    end_year = api_fields.YearField()
    end_quarter = serializers.IntegerField(required=False, min_value=1, max_value=4)
    estimated_budget = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    capacity = api_fields.TextField(required=False, allow_blank=True)
    co_lead_ministers = serializers.PrimaryKeyRelatedField(
        queryset=Minister.objects.all(), many=True, required=False
    )
    co_lead_administrations = serializers.PrimaryKeyRelatedField(
        queryset=Administration.objects.all(), many=True, required=False
    )
    violence_forms = serializers.PrimaryKeyRelatedField(
        queryset=ViolenceForm.objects.all(), many=True, required=False
    )
    target_groups = serializers.PrimaryKeyRelatedField(
        queryset=TargetGroup.objects.all(), many=True, required=False
    )
    attention_points = serializers.SlugRelatedField(
        slug_field="code", queryset=AttentionPoint.objects.all(), many=True, required=False
    )
    related_plans = serializers.SlugRelatedField(
        slug_field="code", queryset=RelatedPlan.objects.all(), many=True, required=False
    )

    def split(self) -> tuple[dict[str, Any], dict[str, Any]]:
        data = dict(self.validated_data)
        m2m = {name: data.pop(name) for name in PROPOSAL_M2M_FIELDS if name in data}
        return data, m2m


class ProposalReasonSerializer(serializers.Serializer):
    reason = api_fields.TextField(required=False, allow_blank=True, default="")


class MergeSerializer(serializers.Serializer):
    into = serializers.PrimaryKeyRelatedField(queryset=Action.objects.all())
    reason = api_fields.TextField(allow_blank=True)
    extend = serializers.BooleanField(default=True)


class ClusterSerializer(serializers.Serializer):
    operational_goal = serializers.PrimaryKeyRelatedField(queryset=OperationalGoal.objects.all())


class RespondSerializer(serializers.Serializer):
    administration = serializers.PrimaryKeyRelatedField(queryset=Administration.objects.all())
    confirm = serializers.BooleanField()
    reason = api_fields.TextField(required=False, allow_blank=True, default="")


ERRORS = {
    400: OpenApiResponse(description="Ongeldige invoer; er is niets gewijzigd."),
    403: OpenApiResponse(description="Je mag dit niet voor dit voorstel."),
    404: OpenApiResponse(description="Dit voorstel bestaat niet of is niet zichtbaar."),
    409: OpenApiResponse(description="Deze stap kan niet vanuit de huidige fase."),
}
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='De ETag uit het laatste antwoord, bv. "action-12-v3". Zonder: 428.',
)


class ProposalViewSet(ActionViewSet):
    """Actions of the plan and proposals on their way into it.

    Ids are numbers: anything else is not found (404), never an error.

    Everyone reads the plan as approved; drafts are read by AJH and their (co-)lead
    administrations. Editors propose for their own administration and change their
    proposals while proposed or returned; co-lead administrations confirm or decline;
    AJH accepts, returns, merges and clusters.
    """

    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if self.action == "list":
            return ActionSerializer
        return ProposalDetailSerializer

    lookup_value_regex = r"\d+"

    def _respond(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        found = selectors.proposal_detail(pk, api_user(self.request))
        return Response(
            ProposalDetailSerializer(found).data, status=code, headers={"ETag": found.etag}
        )

    def _visible(self) -> Action:
        """The action if the user sees it (404 otherwise), without the list's prefetches."""
        return selectors.proposal_detail(int(self.kwargs["pk"]), api_user(self.request))

    @extend_schema(responses={200: ProposalDetailSerializer, 404: ERRORS[404]})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        found = self._visible()
        return Response(ProposalDetailSerializer(found).data, headers={"ETag": found.etag})

    @extend_schema(
        request=ProposalWriteSerializer,
        responses={201: ProposalDetailSerializer, **{k: ERRORS[k] for k in (400, 403)}},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = api_user(request)
        if not (user.is_coordinator or user.is_editor):
            raise exceptions.PermissionDenied(_("Alleen AJH en redacteurs stellen acties voor."))
        form = ProposalWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data, m2m = form.split()
        created = services.proposal_create(user=api_user(request), data=data, m2m=m2m)
        return self._respond(created.pk, status.HTTP_201_CREATED)

    @extend_schema(
        request=ProposalWriteSerializer,
        parameters=[IF_MATCH],
        responses={
            200: ProposalDetailSerializer,
            **ERRORS,
            412: OpenApiResponse(description="If-Match is verouderd."),
            428: OpenApiResponse(description="If-Match ontbreekt."),
        },
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        found = self._visible()
        if not services.can_edit_proposal(api_user(request), found):
            raise exceptions.PermissionDenied(
                _("Je mag enkel voorstellen van je eigen administratie wijzigen.")
            )
        version = required_version(request, found)
        form = ProposalWriteSerializer(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        data, m2m = form.split()
        services.proposal_update(
            action=found,
            user=api_user(request),
            expected_version=version,
            data=data,
            m2m=m2m,
        )
        return self._respond(found.pk)

    def _step(
        self, request: Request, form_class: type[serializers.Serializer], call: Any
    ) -> Response:
        found = self._visible()
        form = form_class(data=request.data)
        form.is_valid(raise_exception=True)
        call(found, api_user(request), form.validated_data)
        return self._respond(found.pk)

    @extend_schema(
        summary="Voorstel aanvaarden (AJH)",
        request=ProposalReasonSerializer,
        responses={200: ProposalDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self._step(
            request,
            ProposalReasonSerializer,
            lambda a, u, d: services.proposal_accept(action=a, user=u, reason=d["reason"]),
        )

    @extend_schema(
        summary="Voorstel terugsturen (AJH, met reden)",
        request=ProposalReasonSerializer,
        responses={200: ProposalDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        return self._step(
            request,
            ProposalReasonSerializer,
            lambda a, u, d: services.proposal_return(action=a, user=u, reason=d["reason"]),
        )

    @extend_schema(
        summary="Voorstel samenvoegen met een ander (AJH, met reden)",
        request=MergeSerializer,
        responses={200: ProposalDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str | None = None) -> Response:
        return self._step(
            request,
            MergeSerializer,
            lambda a, u, d: services.proposal_merge(
                action=a, into=d["into"], user=u, reason=d["reason"], extend=d["extend"]
            ),
        )

    @extend_schema(
        summary="Voorstel intrekken",
        request=ProposalReasonSerializer,
        responses={200: ProposalDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        return self._step(
            request,
            ProposalReasonSerializer,
            lambda a, u, d: services.proposal_withdraw(action=a, user=u, reason=d["reason"]),
        )

    @extend_schema(
        summary="Teruggestuurd voorstel opnieuw indienen",
        request=ProposalReasonSerializer,
        responses={200: ProposalDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def resubmit(self, request: Request, pk: str | None = None) -> Response:
        return self._step(
            request,
            ProposalReasonSerializer,
            lambda a, u, d: services.proposal_resubmit(action=a, user=u, reason=d["reason"]),
        )

    @extend_schema(
        summary="Aanvaarde actie clusteren (AJH)",
        request=ClusterSerializer,
        responses={200: ProposalDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def cluster(self, request: Request, pk: str | None = None) -> Response:
        return self._step(
            request,
            ClusterSerializer,
            lambda a, u, d: services.proposal_cluster(
                action=a, operational_goal=d["operational_goal"], user=u
            ),
        )

    @extend_schema(
        summary="Antwoord van een meewerkende administratie",
        request=RespondSerializer,
        responses={200: ProposalDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def respond(self, request: Request, pk: str | None = None) -> Response:
        return self._step(
            request,
            RespondSerializer,
            lambda a, u, d: services.co_lead_respond(
                action=a,
                administration=d["administration"],
                user=u,
                confirm=d["confirm"],
                reason=d["reason"],
            ),
        )
