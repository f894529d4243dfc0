"""One place that turns the exceptions of services into API responses.

Services raise Django's ``PermissionDenied`` and ``ValidationError`` with Dutch messages,
and domain exceptions that carry their HTTP status as ``api_status`` (a workflow step that
is not allowed: 409; a stale version: 412). DRF's own handler would turn the first into a
generic message and the second into a 500; this handler keeps the message and the status.

Query parameters that cannot be honoured (``InvalidQuery``) answer 400 per parameter, and
a body Django refuses (too large, too many fields) answers in JSON with a Dutch message
instead of Django's HTML error page (``request_error``, shared with the pages' 400).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.fields import get_error_detail
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from actionplan.params import InvalidQuery


class DomainError(exceptions.APIException):
    """A service exception with its own status code, as DRF sees it."""

    def __init__(self, status: int, message: str) -> None:
        self.status_code = status
        super().__init__(message, code=f"error_{status}")


def validation_detail(exc: DjangoValidationError) -> dict[str, Any]:
    detail = get_error_detail(exc)
    if isinstance(detail, dict):
        if "__all__" in detail:
            detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop("__all__")
        return detail
    return {api_settings.NON_FIELD_ERRORS_KEY: detail}


def request_error(exc: Exception) -> tuple[int, str] | None:
    """Status and Dutch message for a request body Django refuses, or None."""
    if isinstance(exc, RequestDataTooBig):
        megabytes = (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) / 1024 / 1024
        return 413, _(
            "Het verzoek is te groot: hoogstens %(max)s MB aan gegevens (bestanden niet "
            "meegerekend)."
        ) % {"max": f"{megabytes:.1f}".replace(".", ",")}
    if isinstance(exc, TooManyFieldsSent):
        return 400, _("Het verzoek bevat te veel velden: hoogstens %(max)s.") % {
            "max": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        }
    if isinstance(exc, TooManyFilesSent):
        return 400, _("Het verzoek bevat te veel bestanden: hoogstens %(max)s.") % {
            "max": settings.DATA_UPLOAD_MAX_NUMBER_FILES
        }
    if isinstance(exc, SuspiciousOperation):
        return 400, _("Dit verzoek is ongeldig; er is niets gewijzigd.")
    return None


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    original = exc
    refused = request_error(exc)
    if isinstance(exc, DjangoPermissionDenied) and str(exc):
        exc = exceptions.PermissionDenied(str(exc))
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_detail(exc))
    elif isinstance(exc, InvalidQuery):
        exc = exceptions.ValidationError(exc.errors)
    elif refused is not None:
        exc = DomainError(*refused)
    elif hasattr(exc, "api_status"):
        exc = DomainError(exc.api_status, str(exc))
    response = drf_exception_handler(exc, context)
    if response is not None and hasattr(original, "api_headers"):
        for name, value in original.api_headers().items():
            response[name] = value
    return response
