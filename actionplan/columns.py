"""The action list's spreadsheet columns, described once: the export writes them and the
import (in ``exchange``) reads them back."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from actionplan.models import Action
from actionplan.selectors import actions_with_relations

LIST_SEPARATOR = "; "

# (field, column header). The header is what users see; it is also what the import reads.
ACTION_COLUMNS: list[tuple[str, str]] = [
    ("code", "Code"),
    ("title", "Titel"),
    ("description", "Omschrijving"),
    ("operational_goal", "Operationele doelstelling"),
    ("lead_minister", "Trekkende minister"),
    ("co_lead_ministers", "Meewerkende ministers"),
    ("lead_administration", "Trekkende administratie"),
    ("co_lead_administrations", "Meewerkende administraties"),
    ("partners", "Partners"),
    ("start_year", "Startjaar"),
    ("start_quarter", "Startkwartaal"),
    ("end_year", "Eindjaar"),
    ("end_quarter", "Eindkwartaal"),
    ("violence_forms", "Vormen van geweld"),
    ("target_groups", "Doelgroepen"),
    ("attention_points", "Beleidsaandachtspunten"),
    ("related_plans", "Gerelateerde plannen"),
]
HEADER = [label for _name, label in ACTION_COLUMNS]
LABEL = dict(ACTION_COLUMNS)


def _names(items: Iterable[Any], attr: str) -> str:
    return LIST_SEPARATOR.join(str(getattr(item, attr)) for item in items)


def action_rows(actions: QuerySet[Action]) -> Iterable[list[Any]]:
    """One row per action, in the columns of ACTION_COLUMNS (7 queries in all)."""
    for a in actions_with_relations(actions):
        yield [
            a.code,
            a.title,
            a.description,
            a.operational_goal.code,
            a.lead_minister.name if a.lead_minister else "",
            _names(a.co_lead_ministers.all(), "name"),
            a.lead_administration.code if a.lead_administration else "",
            _names(a.co_lead_administrations.all(), "code"),
            a.partners,
            a.start_year,
            a.start_quarter,
            a.end_year,
            a.end_quarter,
            _names(a.violence_forms.all(), "code"),
            _names(a.target_groups.all(), "code"),
            _names(a.attention_points.all(), "code"),
            _names(a.related_plans.all(), "code"),
        ]
