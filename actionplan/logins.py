"""Signing in: the lockout answer, the client address, and the API token endpoints.

django-axes counts failed logins per user name and address (settings: Logins) and calls
``lockout_response`` for a locked pair; pages get a Dutch page, the API a Dutch JSON body,
both with status 429. The token endpoints use django-rest-knox: a token is stored as a
hash, expires after ``API_TOKEN_HOURS`` and can be revoked by its owner.
"""

from __future__ import annotations

import math
from typing import Any, NoReturn

from axes.helpers import get_client_username
from django.conf import settings
from django.contrib.auth import authenticate, user_logged_in
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from knox.auth import TokenAuthentication
from knox.models import AuthToken
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle
from rest_framework.views import APIView

from actionplan import selectors, services
from actionplan.http import api_user
from actionplan.models import User


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, by the rule DRF's throttles use: ``REMOTE_ADDR``, or with
    ``TRUSTED_PROXIES`` = N the address N places from the right in X-Forwarded-For (what the
    outermost trusted proxy saw). Axes and the token throttle thus agree on who is who."""
    ident: str | None = BaseThrottle().get_ident(request)  # type: ignore[arg-type]
    return ident


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any]
) -> HttpResponse:
    """What a locked-out login gets (``AXES_LOCKOUT_CALLABLE``): 429 and when to try again."""
    until = selectors.lockout_ends(
        username=get_client_username(request, credentials),
        ip_address=getattr(request, "axes_ip_address", None),
        cool_off=settings.AXES_COOLOFF_TIME,
    )
    local_until = timezone.localtime(until)
    message = _(
        "Te veel mislukte aanmeldpogingen: na %(limit)s pogingen is aanmelden met deze "
        "gebruikersnaam vanaf dit adres %(minutes)s minuten geblokkeerd. Probeer het opnieuw "
        "vanaf %(time)s."
    ) % {
        "limit": settings.LOGIN_FAILURE_LIMIT,
        "minutes": settings.LOGIN_LOCKOUT_MINUTES,
        "time": formats.time_format(local_until, "H:i"),
    }
    retry_after = str(max(1, math.ceil((until - timezone.now()).total_seconds())))
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": message, "locked_until": local_until.isoformat()},
            status=settings.AXES_HTTP_RESPONSE_CODE,
        )
    else:
        response = render(
            request,
            "registration/locked_out.html",
            {"message": message, "until": local_until},
            status=settings.AXES_HTTP_RESPONSE_CODE,
        )
    response["Retry-After"] = retry_after
    return response


# --- API tokens --------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=gettext_lazy("Gebruikersnaam"))
    password = serializers.CharField(
        label=gettext_lazy("Wachtwoord"),
        style={"input_type": "password"},
        trim_whitespace=False,
        write_only=True,
    )


class TokenThrottled(exceptions.Throttled):
    default_detail = gettext_lazy("Te veel aanvragen voor een API-sleutel vanaf dit adres.")
    # DRF's own are lazy too; its stubs say str.
    extra_detail_singular = gettext_lazy("Probeer het over {wait} seconde opnieuw.")  # type: ignore[assignment]
    extra_detail_plural = gettext_lazy("Probeer het over {wait} seconden opnieuw.")  # type: ignore[assignment]


TOKEN_RESPONSE = inline_serializer(
    "ApiToken",
    {
        "token": serializers.CharField(help_text="Send as `Authorization: Token <token>`."),
        "expiry": serializers.DateTimeField(help_text="After this moment the token gives 401."),
    },
)


class ObtainTokenView(APIView):
    """``POST /api/v1/auth/token/``: user name and password (form or JSON) for a token.

    Throttled per address (``API_TOKEN_RATE``); failures count towards the lockout of the
    user name at this address, like on the login page (then 429).
    """

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth-token"

    def throttled(self, request: Request, wait: float | None) -> NoReturn:
        raise TokenThrottled(wait)

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TOKEN_RESPONSE,
            400: OpenApiResponse(description="Wrong user name or password."),
            429: OpenApiResponse(description="Too many attempts, or this user is locked."),
        },
    )
    def post(self, request: Request) -> Response:
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # Axes needs Django's request: it marks a lockout on it for its middleware.
        user = authenticate(
            request._request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if not isinstance(user, User):
            raise exceptions.ValidationError(
                {"non_field_errors": [_("Gebruikersnaam of wachtwoord klopt niet.")]}
            )
        token, key = services.token_create(user=user)
        # As a login on the page: last login, the access log in the admin, failures forgotten.
        user_logged_in.send(sender=User, request=request._request, user=user)
        expiry = serializers.DateTimeField().to_representation(token.expiry)
        return Response({"token": key, "expiry": expiry})


class LogoutView(APIView):
    """``POST /api/v1/auth/logout/``: revoke the token this request is made with."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        token = request.auth
        if not isinstance(token, AuthToken):  # knox authenticated this request
            raise exceptions.NotAuthenticated()
        services.token_revoke(user=api_user(request), digest=token.digest)
        return Response(status=204)


class LogoutAllView(APIView):
    """``POST /api/v1/auth/logout-all/``: revoke every token of this user."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        services.token_revoke_all(user=api_user(request))
        return Response(status=204)
