"""REST API of reporting rounds and fiches.

Every write goes through ``fiches.services``; this module only translates HTTP into service
calls and service errors into status codes:

- not visible → 404, visible but not allowed → 403 (with the service's Dutch message),
- an illegal workflow step → 409, bad input → 400, a stale ``If-Match`` → 412,
- ``PUT``/``PATCH`` of a fiche without ``If-Match`` → 428.

Fiche responses carry ``ETag: "fiche-<id>-v<version>"``. The version in ``If-Match`` is
handed to the service, which compares it with the locked row, so that two people saving at
the same moment never silently overwrite each other.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Model, Prefetch, Q, QuerySet
from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter
from rest_framework.views import APIView

from actionplan import api_fields
from actionplan.api_errors import DomainError
from actionplan.filters import FilterSet, YearFilter
from actionplan.http import api_user
from actionplan.models import Action, Administration, Plan
from actionplan.selectors import plan_current
from actionplan.texts import text_field
from fiches import services
from fiches.models import Fiche, FicheState, ProgressStatus, ReportingRound
from indicators.models import IndicatorValue
from indicators.numbers import ApiNumberField

# --- Errors ----------------------------------------------------------------------------
# Service exceptions become responses in actionplan.api_errors (the project's DRF exception
# handler): PermissionDenied 403, ValidationError 400, WorkflowError 409, FicheConflict 412.


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = gettext_lazy(
        "Stuur de ETag van de fiche mee in de header If-Match, zodat je geen wijzigingen "
        "van iemand anders overschrijft. Je vindt de ETag in het antwoord op GET."
    )
    default_code = "precondition_required"


class IsCoordinator(permissions.BasePermission):
    message = gettext_lazy("Alleen de coördinator mag dit doen.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(getattr(request.user, "is_coordinator", False))


class IsReviewer(IsCoordinator):
    message = gettext_lazy("Alleen de coördinator beoordeelt fiches.")


class IsRoundOpener(IsCoordinator):
    message = gettext_lazy("Alleen de coördinator opent een rapporteringsronde.")


ERROR_RESPONSES: dict[int, OpenApiResponse] = {
    400: OpenApiResponse(description="Ongeldige invoer; er is niets gewijzigd."),
    403: OpenApiResponse(description="Je mag dit niet voor deze fiche."),
    404: OpenApiResponse(description="Deze fiche bestaat niet of is niet zichtbaar."),
    409: OpenApiResponse(description="Deze stap kan niet vanuit de huidige status."),
    412: OpenApiResponse(description="If-Match is verouderd: de fiche is intussen gewijzigd."),
}
ETAG_HEADER = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200],
    description='Versie van de fiche, bv. "fiche-12-v3"; stuur ze terug in If-Match.',
)


# --- Reporting rounds ------------------------------------------------------------------


class ReportingRoundSerializer(serializers.ModelSerializer):
    plan: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    fiche_count = serializers.IntegerField(read_only=True)
    submitted_count = serializers.IntegerField(read_only=True)
    approved_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ReportingRound
        fields = [
            "id",
            "plan",
            "year",
            "opens_on",
            "deadline",
            "status",
            "fiche_count",
            "submitted_count",
            "approved_count",
        ]


class RoundOpenSerializer(serializers.Serializer):
    plan = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Plan.objects.all(),
        required=False,
        help_text="Code van het actieplan; standaard het meest recente.",
    )
    year = api_fields.YearField()
    deadline = serializers.DateField()


class RoundOpenedSerializer(ReportingRoundSerializer):
    created_fiches = serializers.IntegerField(
        read_only=True, help_text="Aantal fiches dat deze oproep aanmaakte (0 bij herhalen)."
    )

    class Meta(ReportingRoundSerializer.Meta):
        fields = [*ReportingRoundSerializer.Meta.fields, "created_fiches"]


@extend_schema_view(
    create=extend_schema(
        summary="Rapporteringsronde openen (coördinator)",
        description=(
            "Opent de ronde van een jaar en maakt één fiche per lopende actie. Herhalen maakt "
            "enkel ontbrekende fiches aan en kan de deadline verschuiven: 201 als de ronde "
            "nieuw is, anders 200."
        ),
        request=RoundOpenSerializer,
        responses={
            201: RoundOpenedSerializer,
            200: RoundOpenedSerializer,
            400: ERROR_RESPONSES[400],
            403: OpenApiResponse(description="Alleen de coördinator opent een ronde."),
        },
    )
)
class ReportingRoundViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Reporting rounds (*rapporteringsrondes*): every internal user reads them."""

    serializer_class = ReportingRoundSerializer
    filterset_fields = ["year", "status"]

    def get_permissions(self) -> Sequence[Any]:
        if self.action == "create":
            return [permissions.IsAuthenticated(), IsRoundOpener()]
        return super().get_permissions()

    def get_queryset(self) -> QuerySet[ReportingRound]:
        return (
            ReportingRound.objects.select_related("plan")
            .annotate(
                fiche_count=Count("fiches"),
                submitted_count=Count("fiches", filter=Q(fiches__state=FicheState.SUBMITTED)),
                approved_count=Count("fiches", filter=Q(fiches__state=FicheState.APPROVED)),
            )
            .order_by("-year", "plan__code", "pk")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = RoundOpenSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        plan = form.validated_data.get("plan") or plan_current()
        year = form.validated_data["year"]
        # Only for the status code: the service itself is idempotent.
        existed = ReportingRound.objects.filter(plan=plan, year=year).exists()
        rnd, created = services.round_open(
            plan=plan, year=year, deadline=form.validated_data["deadline"], user=api_user(request)
        )
        row = self.get_queryset().get(pk=rnd.pk)
        row.created_fiches = created  # type: ignore[attr-defined]
        data = RoundOpenedSerializer(row).data
        if existed:
            return Response(data, status=status.HTTP_200_OK)
        location = self.reverse_action("detail", args=[rnd.pk])
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": location})


# --- Fiches ----------------------------------------------------------------------------


class AdministrationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class FicheActionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    lead_administration = AdministrationRefSerializer(read_only=True, allow_null=True)
    co_lead_administrations = AdministrationRefSerializer(many=True, read_only=True)


class FicheSerializer(serializers.ModelSerializer):
    action = FicheActionSerializer(read_only=True)
    updated_by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    etag = serializers.CharField(read_only=True, help_text="Gelijk aan de ETag-header.")
    can_edit = serializers.BooleanField(
        read_only=True, help_text="Jij mag de inhoud nu wijzigen en indienen."
    )
    can_contribute = serializers.BooleanField(
        read_only=True, help_text="Je administratie werkt mee en mag een bijdrage schrijven."
    )
    can_review = serializers.BooleanField(
        read_only=True, help_text="Jij mag goedkeuren, terugsturen en heropenen."
    )
    progress_status = api_fields.OptionalChoiceField(
        choices=ProgressStatus.choices, read_only=True, help_text="Null: nog niet ingevuld."
    )

    class Meta:
        model = Fiche
        fields = [
            "id",
            "action",
            "year",
            "round",
            "state",
            "goal",
            "approach",
            "status_update",
            "obstacles",
            "next_steps",
            "progress_status",
            "review_reason",
            "version",
            "etag",
            "updated_at",
            "updated_by",
            "submitted_at",
            "approved_at",
            "can_edit",
            "can_contribute",
            "can_review",
        ]
        read_only_fields = fields


DECIMAL: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


def limited_text_field(model: type[Model], name: str, **kwargs: Any) -> serializers.CharField:
    """A model's text with a maximum length: refused with 400 and the model's own message
    ("Maximaal 10.000 tekens (nu 212.000)."), published as ``maxLength`` in the schema."""
    return api_fields.TextField(
        allow_blank=True, validators=list(text_field(model, name).validators), **kwargs
    )


class IndicatorValueInputSerializer(serializers.Serializer):
    indicator = serializers.IntegerField(help_text="Id van een indicator van deze actie.")
    value = ApiNumberField(
        **DECIMAL,
        allow_null=True,
        required=False,
        help_text=(
            "Het getal (kwantitatieve indicator); leeg bij 'geen gegevens'. Als tekst mag "
            "ook de Vlaamse schrijfwijze: '1.234,5'."
        ),
    )
    no_data = serializers.BooleanField(required=False, help_text="Er zijn geen gegevens.")
    no_data_reason = api_fields.TextField(
        multiline=False,
        allow_blank=True,
        required=False,
        max_length=500,
        help_text="Verplicht bij no_data.",
    )
    assessment = limited_text_field(
        IndicatorValue,
        "assessment",
        required=False,
        help_text="Beoordeling (kwalitatieve indicator).",
    )
    breakdown = serializers.DictField(
        child=ApiNumberField(**DECIMAL, allow_null=True),
        allow_null=True,
        required=False,
        help_text="Uitsplitsing, bv. {'female': 12, 'male': 5}, als de indicator die kent.",
    )


class FicheWriteSerializer(serializers.Serializer):
    """The content of a fiche; ``PUT`` sends all six fields, ``PATCH`` only what changes."""

    goal = limited_text_field(Fiche, "goal")
    approach = limited_text_field(Fiche, "approach")
    status_update = limited_text_field(Fiche, "status_update")
    obstacles = limited_text_field(Fiche, "obstacles")
    next_steps = limited_text_field(Fiche, "next_steps")
    progress_status = api_fields.OptionalChoiceField(
        choices=ProgressStatus.choices, help_text="Null (of leeg): nog niet ingevuld."
    )
    indicator_values = IndicatorValueInputSerializer(
        many=True,
        required=False,
        help_text=(
            "Metingen van dit jaar, bewaard samen met de fiche. Een meting vervangt de "
            "bestaande meting van die indicator volledig."
        ),
    )
    confirm_outliers = serializers.BooleanField(
        required=False,
        default=False,
        help_text=(
            "Een meting die meer dan een factor tien verschilt van de goedgekeurde meting "
            "van vorig jaar wordt geweigerd (400), tenzij je hiermee bevestigt dat ze klopt."
        ),
    )
    confirm_privacy = serializers.BooleanField(
        required=False,
        default=False,
        help_text=(
            "Tekst die op persoonsgegevens lijkt (e-mailadres, telefoonnummer, "
            "rijksregisternummer) wordt geweigerd (400), tenzij je hiermee bevestigt dat het "
            "geen persoonsgegevens van slachtoffers of plegers zijn."
        ),
    )

    def validate_indicator_values(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        ids = [item["indicator"] for item in items]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError(_("Geef elke indicator maar één keer op."))
        return items


class ReasonSerializer(serializers.Serializer):
    reason = api_fields.TextField(
        max_length=5000,
        error_messages={
            "required": gettext_lazy("Geef een reden op."),
            "blank": gettext_lazy("Geef een reden op."),
            "null": gettext_lazy("Geef een reden op."),
        },
        help_text="Waarom de fiche teruggaat; de redacteur ziet deze reden.",
    )


class FicheSubmitErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    missing = serializers.ListField(child=serializers.CharField())


class FicheFilter(FilterSet):
    year = YearFilter(label=gettext_lazy("Jaar"))
    state = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=FicheState.choices)
    administration = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Administratie (id), trekkend of meewerkend"),
        queryset=Administration.objects.only("id"),
        method="filter_administration",
    )
    action = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Actie (id)"), queryset=Action.objects.only("id")
    )

    class Meta:
        model = Fiche
        fields = ["year", "state", "administration", "action"]

    def filter_administration(
        self, queryset: QuerySet[Fiche], name: str, value: Administration
    ) -> QuerySet[Fiche]:
        actions = Action.objects.led_or_co_led_by_administration(value)
        return queryset.filter(action__in=actions.values("pk"))


def _fiche_content(
    data: dict[str, Any],
) -> tuple[dict[str, Any], list[services.IndicatorValueInput]]:
    data = dict(data)
    data.pop("confirm_privacy", None)
    data.pop("confirm_outliers", None)
    values = [
        services.IndicatorValueInput(
            indicator_id=item["indicator"],
            value=item.get("value"),
            no_data=item.get("no_data", False),
            no_data_reason=item.get("no_data_reason", ""),
            assessment=item.get("assessment", ""),
            breakdown=item.get("breakdown"),
        )
        for item in data.pop("indicator_values", [])
    ]
    return data, values


ETAG_PATTERN = re.compile(r'"fiche-(\d+)-v(\d+)"')


def required_version(request: Request, fiche: Fiche) -> int:
    """``expected_version``, which a write must send: 428 without it."""
    version = expected_version(request, fiche)
    if version is None:
        raise PreconditionRequired()
    return version


def expected_version(request: Request, fiche: Fiche) -> int | None:
    """The fiche version the client last saw, from ``If-Match`` (None: not sent).

    Not a (strong) ETag of this fiche: 412. Whether the version is still the current one
    is checked by the service, under a row lock.
    """
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        # "*" would match any version and so protect nothing.
        return None
    versions = set()
    for tag in parse_etags(header):
        match = ETAG_PATTERN.fullmatch(tag)
        if match and int(match[1]) == fiche.pk:
            versions.add(int(match[2]))
    if len(versions) != 1:
        raise DomainError(412, _("If-Match bevat geen geldige ETag van deze fiche."))
    return versions.pop()


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='De ETag uit het laatste antwoord, bv. "fiche-12-v3". Zonder: 428.',
)
IF_MATCH_OPTIONAL = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Optioneel: dien enkel in als de fiche nog deze versie heeft (anders 412).",
)
WRITE_RESPONSES = {
    200: FicheSerializer,
    **ERROR_RESPONSES,
    428: OpenApiResponse(description="If-Match ontbreekt."),
}
REVIEW_RESPONSES = {200: FicheSerializer, **{k: ERROR_RESPONSES[k] for k in (403, 404, 409)}}
REASON_RESPONSES = {**REVIEW_RESPONSES, 400: ERROR_RESPONSES[400]}


@extend_schema_view(
    list=extend_schema(
        parameters=[
            # The filter's method hides the type from drf-spectacular.
            OpenApiParameter(
                "administration",
                OpenApiTypes.INT,
                description="Administratie (id), trekkend of meewerkend.",
            )
        ]
    ),
    retrieve=extend_schema(parameters=[ETAG_HEADER]),
    update=extend_schema(
        request=FicheWriteSerializer, responses=WRITE_RESPONSES, parameters=[IF_MATCH, ETAG_HEADER]
    ),
    partial_update=extend_schema(
        request=FicheWriteSerializer, responses=WRITE_RESPONSES, parameters=[IF_MATCH, ETAG_HEADER]
    ),
)
class FicheViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Yearly action fiches (*actiefiches*) with their review workflow.

    Every internal user reads every fiche. The lead administration's editors (and the
    coordinator) change the content of a draft or returned fiche and submit it; the
    coordinator approves, returns or reopens. Indicator values of the fiche's year are
    saved with the fiche (``indicator_values``); read them at ``/api/v1/indicator-values/``.
    """

    serializer_class = FicheSerializer
    filterset_class = FicheFilter

    def get_queryset(self) -> QuerySet[Fiche]:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reads the model
            return Fiche.objects.none()
        user = api_user(self.request)
        return (
            Fiche.objects.visible_to(user)
            .with_permissions(user)
            .select_related("action__lead_administration", "updated_by")
            .prefetch_related(
                Prefetch(
                    "action__co_lead_administrations",
                    queryset=Administration.objects.only("id", "code", "name"),
                )
            )
            .order_by(*Fiche._meta.ordering or (), "pk")
        )

    def _respond(self, pk: int) -> Response:
        fiche = self.get_queryset().get(pk=pk)
        return Response(self.get_serializer(fiche).data, headers={"ETag": fiche.etag})

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        fiche = self.get_object()
        return Response(self.get_serializer(fiche).data, headers={"ETag": fiche.etag})

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        fiche = self.get_object()
        version = required_version(request, fiche)
        form = FicheWriteSerializer(data=request.data, partial=kwargs.get("partial", False))
        form.is_valid(raise_exception=True)
        data, values = _fiche_content(form.validated_data)
        # Strict on purpose: a stale If-Match is a 412, never the page's three-way merge
        # (fiche_save_merging). An API client has no conflict page to choose on; it reloads,
        # compares with the ETag of the current version and sends again.
        services.fiche_save(
            fiche=fiche,
            user=api_user(request),
            expected_version=version,
            data=data,
            values=values,
            confirm_privacy=form.validated_data.get("confirm_privacy", False),
            confirm_outliers=form.validated_data.get("confirm_outliers", False),
        )
        return self._respond(fiche.pk)

    @extend_schema(
        summary="Fiche indienen",
        description=(
            "Dient een ontwerp of teruggestuurde fiche in. Onvolledig: 400 met de lijst van "
            "wat nog ontbreekt in `missing`."
        ),
        request=None,
        parameters=[IF_MATCH_OPTIONAL, ETAG_HEADER],
        responses={
            **REVIEW_RESPONSES,
            400: OpenApiResponse(FicheSubmitErrorSerializer, description="Nog onvolledig."),
            412: ERROR_RESPONSES[412],
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        fiche = self.get_object()
        version = expected_version(request, fiche)
        try:
            services.fiche_submit(fiche=fiche, user=api_user(request), expected_version=version)
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(
                {"detail": _("De fiche is nog niet volledig."), "missing": exc.messages}
            ) from exc
        return self._respond(fiche.pk)

    @extend_schema(
        summary="Fiche goedkeuren (coördinator)",
        request=None,
        parameters=[ETAG_HEADER],
        responses=REVIEW_RESPONSES,
    )
    @action(
        detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated, IsReviewer]
    )
    def approve(self, request: Request, pk: str | None = None) -> Response:
        fiche = self.get_object()
        services.fiche_approve(fiche=fiche, user=api_user(request))
        return self._respond(fiche.pk)

    @extend_schema(
        summary="Fiche terugsturen (coördinator, met reden)",
        request=ReasonSerializer,
        parameters=[ETAG_HEADER],
        responses=REASON_RESPONSES,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="return",
        url_name="return",
        permission_classes=[permissions.IsAuthenticated, IsReviewer],
    )
    def return_(self, request: Request, pk: str | None = None) -> Response:
        fiche = self.get_object()
        form = ReasonSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.fiche_return(
            fiche=fiche, user=api_user(request), reason=form.validated_data["reason"]
        )
        return self._respond(fiche.pk)

    @extend_schema(
        summary="Goedgekeurde fiche heropenen (coördinator, met reden)",
        request=ReasonSerializer,
        parameters=[ETAG_HEADER],
        responses=REASON_RESPONSES,
    )
    @action(
        detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated, IsReviewer]
    )
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        fiche = self.get_object()
        form = ReasonSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.fiche_reopen(
            fiche=fiche, user=api_user(request), reason=form.validated_data["reason"]
        )
        return self._respond(fiche.pk)


def register(router: BaseRouter) -> None:
    router.register("reporting-rounds", ReportingRoundViewSet, basename="reporting-round")
    router.register("fiches", FicheViewSet, basename="fiche")
