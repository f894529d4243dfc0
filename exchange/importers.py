"""Spreadsheet imports of actions and indicator values, with a dry run.

An import first checks every row (unknown minister or administration, duplicate code, year
outside the plan, missing values...) and says per row what it would do; applying writes
everything in one transaction or nothing, with the file name as history reason. An export
imported unchanged changes nothing.

Editors import values of the actions their administration leads, for years whose fiche they
may still edit; coordinators import every value (scoped like the fiche form).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from actionplan.columns import ACTION_COLUMNS, COLUMNS, HEADER, LABEL
from actionplan.history import bulk_m2m_history
from actionplan.models import (
    Action,
    Administration,
    AttentionPoint,
    Minister,
    OperationalGoal,
    Plan,
    RelatedPlan,
    TargetGroup,
    User,
    ViolenceForm,
)
from actionplan.selectors import actions_with_relations
from actionplan.services import ACTION_M2M_FIELDS, action_lead_errors, action_save
from actionplan.texts import text_field
from exchange.spreadsheets import Table, require_columns
from fiches.checks import is_outlier, outlier_message, personal_data_messages
from fiches.models import Fiche
from fiches.selectors import counted_values
from indicators.columns import COLUMNS as VALUE_COLUMNS
from indicators.columns import LABEL as VALUE_LABEL
from indicators.models import Indicator, IndicatorValue

CODE = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
REQUIRED = {"code", "title", "start_year", "end_year"}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    applied: bool = False

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append({"row": row, "column": column, "message": message})

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
            "changes": self.changes,
            "applied": self.applied,
        }


def clean_row(
    obj: Model,
    *,
    result: ImportResult,
    row: int,
    labels: Mapping[str, str],
    where: str,
    exclude: Sequence[str] = (),
    validate_constraints: bool = True,
) -> bool:
    """The model's own validation of one row's object (field validators such as the number
    of digits, ``clean()``, check constraints), every message on its column and rules of the
    whole row on ``where``. The check and the apply both pass here, on the object the apply
    saves: what applying would refuse, the dry run lists by row and column."""
    try:
        obj.full_clean(
            exclude=list(exclude),
            validate_unique=False,
            validate_constraints=validate_constraints,
        )
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            for message in messages:
                result.error(row, labels.get(name, where), message)
        return False
    return True


# --- Import ----------------------------------------------------------------------------


class _Lookups:
    """Every reference the rows may name, loaded once."""

    def __init__(self, plan: Plan) -> None:
        self.ministers = {m.name.lower(): m for m in Minister.objects.all()}
        self.administrations = {a.code.lower(): a for a in Administration.objects.all()}
        self.forms = {f.code.lower(): f for f in ViolenceForm.objects.all()}
        self.groups = {g.code.lower(): g for g in TargetGroup.objects.all()}
        self.points = {p.code.lower(): p for p in AttentionPoint.objects.all()}
        self.related = {r.code.lower(): r for r in RelatedPlan.objects.all()}
        self.goals = {
            g.code: g
            for g in OperationalGoal.objects.filter(strategic_goal__plan=plan).select_related(
                "strategic_goal"
            )
        }

    def many(self, name: str) -> dict[str, Any]:
        tables: dict[str, dict[str, Any]] = {
            "co_lead_ministers": self.ministers,
            "co_lead_administrations": self.administrations,
            "violence_forms": self.forms,
            "target_groups": self.groups,
            "attention_points": self.points,
            "related_plans": self.related,
        }
        return tables[name]


UNKNOWN = {
    "lead_minister": "Onbekende minister: %(v)s.",
    "co_lead_ministers": "Onbekende minister: %(v)s.",
    "lead_administration": "Onbekende administratie: %(v)s.",
    "co_lead_administrations": "Onbekende administratie: %(v)s.",
    "violence_forms": "Onbekende vorm van geweld: %(v)s.",
    "target_groups": "Onbekende doelgroep: %(v)s.",
    "attention_points": "Onbekend beleidsaandachtspunt: %(v)s.",
    "related_plans": "Onbekend gerelateerd plan: %(v)s.",
}


@dataclass
class _Row:
    number: int
    code: str
    goal: OperationalGoal
    values: dict[str, Any]
    m2m: dict[str, list[Any]]

    def new_action(self, plan: Plan) -> Action:
        return Action(
            operational_goal=self.goal,
            strategic_goal_id=self.goal.strategic_goal_id,
            plan=plan,
            number=int(self.code.rsplit(".", 1)[1]),
            code=self.code,
        )


def _parse_row(
    number: int, cells: dict[str, str], plan: Plan, lookups: _Lookups, result: ImportResult
) -> _Row | None:
    before = len(result.errors)

    def err(name: str, message: str) -> None:
        result.error(number, LABEL[name], message)

    for name in REQUIRED:
        if not cells[name]:
            err(name, _("Verplichte waarde ontbreekt."))
    code = cells["code"]
    match = CODE.match(code)
    goal = None
    if code and not match:
        err("code", _("Een actiecode heeft de vorm 1.2.3."))
    elif match:
        goal = lookups.goals.get(f"{match[1]}.{match[2]}")
        if goal is None:
            err(
                "code",
                _("Operationele doelstelling %(od)s bestaat niet in dit plan.")
                % {"od": f"{match[1]}.{match[2]}"},
            )
        elif cells["operational_goal"] and cells["operational_goal"] != goal.code:
            err("operational_goal", _("Past niet bij de code (%(od)s).") % {"od": goal.code})
    values: dict[str, Any] = {
        "title": cells["title"],
        "description": cells["description"],
        "partners": cells["partners"],
    }
    if len(cells["title"]) > 500:
        err("title", _("De titel is langer dan 500 tekens."))
    for name, default in (
        ("start_year", None),
        ("end_year", None),
        ("start_quarter", 1),
        ("end_quarter", 4),
    ):
        raw = cells[name]
        if not raw:
            values[name] = default
            continue
        try:
            values[name] = COLUMNS[name].read(raw)
        except ValueError as exc:
            err(name, str(exc))
            continue
        if name.endswith("year") and values[name] not in plan.years:
            err(
                name,
                _("Het jaar %(y)s ligt buiten de looptijd van het plan (%(a)s–%(b)s).")
                % {"y": values[name], "a": plan.start_year, "b": plan.end_year},
            )
        if name.endswith("quarter") and not 1 <= values[name] <= 4:
            err(name, _("Een kwartaal ligt tussen 1 en 4."))
    # The model's own rule for the order of start and end. Without a plan, its clean()
    # leaves the years to the check above, which names the year in its message; a missing
    # or unreadable year (None) skips the rule, as it does in the form.
    timing = Action(  # type: ignore[misc]
        start_year=values.get("start_year"),
        end_year=values.get("end_year"),
        start_quarter=values.get("start_quarter") or 1,
        end_quarter=values.get("end_quarter") or 4,
    )
    try:
        timing.clean()
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            for message in messages:
                err(name, message)
    for name, table in (
        ("lead_minister", lookups.ministers),
        ("lead_administration", lookups.administrations),
    ):
        raw = cells[name]
        values[name] = None
        if raw:
            values[name] = table.get(raw.lower())
            if values[name] is None:
                err(name, _(UNKNOWN[name]) % {"v": raw})
    m2m: dict[str, list[Any]] = {}
    for name in ACTION_M2M_FIELDS:
        table = lookups.many(name)
        items = []
        for raw in COLUMNS[name].read(cells[name]):
            item = table.get(raw.lower())
            if item is None:
                err(name, _(UNKNOWN[name]) % {"v": raw})
            elif item not in items:
                items.append(item)
        m2m[name] = items
    # The service's rule on leads, reported on the row before anything is written.
    for name, message in action_lead_errors(
        lead_minister=values["lead_minister"],
        co_lead_ministers=m2m["co_lead_ministers"],
        lead_administration=values["lead_administration"],
        co_lead_administrations=m2m["co_lead_administrations"],
    ).items():
        err(name, message)
    if len(result.errors) > before or goal is None:
        return None
    return _Row(number, code, goal, values, m2m)


def _current(action: Action) -> tuple[dict[str, Any], dict[str, set[int]]]:
    values = {
        "title": action.title,
        "description": action.description,
        "partners": action.partners,
        "start_year": action.start_year,
        "end_year": action.end_year,
        "start_quarter": action.start_quarter,
        "end_quarter": action.end_quarter,
        "lead_minister": action.lead_minister_id,
        "lead_administration": action.lead_administration_id,
    }
    m2m = {name: {o.pk for o in getattr(action, name).all()} for name in ACTION_M2M_FIELDS}
    return values, m2m


def _differences(action: Action, row: _Row) -> list[str]:
    """The names of the fields ``row`` changes."""
    values, m2m = _current(action)
    changed = []
    for name, current in values.items():
        new = row.values[name]
        new = new.pk if hasattr(new, "pk") else new
        if current != new:
            changed.append(name)
    for name, current_ids in m2m.items():
        if current_ids != {o.pk for o in row.m2m[name]}:
            changed.append(name)
    return changed


# After the plan's baseline these fields change only by a decided change request
# (*bijsturing*: scope, timing, leads); an import may still correct the others.
ADJUSTED_BY_CHANGE_REQUEST = frozenset(
    {
        "title",
        "description",
        "start_year",
        "start_quarter",
        "end_year",
        "end_quarter",
        "lead_minister",
        "lead_administration",
        "co_lead_ministers",
        "co_lead_administrations",
    }
)


def _baseline_errors(plan: Plan, action: Action | None, fields: list[str]) -> list[tuple[str, str]]:
    """What an import may not do once the plan has a baseline: (column, message)."""
    if not plan.has_baseline:
        return []
    if action is None:
        return [
            (
                LABEL["code"],
                _(
                    "Het plan is goedgekeurd: een nieuwe actie komt er via een voorstel "
                    "(Ontwerp) en een wijzigingsverzoek, niet via een import."
                ),
            )
        ]
    return [
        (
            LABEL[name],
            _(
                "Het plan is goedgekeurd: dit is een bijsturing. Vraag ze aan met een "
                "wijzigingsverzoek op de pagina van actie %(code)s."
            )
            % {"code": action.code},
        )
        for name in fields
        if name in ADJUSTED_BY_CHANGE_REQUEST
    ]


def actions_import(
    *,
    table: Table,
    plan: Plan,
    user: User,
    filename: str,
    dry_run: bool,
    on_progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Check (and unless ``dry_run``, apply) an action list. All or nothing."""
    if not user.is_coordinator:
        raise PermissionDenied(_("Alleen de coördinator importeert acties."))
    positions = require_columns(table, HEADER)
    result = ImportResult()
    lookups = _Lookups(plan)
    existing = {a.code: a for a in actions_with_relations(Action.objects.for_plan(plan))}
    # Codes of accepted actions clustered in the draft: not the import's to take or change.
    drafted = set(
        Action.objects.filter(plan=plan).drafts().exclude(code="").values_list("code", flat=True)
    )
    seen: dict[str, int] = {}
    parsed: list[tuple[_Row, Action, bool]] = []
    for index, cells_list in enumerate(table.rows, start=2):
        if not any(cells_list):
            continue
        cells = {
            column.name: cells_list[positions[column.header.lower()]] for column in ACTION_COLUMNS
        }
        if cells["code"] in seen:
            result.error(
                index,
                LABEL["code"],
                _("Deze code staat al op rij %(r)s.") % {"r": seen[cells["code"]]},
            )
            continue
        if cells["code"]:
            seen[cells["code"]] = index
        row = _parse_row(index, cells, plan, lookups, result)
        if row is None:
            continue
        action = existing.get(row.code)
        if row.code in drafted:
            result.error(
                index,
                LABEL["code"],
                _("Deze code hoort bij een actie in opmaak (Ontwerp); kies een andere code."),
            )
            continue
        fields = _differences(action, row) if action is not None else []
        refused = _baseline_errors(plan, action, fields)
        for column, message in refused:
            result.error(index, column, message)
        if refused:
            continue
        if action is not None and not fields:
            result.unchanged += 1
            continue
        # The object the apply saves, checked here as the apply checks it: a change as the
        # service's full_clean does, a new action as before the bulk insert (its code is
        # new in the plan, its timing checked above). The dry run refuses what applying would.
        target = action if action is not None else row.new_action(plan)
        for name, value in row.values.items():
            setattr(target, name, value)
        if not clean_row(
            target,
            result=result,
            row=index,
            labels=LABEL,
            where=LABEL["code"],
            exclude=() if action is not None else ["operational_goal", "strategic_goal", "plan"],
            validate_constraints=action is not None,
        ):
            continue
        if action is None:
            result.created += 1
            result.changes.append(
                {"row": index, "code": row.code, "change": "create", "fields": []}
            )
        else:
            result.updated += 1
            result.changes.append(
                {
                    "row": index,
                    "code": row.code,
                    "change": "update",
                    "fields": [LABEL[name] for name in fields],
                }
            )
        parsed.append((row, target, action is None))
        if on_progress and index % 500 == 0:
            on_progress(int(40 * index / max(len(table.rows), 1)))
    if result.errors or dry_run:
        return result
    return _applied(result, lambda: _apply(parsed, user, filename, on_progress))


@transaction.atomic
def _apply(
    parsed: list[tuple[_Row, Action, bool]],
    user: User,
    filename: str,
    on_progress: Callable[[int], None] | None,
) -> None:
    """Save what ``actions_import`` checked: (row, action with the row's values, is new)."""
    reason = _("import %(file)s") % {"file": filename}
    new_rows = [(row, obj) for row, obj, is_new in parsed if is_new]
    # New actions in bulk (with their history); changed ones one by one through the service.
    if new_rows:
        created = bulk_create_with_history(
            [obj for _row, obj in new_rows],
            Action,
            batch_size=500,
            default_user=user,
            default_change_reason=reason,
        )
        for name in ACTION_M2M_FIELDS:
            through = getattr(Action, name).through
            target = getattr(Action, name).field.m2m_reverse_field_name()
            through.objects.bulk_create(
                [
                    through(action_id=obj.pk, **{f"{target}_id": item.pk})
                    for obj, (row, _obj) in zip(created, new_rows, strict=True)
                    for item in row.m2m[name]
                ],
                batch_size=2000,
            )
        bulk_m2m_history(Action, created)
    if on_progress:
        on_progress(70)
    for row, action, is_new in parsed:
        if is_new:
            continue
        action._history_user = user  # type: ignore[attr-defined]
        action_save(action=action, m2m=row.m2m, reason=reason)


def values_import(
    *,
    table: Table,
    plan: Plan,
    user: User,
    filename: str,
    dry_run: bool,
    on_progress: Callable[[int], None] | None = None,
) -> ImportResult:
    read = [column for column in VALUE_COLUMNS.values() if column.parse is not None]
    positions = require_columns(table, [column.header for column in read])
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
    # The approved values: a new value far from last year's is refused (the fiche's rule).
    approved = {
        (indicator_id, year): value
        for indicator_id, year, value in counted_values(
            IndicatorValue.objects.filter(indicator__action__plan=plan, value__isnull=False)
        ).values_list("indicator_id", "year", "value")
    }
    seen: dict[tuple[int, int], int] = {}
    pending: list[IndicatorValue] = []

    def cell(row: list[str], name: str) -> str:
        position = positions.get(VALUE_LABEL[name].lower())
        return row[position] if position is not None else ""

    for number, row in enumerate(table.rows, start=2):
        if not any(row):
            continue
        before = len(result.errors)
        try:
            indicator = indicators.get(
                VALUE_COLUMNS["indicator_id"].read(cell(row, "indicator_id"))
            )
        except ValueError:
            indicator = None
        if indicator is None:
            result.error(number, VALUE_LABEL["indicator_id"], _("Onbekende indicator."))
            continue
        try:
            year = VALUE_COLUMNS["year"].read(cell(row, "year"))
        except ValueError:
            result.error(number, VALUE_LABEL["year"], _("Geef een jaartal."))
            continue
        if year not in plan.years:
            result.error(
                number,
                VALUE_LABEL["year"],
                _("Het jaar ligt buiten de looptijd van het plan (%(a)s–%(b)s).")
                % {"a": plan.start_year, "b": plan.end_year},
            )
            continue
        if indicator.pk not in editable_indicators:
            result.error(
                number,
                VALUE_LABEL["indicator_id"],
                _("Je mag de waarden van actie %(code)s niet wijzigen.")
                % {"code": indicator.action.code},
            )
            continue
        if not user.is_coordinator and (indicator.action_id, year) not in editable_fiches:
            result.error(
                number,
                VALUE_LABEL["year"],
                _("De fiche %(year)s van actie %(code)s is niet (meer) te bewerken.")
                % {"year": year, "code": indicator.action.code},
            )
            continue
        key = (indicator.pk, year)
        if key in seen:
            result.error(
                number,
                VALUE_LABEL["indicator_id"],
                _("Deze indicator en dit jaar staan al op rij %(r)s.") % {"r": seen[key]},
            )
            continue
        seen[key] = number
        try:
            no_data = VALUE_COLUMNS["no_data"].read(cell(row, "no_data"))
        except ValueError as exc:
            result.error(number, VALUE_LABEL["no_data"], str(exc))
            no_data = False
        reason = VALUE_COLUMNS["no_data_reason"].read(cell(row, "no_data_reason"))
        value = None
        raw_value = cell(row, "value")
        if raw_value:
            if not indicator.is_quantitative:
                result.error(
                    number,
                    VALUE_LABEL["value"],
                    _("Een kwalitatieve indicator heeft geen getal; gebruik de beoordeling."),
                )
            else:
                try:
                    value = VALUE_COLUMNS["value"].read(raw_value)
                except ValueError as exc:
                    result.error(number, VALUE_LABEL["value"], str(exc))
                else:
                    bound = indicator.value_error(value)
                    previous = approved.get((indicator.pk, year - 1))
                    if bound:
                        result.error(number, VALUE_LABEL["value"], bound)
                    elif previous is not None and is_outlier(previous, value):
                        result.error(
                            number,
                            VALUE_LABEL["value"],
                            outlier_message(previous, year - 1, confirmable=False),
                        )
        if no_data and value is not None:
            result.error(
                number, VALUE_LABEL["value"], _("Geef een waarde óf ‘geen gegevens’, niet beide.")
            )
        if no_data and not reason:
            result.error(
                number, VALUE_LABEL["no_data_reason"], _("Leg uit waarom er geen gegevens zijn.")
            )
        assessment = VALUE_COLUMNS["assessment"].read(cell(row, "assessment"))
        texts = {"assessment": assessment, "no_data_reason": reason}
        too_long = False
        for name, text in texts.items():
            # The model's own limits, reported on the row instead of failing the import;
            # checked first, as the personal-data patterns take ever longer on a long text.
            try:
                text_field(IndicatorValue, name).run_validators(text)
            except ValidationError as exc:
                result.error(number, VALUE_LABEL[name], " ".join(exc.messages))
                too_long = True
        if not too_long:
            for name, message in personal_data_messages(texts, confirmable=False).items():
                result.error(number, VALUE_LABEL[name], message)
        if len(result.errors) > before:
            continue
        new = {
            "value": value,
            "no_data": no_data,
            "no_data_reason": reason if no_data else "",
            "assessment": assessment,
        }
        current = existing.get(key)
        if current is None:
            if value is None and not no_data and not new["assessment"]:
                continue  # an empty row for a year without values: nothing to do
            target = IndicatorValue(indicator=indicator, year=year)
        elif any(getattr(current, k) != v for k, v in new.items()):
            target = current
        else:
            result.unchanged += 1
            continue
        for name, item in new.items():
            setattr(target, name, item)
        target.updated_by = user
        if not clean_row(
            target,
            result=result,
            row=number,
            labels=VALUE_LABEL,
            where=VALUE_LABEL["value"],
            exclude=["indicator", "updated_by"],
        ):
            continue
        if target.pk is None:
            result.created += 1
        else:
            result.updated += 1
        pending.append(target)
    if result.errors or dry_run:
        return result
    return _applied(result, lambda: _apply_values(pending, user, filename))


def _applied(result: ImportResult, apply: Callable[[], None]) -> ImportResult:
    """Apply what the check passed. The check ran every rule the apply runs, on the same
    objects; only a change made by someone else in between can still be refused here, and
    then nothing is written and the import says so instead of failing."""
    try:
        apply()
    except (ValidationError, IntegrityError):
        result.error(
            0,
            "",
            _(
                "Iemand anders wijzigde intussen dezelfde gegevens; er is niets gewijzigd. "
                "Controleer het bestand opnieuw."
            ),
        )
        return result
    result.applied = True
    return result


@transaction.atomic
def _apply_values(pending: list[IndicatorValue], user: User, filename: str) -> None:
    """Save what ``values_import`` checked: every object already passed ``clean_row``."""
    reason = _("import %(file)s") % {"file": filename}
    new: list[IndicatorValue] = []
    for value in pending:
        if value.pk is None:
            new.append(value)
        else:
            value._history_user = user  # type: ignore[attr-defined]
            value._change_reason = reason  # type: ignore[attr-defined]
            value.save()
    bulk_create_with_history(
        new, IndicatorValue, batch_size=500, default_user=user, default_change_reason=reason
    )
