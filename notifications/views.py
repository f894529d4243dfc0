"""Pages: ``Meldingen`` (the user's notifications, read and unread) and the mail preferences."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actionplan.http import AuthenticatedHttpRequest
from actionplan.params import QueryParams
from notifications import services
from notifications.forms import PreferencesForm
from notifications.models import Notification

PAGE_SIZE = 25


@require_GET
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    params = QueryParams(request.GET)
    show = params.choice("toon", ["ongelezen"])
    params.check()
    rows = Notification.objects.for_user(request.user)
    unread_count = rows.unread().count()
    if show:
        rows = rows.unread()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread_count": unread_count, "show": show},
    )


@require_POST
def notification_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Marks the notification read and goes where it points."""
    row = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    services.notifications_read(user=request.user, ids=[row.pk])
    if row.url and url_has_allowed_host_and_scheme(row.url, allowed_hosts={request.get_host()}):
        return redirect(row.url)
    return redirect("notifications:list")


@require_POST
def notifications_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = services.notifications_read(user=request.user)
    messages.success(request, _("%(count)s meldingen als gelezen gemarkeerd.") % {"count": count})
    return redirect("notifications:list")


@require_http_methods(["GET", "POST"])
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.preferences_save(user=request.user, choices=form.choices())
        messages.success(request, _("Je keuzes zijn bewaard."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "has_email": bool(request.user.email)},
        status=400 if form.is_bound else 200,
    )
