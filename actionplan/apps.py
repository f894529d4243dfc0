from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class ActionplanConfig(AppConfig):
    name = "actionplan"
    verbose_name = _("Actieplan")

    def ready(self) -> None:
        from actionplan.celery import ensure_filesystem_queue

        ensure_filesystem_queue()


class ProductAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with the product's admin site (actionplan/admin_site.py)."""

    default = False  # named in INSTALLED_APPS; ActionplanConfig stays this module's default
    default_site = "actionplan.admin_site.ProductAdminSite"
