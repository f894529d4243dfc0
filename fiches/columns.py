"""The spreadsheet columns of fiches, described once: one row per action and year. Fiches
are exported only; they change through the fiche form and its workflow, not by import."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from actionplan.columns import Column
from actionplan.models import action_plan_order
from fiches.models import Fiche


def _day(moment: datetime | None) -> Any:
    return moment.date() if moment else None


FICHE_COLUMNS: list[Column[Fiche]] = [
    Column("code", "Code", lambda f: f.action.code, None),
    Column("title", "Titel", lambda f: f.action.title, None),
    Column("year", "Jaar", lambda f: f.year, None),
    Column("state", "Status", lambda f: f.get_state_display(), None),
    Column("progress_status", "Voortgang", lambda f: f.get_progress_status_display(), None),
    Column(
        "lead_administration",
        "Trekkende administratie",
        lambda f: f.action.lead_administration.code if f.action.lead_administration else "",
        None,
    ),
    Column("goal", "Inhoudelijk doel", lambda f: f.goal, None),
    Column("approach", "Plan van aanpak", lambda f: f.approach, None),
    Column("status_update", "Stand van zaken", lambda f: f.status_update, None),
    Column("obstacles", "Knelpunten", lambda f: f.obstacles, None),
    Column("next_steps", "Volgende stappen", lambda f: f.next_steps, None),
    Column("submitted_at", "Ingediend op", lambda f: _day(f.submitted_at), None),
    Column("approved_at", "Goedgekeurd op", lambda f: _day(f.approved_at), None),
    Column("updated_at", "Laatst gewijzigd", lambda f: _day(f.updated_at), None),
]
HEADER = [column.header for column in FICHE_COLUMNS]


def fiche_rows(fiches: QuerySet[Fiche]) -> Iterable[list[Any]]:
    for fiche in fiches.select_related("action__lead_administration").order_by(
        *action_plan_order("action__"), "year"
    ):
        yield [column.export(fiche) for column in FICHE_COLUMNS]
