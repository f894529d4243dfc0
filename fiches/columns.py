"""Fiches as a spreadsheet: one row per action and year."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from actionplan.models import action_plan_order
from fiches.models import Fiche

FICHE_COLUMNS = [
    "Code",
    "Titel",
    "Jaar",
    "Status",
    "Voortgang",
    "Trekkende administratie",
    "Inhoudelijk doel",
    "Plan van aanpak",
    "Stand van zaken",
    "Knelpunten",
    "Volgende stappen",
    "Ingediend op",
    "Goedgekeurd op",
    "Laatst gewijzigd",
]


def fiche_rows(fiches: QuerySet[Fiche]) -> Iterable[list[Any]]:
    for f in fiches.select_related("action__lead_administration").order_by(
        *action_plan_order("action__"), "year"
    ):
        yield [
            f.action.code,
            f.action.title,
            f.year,
            f.get_state_display(),
            f.get_progress_status_display(),
            f.action.lead_administration.code if f.action.lead_administration else "",
            f.goal,
            f.approach,
            f.status_update,
            f.obstacles,
            f.next_steps,
            f.submitted_at.date() if f.submitted_at else None,
            f.approved_at.date() if f.approved_at else None,
            f.updated_at.date() if f.updated_at else None,
        ]
