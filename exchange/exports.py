"""Exports of actions, fiches and indicator values, with the filters of the lists."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse, QueryDict
from django.utils import timezone

from actionplan.columns import (
    ADMINISTRATION_HEADER,
    MINISTER_HEADER,
    action_rows,
    administration_rows,
    minister_rows,
)
from actionplan.columns import HEADER as ACTION_HEADER
from actionplan.filters import ActionFilter
from actionplan.models import Action, User
from actionplan.selectors import ministers_with_holders, plan_current
from exchange.spreadsheets import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    SpreadsheetError,
    write_csv,
    write_xlsx,
)
from fiches.api import FicheFilter
from fiches.columns import HEADER as FICHE_HEADER
from fiches.columns import fiche_rows
from fiches.models import Fiche
from indicators.api import IndicatorValueFilter
from indicators.columns import HEADER as VALUE_HEADER
from indicators.columns import value_rows
from indicators.models import IndicatorValue

KINDS = ("actions", "fiches", "indicator-values", "ministers", "administrations")
FORMATS = ("xlsx", "csv")
TITLES = {
    "actions": "Acties",
    "fiches": "Fiches",
    "indicator-values": "Indicatorwaarden",
    "ministers": "Ministers",
    "administrations": "Administraties",
}


class InvalidFilter(SpreadsheetError):
    def __init__(self, errors: Any) -> None:
        super().__init__(str(errors))
        self.errors = errors


def export_table(kind: str, params: QueryDict, user: User) -> tuple[list[str], Iterable[Any]]:
    # Reference data belongs to no plan: every portfolio and administration.
    if kind == "ministers":
        return MINISTER_HEADER, minister_rows(ministers_with_holders())
    if kind == "administrations":
        return ADMINISTRATION_HEADER, administration_rows()
    plan = plan_current(params.get("plan"))
    if kind == "actions":
        f = ActionFilter(params, queryset=Action.objects.for_plan(plan))
        if not f.is_valid():
            raise InvalidFilter(f.errors)
        return ACTION_HEADER, action_rows(f.qs)
    if kind == "fiches":
        f = FicheFilter(params, queryset=Fiche.objects.visible_to(user).filter(action__plan=plan))
        if not f.is_valid():
            raise InvalidFilter(f.errors)
        return FICHE_HEADER, fiche_rows(f.qs)
    f = IndicatorValueFilter(
        params, queryset=IndicatorValue.objects.filter(indicator__action__plan=plan)
    )
    if not f.is_valid():
        raise InvalidFilter(f.errors)
    return VALUE_HEADER, value_rows(f.qs)


def spreadsheet_response(
    kind: str, fmt: str, header: list[str], rows: Iterable[Any]
) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        content = write_xlsx(header, rows, title=TITLES.get(kind, kind))
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    else:
        response = HttpResponse(write_csv(header, rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{kind}-{stamp}.{fmt}"'
    return response
