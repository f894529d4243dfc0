"""Spreadsheet columns, described once: the header users see (which is also what an import
reads), how a row's value is written, and how a cell is read back.

This module holds the ``Column`` type and the columns of the action list; ``indicators`` and
``fiches`` describe theirs in their own ``columns.py``. The exports and imports in
``exchange`` only put these columns to work.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from actionplan.models import Action, ActionQuerySet, Administration, Minister, PortfolioHolder
from actionplan.selectors import actions_with_relations, administrations_with_ministers

LIST_SEPARATOR = "; "


def parse_text(raw: str) -> str:
    return raw


def parse_int(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ValueError(_("Geef een geheel getal, geen ‘%(v)s’.") % {"v": raw}) from None


DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def parse_date(raw: str) -> dt.date | None:
    """A date as 2024-09-30 (what an export writes) or 30/09/2024; empty is none."""
    if not raw:
        return None
    match = DAY_MONTH_YEAR.match(raw)
    try:
        if match:
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
        return dt.date.fromisoformat(raw[:10])
    except ValueError:
        raise ValueError(_("Geef een datum als 30/09/2024, niet ‘%(v)s’.") % {"v": raw}) from None


def parse_list(raw: str) -> list[str]:
    """The names in a cell, separated by ``;`` or line breaks."""
    return [part for part in (p.strip() for p in re.split(r"[;\n]", raw)) if part]


@dataclass(frozen=True)
class Column[T]:
    """One column of a spreadsheet. ``parse`` turns a cell's text into a value, or raises
    ``ValueError`` with a message for the user; ``None`` for columns that are only written."""

    name: str
    header: str
    export: Callable[[T], Any]
    parse: Callable[[str], Any] | None = parse_text

    def read(self, raw: str) -> Any:
        if self.parse is None:
            raise TypeError(f"column {self.name} is not read by an import")
        return self.parse(raw)


def _names(items: Iterable[Any], attr: str) -> str:
    return LIST_SEPARATOR.join(str(getattr(item, attr)) for item in items)


def _code_or_blank(item: Any) -> str:
    return item.code if item else ""


ACTION_COLUMNS: list[Column[Action]] = [
    Column("code", "Code", lambda a: a.code),
    Column("title", "Titel", lambda a: a.title),
    Column("description", "Omschrijving", lambda a: a.description),
    Column(
        "operational_goal",
        "Operationele doelstelling",
        lambda a: _code_or_blank(a.operational_goal),
    ),
    Column(
        "lead_minister",
        "Trekkende minister",
        lambda a: a.lead_minister.name if a.lead_minister else "",
    ),
    Column(
        "co_lead_ministers",
        "Meewerkende ministers",
        lambda a: _names(a.co_lead_ministers.all(), "name"),
        parse_list,
    ),
    Column(
        "lead_administration",
        "Trekkende administratie",
        lambda a: _code_or_blank(a.lead_administration),
    ),
    Column(
        "co_lead_administrations",
        "Meewerkende administraties",
        lambda a: _names(a.co_lead_administrations.all(), "code"),
        parse_list,
    ),
    Column("partners", "Partners", lambda a: a.partners),
    Column("start_year", "Startjaar", lambda a: a.start_year, parse_int),
    Column("start_quarter", "Startkwartaal", lambda a: a.start_quarter, parse_int),
    Column("end_year", "Eindjaar", lambda a: a.end_year, parse_int),
    Column("end_quarter", "Eindkwartaal", lambda a: a.end_quarter, parse_int),
    Column(
        "violence_forms",
        "Vormen van geweld",
        lambda a: _names(a.violence_forms.all(), "code"),
        parse_list,
    ),
    Column(
        "target_groups",
        "Doelgroepen",
        lambda a: _names(a.target_groups.all(), "code"),
        parse_list,
    ),
    Column(
        "attention_points",
        "Beleidsaandachtspunten",
        lambda a: _names(a.attention_points.all(), "code"),
        parse_list,
    ),
    Column(
        "related_plans",
        "Gerelateerde plannen",
        lambda a: _names(a.related_plans.all(), "code"),
        parse_list,
    ),
]
COLUMNS = {column.name: column for column in ACTION_COLUMNS}
HEADER = [column.header for column in ACTION_COLUMNS]
LABEL = {column.name: column.header for column in ACTION_COLUMNS}

# An example row for the downloadable import template (clearly an example).
EXAMPLE = {
    "code": "1.1.99",
    "title": "Voorbeeldactie (verwijder deze rij)",
    "description": "SMART-omschrijving van de actie.",
    "operational_goal": "1.1",
    "start_year": 2025,
    "start_quarter": 1,
    "end_year": 2029,
    "end_quarter": 4,
    "violence_forms": "SG; IFG",
    "target_groups": "kinderen-en-jongeren",
    "attention_points": "a",
}


def action_rows(actions: ActionQuerySet) -> Iterable[list[Any]]:
    """One row per action, in the order of ACTION_COLUMNS (7 queries in all)."""
    for action in actions_with_relations(actions):
        yield [column.export(action) for column in ACTION_COLUMNS]


def action_template_rows() -> list[list[Any]]:
    return [[EXAMPLE.get(column.name, "") for column in ACTION_COLUMNS]]


# --- Ministers and administrations -------------------------------------------------------

# One row per holder of a portfolio (a portfolio without holders: one row without them). The
# portfolio's own columns repeat on each of its rows.
MINISTER_COLUMNS: list[Column[tuple[Minister, PortfolioHolder | None]]] = [
    Column("name", "Portefeuille", lambda r: r[0].name),
    Column("portfolio", "Bevoegdheden", lambda r: r[0].portfolio),
    Column("term_start", "Begin portefeuille", lambda r: r[0].term_start, parse_date),
    Column("term_end", "Einde portefeuille", lambda r: r[0].term_end, parse_date),
    Column("person_name", "Minister", lambda r: r[1].person_name if r[1] else ""),
    Column(
        "valid_from", "In functie vanaf", lambda r: r[1].valid_from if r[1] else None, parse_date
    ),
    Column(
        "valid_to", "In functie tot en met", lambda r: r[1].valid_to if r[1] else None, parse_date
    ),
    Column(
        "administrations",
        "Administraties",
        lambda r: _names(r[0].administrations.all(), "code"),
        parse_list,
    ),
]
MINISTER_HEADER = [column.header for column in MINISTER_COLUMNS]
MINISTER_LABEL = {column.name: column.header for column in MINISTER_COLUMNS}

ADMINISTRATION_COLUMNS: list[Column[Administration]] = [
    Column("code", "Code", lambda a: a.code),
    Column("name", "Naam", lambda a: a.name),
    Column("policy_domain", "Beleidsdomein", lambda a: _code_or_blank(a.policy_domain)),
    Column("ministers", "Ministers", lambda a: _names(a.ministers.all(), "name"), parse_list),
]
ADMINISTRATION_HEADER = [column.header for column in ADMINISTRATION_COLUMNS]
ADMINISTRATION_LABEL = {column.name: column.header for column in ADMINISTRATION_COLUMNS}


def minister_rows(ministers: Iterable[Minister]) -> Iterable[list[Any]]:
    """One row per holder period, portfolios in name order (ministers with their
    ``holders`` and ``administrations`` prefetched)."""
    for minister in ministers:
        holders: list[PortfolioHolder | None] = [*minister.holders.all()] or [None]
        for holder in holders:
            yield [column.export((minister, holder)) for column in MINISTER_COLUMNS]


def administration_rows() -> Iterable[list[Any]]:
    for administration in administrations_with_ministers():
        yield [column.export(administration) for column in ADMINISTRATION_COLUMNS]
