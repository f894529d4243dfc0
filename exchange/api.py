"""Spreadsheet exchange in the API: exports, imports and import jobs."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    inline_serializer,
)
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from actionplan.api_errors import DomainError
from actionplan.http import api_user
from actionplan.parsers import FormParser, MultiPartParser
from actionplan.schema import ValidationErrorSerializer, errors
from actionplan.selectors import plan_current
from exchange import exports, run, services
from exchange.models import ImportJob, ImportJobQuerySet, ImportKind
from exchange.spreadsheets import XLSX_CONTENT_TYPE, SpreadsheetError


class ExportView(APIView):
    """Actions, fiches or indicator values as XLSX or CSV, with the filters of the lists."""

    @extend_schema(
        responses={
            (200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY,
            (200, "text/csv"): OpenApiTypes.STR,
        }
    )
    def get(self, request: Request, kind: str, fmt: str) -> HttpResponse:
        if kind not in exports.KINDS or fmt not in exports.FORMATS:
            raise exceptions.NotFound()
        try:
            header, rows = exports.export_table(kind, request.query_params, api_user(request))
        except exports.InvalidFilter as exc:
            raise serializers.ValidationError(exc.errors) from exc
        return exports.spreadsheet_response(kind, fmt, header, rows)


class ImportJobSerializer(serializers.ModelSerializer):
    requested_by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "kind",
            "filename",
            "status",
            "progress",
            "result",
            "error",
            "requested_by",
            "created_at",
        ]
        read_only_fields = fields


ImportResultSerializer = inline_serializer(
    name="ImportResult",
    fields={
        "created": serializers.IntegerField(),
        "updated": serializers.IntegerField(),
        "unchanged": serializers.IntegerField(),
        "errors": serializers.ListField(child=serializers.DictField()),
        "job": serializers.IntegerField(),
        "status": serializers.CharField(),
    },
)


# A 400 is either the result of a file with errors (nothing imported) or a refusal of the
# request itself (no file, not a spreadsheet).
IMPORT_REFUSED = OpenApiResponse(
    PolymorphicProxySerializer(
        component_name="ImportRefused",
        serializers=[ImportResultSerializer, ValidationErrorSerializer],
        resource_type_field_name=None,
    ),
    description="Fouten in het bestand (er is niets geïmporteerd), of geen bruikbaar bestand.",
)


class ImportView(APIView):
    """Upload an XLSX or CSV (`file`) with `dry_run=true|false`. Small files answer at once
    with the counts and every error; large files answer 202 with the job to poll."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request=inline_serializer(
            name="ImportUpload",
            fields={"file": serializers.FileField(), "dry_run": serializers.BooleanField()},
        ),
        responses={
            200: ImportResultSerializer,
            202: ImportJobSerializer,
            400: IMPORT_REFUSED,
            **errors(503),
        },
    )
    def post(self, request: Request, kind: str) -> Response:
        if kind not in ImportKind.values:
            raise exceptions.NotFound()
        upload = request.FILES.get("file")
        if upload is None:
            raise serializers.ValidationError({"file": ["Kies een bestand om te importeren."]})
        dry_run = _dry_run(request)
        plan = plan_current(request.query_params.get("plan"))
        try:
            job = services.import_upload(
                kind=kind, plan=plan, user=api_user(request), upload=upload
            )
        except SpreadsheetError as exc:
            raise serializers.ValidationError({"file": [str(exc)]}) from exc
        return _start(request, job, dry_run=dry_run)


def _dry_run(request: Request) -> bool:
    form = request.data if isinstance(request.data, dict) else {}
    return str(form.get("dry_run", "true")).lower() not in ("false", "0", "no", "nee")


def _start(request: Request, job: ImportJob, *, dry_run: bool) -> Response:
    """Check (and without dry run apply) a job: a small file at once, with the counts and
    every error; a large one in the worker, 202 with the job to poll. When the queue does
    not take it, ``JobUnavailable`` answers 503 and the job is failed, to retry."""
    if not services.runs_inline(job):
        services.enqueue(job, apply=False, then_apply=not dry_run)
        data = ImportJobSerializer(job).data
        return Response(
            data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": reverse("import-job-detail", args=[job.pk], request=request)},
        )
    job = run.import_run(job.pk, apply=False)
    if not dry_run and job.can_apply:
        job = run.import_run(job.pk, apply=True)
    result = job.result
    return Response(
        {
            "created": result.get("created", 0),
            "updated": result.get("updated", 0),
            "unchanged": result.get("unchanged", 0),
            "errors": result.get("errors", []),
            "job": job.pk,
            "status": job.status,
        },
        status=status.HTTP_200_OK if not result.get("errors") else status.HTTP_400_BAD_REQUEST,
    )


class ImportJobViewSet(viewsets.ReadOnlyModelViewSet):
    """Imports: your own, or all of them for coordinators."""

    serializer_class = ImportJobSerializer
    queryset = ImportJob.objects.none()  # for the schema; the real one depends on the user

    def get_queryset(self) -> ImportJobQuerySet:
        if getattr(self, "swagger_fake_view", False):
            return ImportJob.objects.none()
        return ImportJob.objects.visible_to(api_user(self.request)).select_related("requested_by")

    @extend_schema(
        request=inline_serializer(
            name="ImportRetry", fields={"dry_run": serializers.BooleanField(required=False)}
        ),
        responses={
            200: ImportResultSerializer,
            202: ImportJobSerializer,
            400: IMPORT_REFUSED,
            **errors(409, 503),
        },
    )
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str | None = None) -> Response:
        """Check a failed import again from its file (`dry_run=false`: and apply it when the
        check is clean), answered like the upload. Its uploader or a coordinator; an import
        that did not fail is a 409."""
        job = self.get_object()
        try:
            job = services.import_retry(job=job, user=api_user(request))
        except DjangoValidationError as exc:
            raise DomainError(status.HTTP_409_CONFLICT, " ".join(exc.messages)) from exc
        return _start(request, job, dry_run=_dry_run(request))


def register(router: Any) -> None:
    router.register("import-jobs", ImportJobViewSet, basename="import-job")
