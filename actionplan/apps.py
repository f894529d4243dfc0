from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionplanConfig(AppConfig):
    name = "actionplan"
    verbose_name = _("Actieplan")

    def ready(self) -> None:
        from actionplan.celery import ensure_filesystem_queue

        ensure_filesystem_queue()
