"""Request types for views: past the login middleware the user is a signed-in ``User``."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request

from actionplan.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """What a page view receives: ``LoginRequiredMiddleware`` lets no anonymous user past,
    and ``HtmxMiddleware`` adds ``htmx``. For type checking only; Django builds the request."""

    user: User
    htmx: HtmxDetails


def api_user(request: Request) -> User:
    """The signed-in user of an API request (its permissions have already refused others)."""
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated()
    return user
