"""The OpenAPI schema (``/api/schema/``) documents the errors too, with their bodies.

Clients are generated from the schema, so a status or a body it does not document breaks
them. ``AutoSchema`` (``DEFAULT_SCHEMA_CLASS``) adds to every operation the errors any
request can get, with the bodies ``actionplan.api_errors`` actually sends:

- 400 always (a parameter or body that cannot be honoured, a request Django refuses),
- 401 and 403 where a login is required,
- 404 where the path names an object, or the list is paginated (a page past the last),
- 413 and 415 where the operation takes a body,
- 429 where the view is throttled (the token endpoint, which also locks out).

Errors only some operations can get are declared on them with ``errors(...)``:
409 (a workflow step not allowed from the current state), 412 and 428 (``If-Match`` stale
or missing), 503 (the job queue did not take the job, ``actionplan.jobs.JobUnavailable``).
An error an operation declares without a body (``OpenApiResponse(description=...)``) gets
the standard body of its status. ``scripts/fuzz`` (``make fuzz``) checks all of this against
a running server.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from actionplan.params import YEAR_MAX, YEAR_MIN

# A year as every parser of the API reads one (``actionplan.params``).
YEAR_SCHEMA: dict[str, Any] = {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX}


class ErrorSerializer(serializers.Serializer):
    """``{"detail": "..."}``: DRF's errors and the services' domain errors."""

    detail = serializers.CharField(help_text="Wat er misliep, in de taal van de gebruiker.")


class ValidationErrorSerializer(serializers.Serializer):
    """A 400 (mapped by ``ValidationErrorExtension``)."""


class TooManyRequestsSerializer(serializers.Serializer):
    """A 429: throttled, or locked out after failed logins (``actionplan.logins``)."""

    detail = serializers.CharField(help_text="Wat er misliep en wanneer opnieuw proberen.")
    locked_until = serializers.DateTimeField(
        required=False,
        help_text="Bij een blokkering na mislukte aanmeldpogingen: tot wanneer.",
    )


class ValidationErrorExtension(OpenApiSerializerExtension):
    """The body of a 400, as ``actionplan.api_errors`` and ``actionplan.bad_request`` send
    it: per field the Dutch messages (nested for nested input: an object per field, a list
    per item), ``non_field_errors`` for the whole, or ``detail`` alone for a request that
    was refused as a whole (bad JSON, too many fields)."""

    target_class = ValidationErrorSerializer

    def map_serializer(self, auto_schema: openapi.AutoSchema, direction: str) -> dict[str, Any]:
        messages = {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}}
        return {
            "type": "object",
            "description": (
                "Per veld de meldingen (een lijst; een object voor geneste invoer), "
                "`non_field_errors` voor het geheel, of enkel `detail`."
            ),
            "properties": {
                "detail": {"type": "string"},
                "non_field_errors": {"type": "array", "items": {"type": "string"}},
            },
            "additionalProperties": {"anyOf": [messages, {"type": "object"}, {"type": "string"}]},
        }


ERROR_BODIES: dict[int, type[serializers.Serializer]] = {
    400: ValidationErrorSerializer,
    429: TooManyRequestsSerializer,
}

DESCRIPTIONS: dict[int, str] = {
    400: "Ongeldige invoer of parameters; er is niets gewijzigd.",
    401: "Niet aangemeld: stuur `Authorization: Token <sleutel>`.",
    403: "Je mag dit niet (rol of administratie), of de CSRF-controle van je sessie faalde.",
    404: "Bestaat niet of is niet zichtbaar voor jou (of een pagina voorbij de laatste).",
    409: "Deze stap kan niet vanuit de huidige toestand; er is niets gewijzigd.",
    412: "If-Match is verouderd of geen ETag van dit object: het is intussen gewijzigd.",
    413: "Het verzoek is te groot; er is niets gewijzigd.",
    415: "Dit inhoudstype (Content-Type) wordt hier niet aanvaard.",
    428: "If-Match ontbreekt: stuur de ETag uit het laatste antwoord mee.",
    429: "Te veel aanvragen of aanmeldpogingen; probeer opnieuw na Retry-After seconden.",
    503: (
        "De wachtrij voor achtergrondtaken is niet bereikbaar; er is niets gestart. "
        "Probeer opnieuw na Retry-After seconden."
    ),
}

RETRY_AFTER: dict[str, Any] = {
    "Retry-After": {
        "schema": {"type": "string"},
        "description": "Na hoeveel seconden opnieuw proberen.",
    }
}


def error_response(status: int, description: str | None = None) -> OpenApiResponse:
    """The documented response of an error status, with its standard body."""
    return OpenApiResponse(
        ERROR_BODIES.get(status, ErrorSerializer), description=description or DESCRIPTIONS[status]
    )


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """Responses for ``extend_schema(responses={200: X, **errors(409, 503)})``: the errors
    only this operation can get (the ones every operation gets are added anyway)."""
    return {status: error_response(status) for status in statuses}


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for status in self._common_errors():
            responses.setdefault(str(status), self._error(status))
        for code, response in responses.items():
            if code < "400":
                continue
            if "content" not in response:
                # Declared with a description only: the body is the standard one.
                described = self._error(int(code))
                described["description"] = response.get("description") or described["description"]
                responses[code] = described
            else:
                # Errors are JSON, also where the success is a file (a PDF, a spreadsheet).
                schema = next(iter(response["content"].values()))["schema"]
                response["content"] = {"application/json": {"schema": schema}}
            if code in ("429", "503"):
                response = responses[code]
                response["headers"] = {**response.get("headers", {}), **RETRY_AFTER}
        return dict(sorted(responses.items()))

    def _error(self, status: int) -> dict[str, Any]:
        response: dict[str, Any] = self._get_response_for_code(
            error_response(status), str(status), media_types=["application/json"]
        )
        return response

    def _common_errors(self) -> list[int]:
        statuses = [400]
        if self._login_required():
            statuses += [401, 403]
        if "{" in self.path or (self._is_list_view() and self._get_paginator()):
            statuses.append(404)
        if self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None:
            statuses += [413, 415]
        if self.view.get_throttles():
            statuses.append(429)
        return statuses

    def _login_required(self) -> bool:
        permissions = self.view.get_permissions()
        return bool(self.view.get_authenticators()) and not all(
            isinstance(permission, AllowAny) for permission in permissions
        )
