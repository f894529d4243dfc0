"""Evaluation reports in the API: ask for one, follow it, download it."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from actionplan.http import api_user
from actionplan.selectors import plan_current
from evaluations.models import EvaluationReport, ReportStatus
from evaluations.reports import services


class ReportSerializer(serializers.ModelSerializer):
    requested_by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    # As users see them: a dead job reads as failed before the beat task marks the row.
    status = serializers.ChoiceField(
        source="shown_status", choices=ReportStatus.choices, read_only=True
    )
    error = serializers.CharField(source="shown_error", read_only=True)
    download_url = serializers.SerializerMethodField()

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
        ]
        read_only_fields = fields

    def get_download_url(self, report: EvaluationReport) -> str | None:
        if report.status != ReportStatus.DONE:
            return None
        return reverse("report-download", args=[report.pk], request=self.context.get("request"))


class ReportRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[k for k in services.EVALUATION_KINDS])
    year = serializers.IntegerField()


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
    gives the PDF when the status is `done`."""

    serializer_class = ReportSerializer
    filterset_fields = ["kind", "year", "status"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return EvaluationReport.objects.visible_to(self.request.user).select_related("requested_by")

    def handle_exception(self, exc: Exception) -> Response:
        # An error of the download (401, 404, ...) is JSON like the rest of the API; the
        # PDF renderer would send the dict's keys as "application/pdf".
        if isinstance(getattr(self.request, "accepted_renderer", None), PDFRenderer):
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    @extend_schema(request=ReportRequestSerializer, responses={202: ReportSerializer})
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

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], renderer_classes=[PDFRenderer])
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        report = self.get_object()
        if report.status != ReportStatus.DONE or not report.file:
            raise exceptions.NotFound("Dit rapport is (nog) niet klaar.")
        return FileResponse(
            report.file.open("rb"),
            as_attachment=True,
            filename=report.filename,
            content_type="application/pdf",
        )


def register(router: Any) -> None:
    router.register("reports", ReportViewSet, basename="report")
