"""``/api/v1/notifications/``: the caller's own notifications, newest first, read or unread.

``?unread=true`` lists the unread ones; ``POST {id}/read/`` and ``POST read-all/`` mark them
read. Another user's notification is 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from actionplan.http import api_user
from actionplan.params import QueryParams
from notifications import services
from notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.BooleanField(source="is_read", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "text", "url", "created_at", "read", "read_at"]
        read_only_fields = fields


UNREAD = OpenApiParameter(
    "unread", bool, description="true: alleen ongelezen meldingen; false: alleen gelezen."
)


@extend_schema(parameters=[UNREAD])
class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = NotificationSerializer

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        rows = Notification.objects.for_user(api_user(self.request))
        if self.action == "list":
            params = QueryParams(self.request.query_params)
            unread = params.choice("unread", ["true", "false"])
            params.check()
            if unread:
                rows = rows.filter(read_at__isnull=(unread == "true"))
        return rows

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        row = self.get_object()
        services.notifications_read(user=api_user(request), ids=[row.pk])
        row.refresh_from_db()
        return Response(NotificationSerializer(row).data)

    @extend_schema(
        request=None,
        responses=inline_serializer("NotificationsRead", {"read": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response({"read": services.notifications_read(user=api_user(request))})


def register(router: BaseRouter) -> None:
    router.register("notifications", NotificationViewSet, basename="notification")
