"""``/api/v1/tasks/``: the caller's ``Mijn taken``, the most urgent first."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from actionplan.http import api_user
from worklist import selectors
from worklist.selectors import TaskKind


class TaskSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[
            TaskKind.FILL,
            TaskKind.FIX,
            TaskKind.REVIEW,
            TaskKind.CONTRIBUTE,
            TaskKind.FOLLOW_UP,
        ]
    )
    label = serializers.CharField()  # type: ignore[assignment]
    title = serializers.CharField()
    url = serializers.CharField()
    deadline = serializers.DateField(allow_null=True)
    days_left = serializers.IntegerField(allow_null=True)
    overdue = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True)


class TaskListView(APIView):
    """A person's own to-do list: short, and read whole (not paginated)."""

    @extend_schema(responses=TaskSerializer(many=True))
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        items = selectors.tasks_for(api_user(request), today=timezone.localdate())
        return Response(TaskSerializer(items, many=True).data)
