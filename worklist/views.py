"""``Mijn taken`` and the header's counts (an htmx fragment, so that no page pays for them)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from actionplan.http import AuthenticatedHttpRequest
from notifications.models import Notification
from worklist import selectors


@require_GET
def tasks(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    items = selectors.tasks_for(request.user, today=today)
    return render(request, "worklist/tasks.html", {"tasks": items, "today": today})


@require_GET
def header_counts(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "worklist/partials/header_counts.html",
        {
            "task_count": selectors.task_count(request.user),
            "unread_count": Notification.objects.for_user(request.user).unread().count(),
        },
    )
