"""Plan versions and change requests in the Django admin: read only. They change only
through their workflow (pages, API), which records who decided what and why."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from planning.models import ChangeRequest, PlanVersion


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdmin):
    list_display = ["plan", "number", "state", "decision_date", "decision_reference"]
    list_filter = ["plan", "state"]
    exclude = ["content"]


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyAdmin):
    list_display = ["action", "kind", "state", "requested_by", "requested_at", "decided_by"]
    list_filter = ["state", "kind"]
    list_select_related = ["action", "requested_by", "decided_by"]
