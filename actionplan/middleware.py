from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponseBase


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Login required for every page; the API authenticates in DRF (session or token).

    DRF answers 401/403 itself, which is what an API client expects instead of a redirect
    to the login page.
    """

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponseBase | None:
        if request.path.startswith(("/api/v1/", "/api/schema/")):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
