"""The spreadsheet columns of indicator values, described once: the export writes them and
the import (in ``exchange``) reads them back."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from actionplan.columns import Column, parse_int, parse_text
from actionplan.models import action_plan_order
from indicators.models import IndicatorValue
from indicators.numbers import parse_number

YES = {"ja", "j", "yes", "y", "true", "1", "x"}
NO = {"", "nee", "n", "no", "false", "0"}


def parse_yes_no(raw: str) -> bool:
    answer = raw.lower()
    if answer not in YES | NO:
        raise ValueError(_("Schrijf ‘ja’ of ‘nee’."))
    return answer in YES


# Action, indicator name and unit are written for the reader; the import does not read them.
VALUE_COLUMNS: list[Column[IndicatorValue]] = [
    Column("action", "Actie", lambda v: v.indicator.action.code, None),
    Column("indicator_id", "Indicator-ID", lambda v: v.indicator_id, parse_int),
    Column("indicator", "Indicator", lambda v: v.indicator.name, None),
    Column("unit", "Eenheid", lambda v: v.indicator.unit, None),
    Column("year", "Jaar", lambda v: v.year, parse_int),
    Column("value", "Waarde", lambda v: v.value, parse_number),
    Column("no_data", "Geen gegevens", lambda v: "ja" if v.no_data else "nee", parse_yes_no),
    Column("no_data_reason", "Reden geen gegevens", lambda v: v.no_data_reason, parse_text),
    Column("assessment", "Beoordeling", lambda v: v.assessment, parse_text),
]
COLUMNS = {column.name: column for column in VALUE_COLUMNS}
HEADER = [column.header for column in VALUE_COLUMNS]
LABEL = {column.name: column.header for column in VALUE_COLUMNS}


def value_rows(values: QuerySet[IndicatorValue]) -> Iterable[list[Any]]:
    for value in values.select_related("indicator__action").order_by(
        *action_plan_order("indicator__action__"),
        "indicator__position",
        "indicator_id",
        "year",
    ):
        yield [column.export(value) for column in VALUE_COLUMNS]
