"""One place that turns the exceptions of services into API responses.

Services raise Django's ``PermissionDenied`` and ``ValidationError`` with Dutch messages,
and domain exceptions that carry their HTTP status as ``api_status`` (a workflow step that
is not allowed: 409; a stale version: 412). DRF's own handler would turn the first into a
generic message and the second into a 500; this handler keeps the message and the status.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.fields import get_error_detail
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


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


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    original = exc
    if isinstance(exc, DjangoPermissionDenied) and str(exc):
        exc = exceptions.PermissionDenied(str(exc))
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_detail(exc))
    elif hasattr(exc, "api_status"):
        exc = DomainError(exc.api_status, str(exc))
    response = drf_exception_handler(exc, context)
    if response is not None and hasattr(original, "api_headers"):
        for name, value in original.api_headers().items():
            response[name] = value
    return response
