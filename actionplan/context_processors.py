from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (url name, label, who sees it: "all", "coordinator" or "staff": coordinators and editors)
NAVIGATION = [
    ("dashboard:dashboard", _("Dashboard"), "all"),
    ("fiches:mine", _("Fiches"), "all"),
    ("fiches:review", _("Te beoordelen"), "coordinator"),
    ("fiches:rounds", _("Rondes"), "all"),
    ("impact:list", _("Impact"), "all"),
    ("reports:reports", _("Rapporten"), "all"),
    ("planning:draft", _("Ontwerp"), "staff"),
    ("planning:versions", _("Planversies"), "staff"),
    ("planning:change-requests", _("Wijzigingsverzoeken"), "staff"),
    ("consultation:list", _("Overleg"), "staff"),
    ("consultation:inputs", _("Inbreng"), "coordinator"),
]
# Items whose pages fill a whole URL namespace: the dashboard's sections each have a URL
# name of their own, and the menu marks "Dashboard" on every one of them.
NAMESPACE_ITEMS = {"dashboard:dashboard": "dashboard"}


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    namespace = match.namespace if match else ""
    items = []
    for name, label, audience in NAVIGATION:
        if audience == "coordinator" and not user.is_coordinator:
            continue
        if audience == "staff" and not (user.is_coordinator or user.is_editor):
            continue
        is_current = current == name or (namespace and NAMESPACE_ITEMS.get(name) == namespace)
        items.append({"url": reverse(name), "label": label, "current": bool(is_current)})
    return {"main_nav": items}
