from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = _("Opmaak en bijsturing van het plan")

    def ready(self) -> None:
        # Models are loaded only now (Django's app registry); the indicators floor learns
        # from this floor which plans have an approved baseline.
        from indicators.services import set_baseline_rule
        from planning.selectors import has_baseline

        set_baseline_rule(has_baseline)
