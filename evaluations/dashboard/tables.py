"""The dashboard's tables as rows, for the CSV downloads."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.translation import gettext as _

from evaluations.dashboard import selectors
from evaluations.dashboard.figures import Dashboard
from evaluations.dashboard.selectors import PROGRESS_COLUMNS, STATE_COLUMNS

TABLES = {
    "completion-administration": _("Rondevoltooiing per administratie"),
    "completion-minister": _("Rondevoltooiing per minister"),
    "outstanding": _("Ontbrekende en te late fiches"),
    **{f"progress-{key}": title for key, title, _g, _l in selectors.PROGRESS_DIMENSIONS},
    "late": _("Acties met vertraging"),
    "incomplete": _("Acties die niet SMART-volledig zijn"),
    "coverage-violence-forms": _("Dekking vormen van geweld"),
    "coverage-target-groups": _("Dekking doelgroepen"),
    "overlaps": _("Mogelijke overlap"),
    "indicators": _("Indicatoren"),
}


def table_rows(dashboard: Dashboard, name: str) -> list[list[Any]]:
    """A header row and data rows for table ``name``; KeyError when unknown."""
    d = dashboard
    if name.startswith("completion-"):
        rows = (
            d.completion.by_administration
            if name.endswith("administration")
            else d.completion.by_minister
        )
        header = [
            _("Naam"),
            *[str(label) for _s, label in STATE_COLUMNS],
            _("Totaal"),
            # xgettext:no-python-format
            _("% ingediend"),
            # xgettext:no-python-format
            _("% goedgekeurd"),
        ]
        return [header] + [
            [
                r.label,
                *[r.counts[s] for s, _l in STATE_COLUMNS],
                r.total,
                r.submitted_pct,
                r.approved_pct,
            ]
            for r in rows
        ]
    if name == "outstanding":
        return [[_("Actie"), _("Titel"), _("Trekker"), _("Status"), _("Deadline")]] + [
            [
                f.action.code,
                f.action.title,
                getattr(f.action.lead_administration, "name", ""),
                f.get_state_display(),
                f.round.deadline.isoformat(),
            ]
            for f in d.completion.outstanding_all
        ]
    if name.startswith("progress-"):
        key = name.removeprefix("progress-")
        table = next(t for t in d.progress_tables if t.key == key)
        header = [
            table.title,
            *[str(label) for _s, label in PROGRESS_COLUMNS],
            _("Totaal"),
            _("% afgerond"),
        ]
        return [header] + [
            [r.label, *[r.counts[s] for s, _l in PROGRESS_COLUMNS], r.total, r.completed_pct]
            for r in table.rows
        ]
    if name in ("late", "incomplete"):
        actions = d.bottlenecks.late_all if name == "late" else d.bottlenecks.incomplete_all
        return [[_("Actie"), _("Titel"), _("Trekker"), _("Einde"), _("Voortgang")]] + [
            [
                a.code,
                a.title,
                getattr(a.lead_administration, "name", ""),
                f"Q{a.end_quarter} {a.end_year}",
                dict(PROGRESS_COLUMNS).get(a.progress, ""),
            ]
            for a in actions
        ]
    if name.startswith("coverage-"):
        matrices = d.coverage_matrices
        matrix = matrices.violence_forms if name.endswith("forms") else matrices.target_groups
        return [[matrix.row_header, *[f"SD{g.number}" for g in matrix.columns]]] + [
            [str(item), *cells] for item, cells in matrix.rows
        ]
    if name == "overlaps":
        return [[_("OD"), _("Trekker"), _("Vormen"), _("Doelgroepen"), _("Acties")]] + [
            [
                g.operational_goal,
                g.administration,
                g.forms,
                g.groups,
                ", ".join(a.code for a in g.actions),
            ]
            for g in d.overlaps
        ]
    if name == "indicators":
        years = d.years
        trends = d.all_trends
        return [
            [
                _("Actie"),
                _("Indicator"),
                _("Eenheid"),
                _("Nulmeting"),
                _("Streefwaarde"),
                *years,
                _("% van doel"),
            ]
        ] + [
            [
                t.indicator.action.code,
                t.indicator.name,
                t.indicator.unit,
                t.indicator.baseline_value,
                t.indicator.target_value,
                *[next((v.value for v in t.values if v.year == y), "") for y in years],
                t.progress if t.progress is not None else "",
            ]
            for t in trends
        ]
    raise KeyError(name)


def to_csv(rows: list[list[Any]]) -> str:
    """CSV with a BOM so spreadsheet programs read UTF-8; formulas neutralised."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    for row in rows:
        writer.writerow([_neutralise(cell) for cell in row])
    return buffer.getvalue()


def _neutralise(cell: Any) -> Any:
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return "" if cell is None else cell
