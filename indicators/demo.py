"""Demo indicators are written by ``fiches.demo`` with the fiches; this floor removes them."""

from __future__ import annotations

from django.db import transaction

from actionplan.demo import demo_actions
from actionplan.history import delete_with_history
from indicators.models import Indicator, IndicatorValue


def demo_indicators_purge() -> dict[str, int]:
    """Delete the indicators of demo actions and their values, with their history."""
    indicators = Indicator.objects.filter(action__in=demo_actions())
    with transaction.atomic():
        values = delete_with_history(IndicatorValue.objects.filter(indicator__in=indicators))
        return {"indicators": delete_with_history(indicators), "values": values}
