"""The project's 400 and 404 pages (``handler400``, ``handler404`` in urls.py): JSON under
/api/, where a client parses the answer and the schema documents it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults
from rest_framework.exceptions import NotFound

from actionplan.api_errors import request_error
from actionplan.params import InvalidQuery


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The project's 400 (``handler400``): the messages of ``InvalidQuery`` per parameter, a
    Dutch message for a body Django refuses; JSON under /api/, where a client parses it."""
    status, message = request_error(exception) or (400, "")
    errors = exception.errors if isinstance(exception, InvalidQuery) else {}
    if request.path.startswith("/api/"):
        detail: dict[str, object] = dict(errors) if errors else {"detail": message}
        return JsonResponse(detail, status=status if not errors else 400)
    kept = request.GET.copy()
    for name in errors:
        kept.pop(name, None)
    context = {"errors": errors, "message": message, "retry": kept.urlencode()}
    return render(request, "400.html", context, status=400)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The project's 404 (``handler404``): under /api/ DRF's body, also for an address no
    view answers (``/api/v1/fiches/abc/``); elsewhere Django's page (templates/404.html)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)
