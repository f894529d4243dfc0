"""Indicator values as a spreadsheet: export, and import scoped like the fiche form.

Editors import values of the actions their administration leads, for years whose fiche they
may still edit; coordinators import every value. All rows are checked first; applying is
all or nothing, with the file name as history reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from actionplan.exchange import ImportResult
from actionplan.models import Plan, User, action_plan_order
from actionplan.spreadsheets import Table, require_columns
from fiches.models import Fiche
from indicators.models import Indicator, IndicatorValue

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


def _decimal(raw: str) -> Decimal:
    cleaned = raw.replace(" ", "").replace("\u00a0", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    value = Decimal(cleaned)
    if not value.is_finite():
        raise InvalidOperation
    return value


def values_import(
    *,
    table: Table,
    plan: Plan,
    user: User,
    filename: str,
    dry_run: bool,
    on_progress: Callable[[int], None] | None = None,
) -> ImportResult:
    positions = require_columns(
        table,
        [
            LABEL["indicator_id"],
            LABEL["year"],
            LABEL["value"],
            LABEL["no_data"],
            LABEL["no_data_reason"],
            LABEL["assessment"],
        ],
    )
    result = ImportResult()
    indicators = Indicator.objects.filter(action__plan=plan).select_related("action").in_bulk()
    editable_indicators = set(
        Indicator.objects.editable_by(user).filter(action__plan=plan).values_list("id", flat=True)
    )
    editable_fiches = set(
        Fiche.objects.editable_by(user).filter(action__plan=plan).values_list("action_id", "year")
    )
    existing = {
        (v.indicator_id, v.year): v
        for v in IndicatorValue.objects.filter(indicator__action__plan=plan)
    }
    seen: dict[tuple[int, int], int] = {}
    pending: list[tuple[IndicatorValue, dict[str, Any]]] = []

    def cell(row: list[str], name: str) -> str:
        position = positions.get(LABEL[name].lower())
        return row[position] if position is not None else ""

    for number, row in enumerate(table.rows, start=2):
        if not any(row):
            continue
        before = len(result.errors)
        try:
            indicator = indicators.get(int(cell(row, "indicator_id")))
        except ValueError:
            indicator = None
        if indicator is None:
            result.error(number, LABEL["indicator_id"], _("Onbekende indicator."))
            continue
        try:
            year = int(cell(row, "year"))
        except ValueError:
            result.error(number, LABEL["year"], _("Geef een jaartal."))
            continue
        if year not in plan.years:
            result.error(
                number,
                LABEL["year"],
                _("Het jaar ligt buiten de looptijd van het plan (%(a)s–%(b)s).")
                % {"a": plan.start_year, "b": plan.end_year},
            )
            continue
        if indicator.pk not in editable_indicators:
            result.error(
                number,
                LABEL["indicator_id"],
                _("Je mag de waarden van actie %(code)s niet wijzigen.")
                % {"code": indicator.action.code},
            )
            continue
        if not user.is_coordinator and (indicator.action_id, year) not in editable_fiches:
            result.error(
                number,
                LABEL["year"],
                _("De fiche %(year)s van actie %(code)s is niet (meer) te bewerken.")
                % {"year": year, "code": indicator.action.code},
            )
            continue
        key = (indicator.pk, year)
        if key in seen:
            result.error(
                number,
                LABEL["indicator_id"],
                _("Deze indicator en dit jaar staan al op rij %(r)s.") % {"r": seen[key]},
            )
            continue
        seen[key] = number
        raw_no_data = cell(row, "no_data").lower()
        if raw_no_data not in YES | NO:
            result.error(number, LABEL["no_data"], _("Schrijf ‘ja’ of ‘nee’."))
        no_data = raw_no_data in YES
        reason = cell(row, "no_data_reason")
        value = None
        raw_value = cell(row, "value")
        if raw_value:
            if not indicator.is_quantitative:
                result.error(
                    number,
                    LABEL["value"],
                    _("Een kwalitatieve indicator heeft geen getal; gebruik de beoordeling."),
                )
            else:
                try:
                    value = _decimal(raw_value)
                except (InvalidOperation, ValueError):
                    result.error(
                        number,
                        LABEL["value"],
                        _("Geef een getal, geen tekst (‘%(v)s’).") % {"v": raw_value},
                    )
        if no_data and value is not None:
            result.error(
                number, LABEL["value"], _("Geef een waarde óf ‘geen gegevens’, niet beide.")
            )
        if no_data and not reason:
            result.error(
                number, LABEL["no_data_reason"], _("Leg uit waarom er geen gegevens zijn.")
            )
        if len(result.errors) > before:
            continue
        new = {
            "value": value,
            "no_data": no_data,
            "no_data_reason": reason if no_data else "",
            "assessment": cell(row, "assessment"),
        }
        current = existing.get(key)
        if current is None:
            if value is None and not no_data and not new["assessment"]:
                continue  # an empty row for a year without values: nothing to do
            result.created += 1
            pending.append((IndicatorValue(indicator=indicator, year=year), new))
        elif any(getattr(current, k) != v for k, v in new.items()):
            result.updated += 1
            pending.append((current, new))
        else:
            result.unchanged += 1
    if result.errors or dry_run:
        return result
    _apply(pending, user, filename)
    result.applied = True
    return result


@transaction.atomic
def _apply(pending: list[tuple[IndicatorValue, dict[str, Any]]], user: User, filename: str) -> None:
    reason = _("import %(file)s") % {"file": filename}
    new = []
    for value, data in pending:
        for key, item in data.items():
            setattr(value, key, item)
        value.updated_by = user
        value.full_clean(exclude=["indicator"], validate_unique=False)
        if value.pk is None:
            new.append(value)
        else:
            value._history_user = user  # type: ignore[attr-defined]
            value._change_reason = reason  # type: ignore[attr-defined]
            value.save()
    bulk_create_with_history(
        new, IndicatorValue, batch_size=500, default_user=user, default_change_reason=reason
    )
