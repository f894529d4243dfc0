"""The admin as part of the product: AJH's screens for reference data and accounts carry
the product's name, and someone who may not use them gets the product's 403 page instead
of Django's second login form."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _


class ProductAdminSite(admin.AdminSite):
    site_header = _("Actieplanmonitor · beheer")
    site_title = _("Actieplanmonitor")
    index_title = _("Referentiegegevens, gebruikers en aanmeldpogingen")
    site_url = "/"

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.user.is_authenticated:
            if self.has_permission(request):
                return super().login(request, extra_context)
            raise PermissionDenied(
                _(
                    "Het beheer van referentiegegevens en gebruikers is voor AJH. Heb je iets "
                    "nodig dat daar staat, vraag het aan AJH."
                )
            )
        # One login page for the whole product.
        return redirect_to_login(request.get_full_path())
