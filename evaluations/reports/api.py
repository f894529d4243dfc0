"""Evaluation reports in the API: ask for one, follow it, download it, and take it its
way (approve, send to the Vlaamse Regering, send to the Vlaams Parlement)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from actionplan import api_fields
from actionplan.api_errors import DomainError
from actionplan.http import api_user
from actionplan.schema import errors
from actionplan.selectors import plan_current
from evaluations.models import EvaluationReport, ReleaseStep, ReportRelease, ReportStatus
from evaluations.reports import selectors, services
from fiches.models import FicheState


class ReleaseSerializer(serializers.ModelSerializer):
    decided_by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    plan_version = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportRelease
        fields = [
            "step",
            "date",
            "reference",
            "decided_by",
            "created_at",
            "sha256",
            "plan_version",
            "download_url",
        ]
        read_only_fields = fields

    def get_plan_version(self, release: ReportRelease) -> int | None:
        return release.plan_version.number if release.plan_version else None

    def get_download_url(self, release: ReportRelease) -> str:
        return reverse(
            "report-release-download",
            args=[release.report_id, release.step],
            request=self.context.get("request"),
        )


class ReportSerializer(serializers.ModelSerializer):
    # None for a report built by the build_report command.
    requested_by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    # As users see them: a dead job reads as failed before the beat task marks the row.
    status = serializers.ChoiceField(
        source="shown_status", choices=ReportStatus.choices, read_only=True
    )
    error = serializers.CharField(source="shown_error", read_only=True)
    fiche_state = api_fields.OptionalChoiceField(
        choices=FicheState.choices, read_only=True, help_text="Null voor een evaluatierapport."
    )
    download_url = serializers.SerializerMethodField()
    releases = ReleaseSerializer(many=True, read_only=True)

    class Meta:
        model = EvaluationReport
        fields = [
            "id",
            "kind",
            "year",
            "fiche",
            "fiche_state",
            "fiche_version",
            "status",
            "progress",
            "step",
            "error",
            "sha256",
            "page_count",
            "size",
            "unapproved_fiches",
            "requested_by",
            "requested_at",
            "started_at",
            "finished_at",
            "download_url",
            "releases",
        ]
        read_only_fields = fields

    def get_download_url(self, report: EvaluationReport) -> str | None:
        if report.status != ReportStatus.DONE:
            return None
        return reverse("report-download", args=[report.pk], request=self.context.get("request"))


class ReportRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[k for k in services.EVALUATION_KINDS])
    year = api_fields.YearField()


class ReleaseRequestSerializer(serializers.Serializer):
    date = serializers.DateField(
        error_messages={
            "required": "Vul de datum in.",
            "invalid": "Geef de datum als JJJJ-MM-DD.",
        }
    )
    reference = api_fields.TextField(
        multiline=False,
        max_length=200,
        error_messages={"required": "Vul de referentie in.", "blank": "Vul de referentie in."},
    )

    def validate_date(self, value: dt.date) -> dt.date:
        if value > timezone.localdate():
            raise serializers.ValidationError("De datum ligt in de toekomst.")
        return value


# A step not allowed now, or a PDF that no longer has its SHA-256: 409.
RELEASE_RESPONSES = {200: ReportSerializer, **errors(409)}


class PDFRenderer(BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> Any:
        return data


class ReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Evaluation reports. `POST` asks for a new one (coordinators): 202 with the queued
    report; poll `GET reports/{id}/` for status and progress; `GET reports/{id}/download/`
    gives the PDF when the status is `done`; `POST reports/{id}/retry/` queues a failed one
    again. Coordinators take an evaluation its way with
    `POST reports/{id}/approve/`, `send-to-government/` and `send-to-parliament/`
    (`{"date", "reference"}`); each step freezes the PDF with its SHA-256, listed in
    `releases`, and `GET reports/{id}/releases/{step}/download/` gives it, verified."""

    serializer_class = ReportSerializer
    filterset_fields = ["kind", "year", "status"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.reports_for(self.request.user)

    def handle_exception(self, exc: Exception) -> Response:
        # An error of the download (401, 404, ...) is JSON like the rest of the API; the
        # PDF renderer would send the dict's keys as "application/pdf".
        if isinstance(getattr(self.request, "accepted_renderer", None), PDFRenderer):
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    @extend_schema(
        request=ReportRequestSerializer, responses={202: ReportSerializer, **errors(503)}
    )
    def create(self, request: Request) -> Response:
        incoming = ReportRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        plan = plan_current(request.query_params.get("plan"))
        report = services.report_request(
            plan=plan,
            kind=incoming.validated_data["kind"],
            year=incoming.validated_data["year"],
            user=api_user(request),
        )
        data = ReportSerializer(report, context={"request": request}).data
        return Response(
            data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": reverse("report-detail", args=[report.pk], request=request)},
        )

    @extend_schema(request=None, responses={202: ReportSerializer, **errors(409, 503)})
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str | None = None) -> Response:
        """Queue a failed report again (also one whose worker died and that the beat task
        has not marked yet): 202. Who asked for it or a coordinator; a report that did not
        fail is a 409."""
        report = self.get_object()
        try:
            report = services.report_retry(report=report, user=api_user(request))
        except DjangoValidationError as exc:
            raise DomainError(status.HTTP_409_CONFLICT, " ".join(exc.messages)) from exc
        data = ReportSerializer(report, context={"request": request}).data
        return Response(data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY, **errors(409)})
    @action(detail=True, methods=["get"], renderer_classes=[PDFRenderer])
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        report = self.get_object()
        if report.status != ReportStatus.DONE or not report.file:
            raise exceptions.NotFound("Dit rapport is (nog) niet klaar.")
        return _verified(report, report.sha256, report.filename)

    def _release(self, request: Request, step: ReleaseStep) -> Response:
        report = self.get_object()
        incoming = ReleaseRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        # Refusals are 409 (ReleaseRefused, TamperedFile), bad input 400, others 403:
        # actionplan.api_errors turns the services' exceptions into those.
        services.RELEASE_SERVICES[step](
            report=report,
            user=api_user(request),
            date=incoming.validated_data["date"],
            reference=incoming.validated_data["reference"],
        )
        report = self.get_queryset().get(pk=report.pk)
        return Response(ReportSerializer(report, context={"request": request}).data)

    @extend_schema(
        request=ReleaseRequestSerializer, responses={200: ReportSerializer, **errors(409)}
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._release(request, ReleaseStep.APPROVED)

    @extend_schema(
        request=ReleaseRequestSerializer, responses={200: ReportSerializer, **errors(409)}
    )
    @action(detail=True, methods=["post"], url_path="send-to-government")
    def send_to_government(self, request: Request, pk: str | None = None) -> Response:
        return self._release(request, ReleaseStep.GOVERNMENT)

    @extend_schema(
        request=ReleaseRequestSerializer, responses={200: ReportSerializer, **errors(409)}
    )
    @action(detail=True, methods=["post"], url_path="send-to-parliament")
    def send_to_parliament(self, request: Request, pk: str | None = None) -> Response:
        return self._release(request, ReleaseStep.PARLIAMENT)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY, **errors(409)})
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[PDFRenderer],
        url_path=r"releases/(?P<step>[a-z]+)/download",
        url_name="release-download",
    )
    def release_download(
        self, request: Request, pk: str | None = None, step: str = ""
    ) -> FileResponse:
        report = self.get_object()
        release = next((r for r in report.releases.all() if r.step == step), None)
        if release is None:
            raise exceptions.NotFound("Deze stap is voor dit rapport niet geregistreerd.")
        filename = report.filename.replace(".pdf", f"-{release.step}.pdf")
        return _verified(report, release.sha256, filename)


def _verified(report: EvaluationReport, sha256: str, filename: str) -> FileResponse:
    data = services.verified_pdf(report, sha256)
    return FileResponse(
        io.BytesIO(data), as_attachment=True, filename=filename, content_type="application/pdf"
    )


def register(router: Any) -> None:
    router.register("reports", ReportViewSet, basename="report")
