from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("Monitoring en evaluatie")

    def ready(self) -> None:
        # purge_demo (in exchange, a floor below) cannot import this floor: it is told.
        from actionplan.demo import demo_purge_register
        from evaluations.demo import demo_evaluations_purge

        demo_purge_register(demo_evaluations_purge)
