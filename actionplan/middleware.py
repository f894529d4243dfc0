from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponseBase
from django.utils import translation


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


class InterfaceLanguageMiddleware:
    """The interface is Dutch unless the user chose otherwise.

    Django's ``LocaleMiddleware`` follows the browser's ``Accept-Language``: an English
    browser then got ``<html lang="en">`` over Dutch pages and Django's own messages in
    English. Here the language is the signed-in user's choice (``User.language``), or for
    a visitor the one remembered in the language cookie, else ``LANGUAGE_CODE``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def language_for(self, request: HttpRequest) -> str:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            chosen = getattr(user, "language", "")
        else:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        return chosen if chosen in self.supported else settings.LANGUAGE_CODE

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        language = self.language_for(request)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
            response.headers.setdefault("Content-Language", language)
            # Rendering of a lazy response (TemplateResponse) happens inside get_response.
            return response
