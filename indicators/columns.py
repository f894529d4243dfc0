"""The spreadsheet columns of indicator values, described once: the export writes them and
the import (in ``exchange``) reads them back."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import QuerySet

from actionplan.models import action_plan_order
from indicators.models import IndicatorValue

VALUE_COLUMNS = [
    ("action", "Actie"),
    ("indicator_id", "Indicator-ID"),
    ("indicator", "Indicator"),
    ("unit", "Eenheid"),
    ("year", "Jaar"),
    ("value", "Waarde"),
    ("no_data", "Geen gegevens"),
    ("no_data_reason", "Reden geen gegevens"),
    ("assessment", "Beoordeling"),
]
HEADER = [label for _name, label in VALUE_COLUMNS]
LABEL = dict(VALUE_COLUMNS)
YES = {"ja", "j", "yes", "y", "true", "1", "x"}
NO = {"", "nee", "n", "no", "false", "0"}


def value_rows(values: QuerySet[IndicatorValue]) -> Iterable[list[Any]]:
    for v in values.select_related("indicator__action").order_by(
        *action_plan_order("indicator__action__"),
        "indicator__position",
        "indicator_id",
        "year",
    ):
        yield [
            v.indicator.action.code,
            v.indicator_id,
            v.indicator.name,
            v.indicator.unit,
            v.year,
            v.value,
            "ja" if v.no_data else "nee",
            v.no_data_reason,
            v.assessment,
        ]


def parse_decimal(raw: str) -> Decimal:
    """A number as people type it: ``1 250,50`` or ``1250.50``."""
    cleaned = raw.replace(" ", "").replace("\u00a0", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    value = Decimal(cleaned)
    if not value.is_finite():
        raise InvalidOperation
    return value
