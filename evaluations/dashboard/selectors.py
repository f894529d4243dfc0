"""The figures of the monitoring dashboard, aggregated in the database.

Every function takes the (filtered) actions and the year the dashboard stands in, and
answers with a fixed number of grouped queries, whatever the number of actions. Python
only pivots the grouped rows (a handful per dimension) into tables.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    F,
    FilteredRelation,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actionplan.models import (
    Action,
    ActionStage,
    AttentionPoint,
    Plan,
    StrategicGoal,
    TargetGroup,
    ViolenceForm,
    action_plan_order,
)
from fiches.models import Fiche, FicheQuerySet, FicheState, ProgressStatus, ReportingRound
from indicators.models import Indicator

UNKNOWN = "unknown"
PROGRESS_COLUMNS: list[tuple[str, Any]] = [
    *ProgressStatus.choices,
    (UNKNOWN, _("nog geen goedgekeurde fiche")),
]
STATE_COLUMNS: list[tuple[str, Any]] = list(FicheState.choices)


@dataclass
class AsOf:
    """The dashboard "as it stood" in ``year``: the current date in the current year, the
    last day of any other year."""

    year: int
    date: dt.date

    @classmethod
    def for_year(cls, year: int, today: dt.date | None = None) -> AsOf:
        today = today or timezone.localdate()
        return cls(year, today if year == today.year else dt.date(year, 12, 31))

    @property
    def quarter(self) -> int:
        return (self.date.month - 1) // 3 + 1


# --- Round completion ------------------------------------------------------------------


@dataclass
class CompletionRow:
    key: Any
    label: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def cells(self) -> list[tuple[str, int]]:
        """(state, number) in column order, for templates."""
        return [(state, self.counts.get(state, 0)) for state, _label in STATE_COLUMNS]

    @property
    def without_lead(self) -> bool:
        """The row of the fiches whose action has no lead (minister or administration)."""
        return self.key is None

    @property
    def submitted(self) -> int:
        """Submitted, approved ones included: the editor's part is done."""
        return self.counts.get(FicheState.SUBMITTED, 0) + self.counts.get(FicheState.APPROVED, 0)

    @property
    def approved(self) -> int:
        return self.counts.get(FicheState.APPROVED, 0)

    @property
    def submitted_pct(self) -> int:
        return round(100 * self.submitted / self.total) if self.total else 0

    @property
    def approved_pct(self) -> int:
        return round(100 * self.approved / self.total) if self.total else 0


@dataclass
class CompletionSummary:
    """The round of the year and its fiches counted per state: the overview's figures."""

    round: ReportingRound | None
    totals: CompletionRow
    outstanding_count: int
    late_count: int


@dataclass
class Completion:
    round: ReportingRound | None
    by_administration: list[CompletionRow]
    by_minister: list[CompletionRow]
    totals: CompletionRow
    outstanding: list[Fiche]
    outstanding_count: int
    late_count: int
    outstanding_all: QuerySet[Fiche]


@dataclass(frozen=True)
class NoLeadNote:
    """What the "geen trekker" row of a table per lead holds, said beside it."""

    short: Any
    long: Any


NO_LEAD_NOTES: dict[str, NoLeadNote] = {
    "minister": NoLeadNote(
        _("acties zonder trekkende minister"),
        _(
            "‘geen trekker’ groepeert de acties (en hun fiches) waaraan nog geen trekkende "
            "minister is toegewezen. Ze tellen mee in de totalen; welke acties het zijn, staat "
            "onder Knelpunten bij de acties die niet SMART-volledig zijn."
        ),
    ),
    "administration": NoLeadNote(
        _("acties zonder trekkende administratie"),
        _(
            "‘geen trekker’ groepeert de acties (en hun fiches) waaraan nog geen trekkende "
            "administratie is toegewezen. Ze tellen mee in de totalen; welke acties het zijn, "
            "staat onder Knelpunten bij de acties die niet SMART-volledig zijn."
        ),
    ),
}


def _state_counts() -> dict[str, Count]:
    return {state: Count("pk", filter=Q(state=state)) for state, _label in STATE_COLUMNS}


def _completion_rows(fiches: QuerySet[Fiche], key: str, label: str) -> list[CompletionRow]:
    # By name, the actions without a lead last: the row that needs its explanation comes
    # after the ones that explain themselves (SQLite would put NULL first).
    rows = (
        fiches.values(key, label)
        .annotate(**_state_counts())
        .order_by(F(label).asc(nulls_last=True))
    )
    return [
        CompletionRow(
            key=row[key],
            label=row[label] or str(_("geen trekker")),
            counts={state: row[state] for state, _label in STATE_COLUMNS},
        )
        for row in rows
    ]


def _year_fiches(actions: QuerySet[Action], as_of: AsOf) -> QuerySet[Fiche]:
    return Fiche.objects.filter(year=as_of.year, action__in=actions)


def completion_summary(plan: Plan, actions: QuerySet[Action], as_of: AsOf) -> CompletionSummary:
    """Two queries: the round of the year, the fiche counts per state."""
    rnd = ReportingRound.objects.filter(plan=plan, year=as_of.year).first()
    totals_row = _year_fiches(actions, as_of).aggregate(**_state_counts())
    outstanding = totals_row[FicheState.DRAFT] + totals_row[FicheState.RETURNED]
    # Late: not submitted (draft or returned) while the round's deadline has passed.
    late = rnd is not None and rnd.deadline < as_of.date
    return CompletionSummary(
        round=rnd,
        totals=CompletionRow(None, str(_("Totaal")), totals_row),
        outstanding_count=outstanding,
        late_count=outstanding if late else 0,
    )


def completion(
    plan: Plan,
    actions: QuerySet[Action],
    as_of: AsOf,
    *,
    limit: int = 25,
    summary: CompletionSummary | None = None,
) -> Completion:
    """The summary (unless given) and three queries: per administration, per minister,
    the outstanding fiches."""
    summary = summary or completion_summary(plan, actions, as_of)
    fiches = _year_fiches(actions, as_of)
    outstanding = (
        fiches.filter(state__in=[FicheState.DRAFT, FicheState.RETURNED])
        .select_related("action__lead_administration", "round")
        .order_by(*action_plan_order("action__"))
    )
    return Completion(
        round=summary.round,
        by_administration=_completion_rows(
            fiches, "action__lead_administration_id", "action__lead_administration__name"
        ),
        by_minister=_completion_rows(
            fiches, "action__lead_minister_id", "action__lead_minister__name"
        ),
        totals=summary.totals,
        outstanding=list(outstanding[:limit]),
        outstanding_all=outstanding,
        outstanding_count=summary.outstanding_count,
        late_count=summary.late_count,
    )


# --- Plan progress ---------------------------------------------------------------------


class ProgressAnnotation(TypedDict):
    progress: str


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    ActionWithProgress = WithAnnotations[Action, ProgressAnnotation]


def with_progress(actions: QuerySet[Action], as_of: AsOf) -> QuerySet[ActionWithProgress]:
    """Annotate ``progress``: the status of the current approved fiche as of the year
    (``FicheQuerySet.approved_as_of``), or ``unknown``. At most one fiche per action meets
    that condition, so this is one outer join rather than a lookup per action."""
    current = FilteredRelation(
        "fiches",
        condition=FicheQuerySet.approved_as_of_condition(as_of.year, prefix="fiches__"),
    )
    return actions.annotate(current_fiche=current).annotate(
        progress=Coalesce(F("current_fiche__progress_status"), Value(UNKNOWN))
    )


@dataclass
class ProgressRow:
    key: Any
    label: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def cells(self) -> list[int]:
        """The numbers in column order, for templates."""
        return [self.counts.get(status, 0) for status, _label in PROGRESS_COLUMNS]

    @property
    def completed_pct(self) -> int:
        done = self.counts.get(ProgressStatus.COMPLETED, 0)
        return round(100 * done / self.total) if self.total else 0

    @property
    def without_lead(self) -> bool:
        """The row of the actions without a lead (tables per minister or administration)."""
        return self.key is None


@dataclass
class ProgressTable:
    key: str
    title: str
    rows: list[ProgressRow]

    @property
    def no_lead(self) -> NoLeadNote | None:
        """The explanation of the "geen trekker" row, when this table has one."""
        if self.key in NO_LEAD_NOTES and any(row.without_lead for row in self.rows):
            return NO_LEAD_NOTES[self.key]
        return None


PROGRESS_DIMENSIONS: list[tuple[str, Any, str, str]] = [
    # (table key, title, group-by key, group-by label)
    (
        "strategic_goal",
        _("Per strategische doelstelling"),
        "operational_goal__strategic_goal__number",
        "operational_goal__strategic_goal__title",
    ),
    (
        "operational_goal",
        _("Per operationele doelstelling"),
        "operational_goal__code",
        "operational_goal__title",
    ),
    ("minister", _("Per trekkende minister"), "lead_minister_id", "lead_minister__name"),
    (
        "administration",
        _("Per trekkende administratie"),
        "lead_administration_id",
        "lead_administration__name",
    ),
    ("violence_form", _("Per vorm van geweld"), "violence_forms__code", "violence_forms__name"),
    ("target_group", _("Per doelgroep"), "target_groups__code", "target_groups__name"),
]


def _progress_table(
    annotated: QuerySet[Action], key: str, title: Any, group: str, label: str
) -> ProgressTable:
    rows: dict[Any, ProgressRow] = {}
    # Leads by name, tags by code; the actions without a lead last (see _completion_rows).
    order = [F(label).asc(nulls_last=True)] if key in NO_LEAD_NOTES else []
    grouped = (
        annotated.values(group, label, "progress")
        # Each action joins at most one current fiche, and a tag once: no DISTINCT needed.
        .annotate(n=Count("pk"))
        .order_by(*order, F(group).asc(nulls_last=True))
    )
    for row in grouped:
        if row[group] is None and key in ("violence_form", "target_group"):
            continue
        entry = rows.setdefault(
            row[group],
            ProgressRow(
                row[group],
                _progress_label(key, row[group], row[label]),
                {status: 0 for status, _label in PROGRESS_COLUMNS},
            ),
        )
        entry.counts[row["progress"]] = entry.counts.get(row["progress"], 0) + row["n"]
    return ProgressTable(key, str(title), list(rows.values()))


def _progress_label(key: str, group: Any, label: Any) -> str:
    if group is None:
        return str(_("geen trekker"))
    if key == "strategic_goal":
        return f"SD{group}"
    if key == "operational_goal":
        return f"OD{group} {label}"
    return str(label)


@dataclass
class Progress:
    tables: list[ProgressTable]
    totals: ProgressRow
    late: list[Action]
    late_count: int
    incomplete: list[Action]
    incomplete_count: int
    late_all: QuerySet[ActionWithProgress]
    incomplete_all: QuerySet[ActionWithProgress]


def late_condition(as_of: AsOf) -> Q:
    """Late: the end has passed without completion, or the fiche reports a delay."""
    ended = Q(end_year__lt=as_of.year) | Q(end_year=as_of.year, end_quarter__lt=as_of.quarter)
    if as_of.date.month == 12 and as_of.date.day == 31:
        ended |= Q(end_year=as_of.year)
    finished = Q(progress__in=[ProgressStatus.COMPLETED, ProgressStatus.CANCELLED])
    return (ended & ~finished) | Q(progress=ProgressStatus.DELAYED)


def incomplete_condition() -> Q:
    """Not SMART-complete: no indicator, no lead minister or administration, no description."""
    return (
        ~Exists(Indicator.objects.filter(action=OuterRef("pk")))
        | Q(lead_minister__isnull=True)
        | Q(lead_administration__isnull=True)
        | Q(description="")
    )


def _goal_tables(
    annotated: QuerySet[Action], as_of: AsOf
) -> tuple[ProgressTable, ProgressTable, dict[str, int]]:
    """Per operational goal and progress status in one grouped query, with the late and
    incomplete actions counted alongside; the strategic goals and totals add those rows up."""
    sd_key, sd_title = PROGRESS_DIMENSIONS[0][2], PROGRESS_DIMENSIONS[0][3]
    od_key, od_title = PROGRESS_DIMENSIONS[1][2], PROGRESS_DIMENSIONS[1][3]
    grouped = (
        annotated.values(sd_key, sd_title, od_key, od_title, "progress")
        .annotate(
            n=Count("pk"),
            late=Count("pk", filter=late_condition(as_of)),
            incomplete=Count("pk", filter=incomplete_condition()),
        )
        .order_by(sd_key, "operational_goal__number")
    )
    empty = {status: 0 for status, _label in PROGRESS_COLUMNS}
    sds: dict[Any, ProgressRow] = {}
    ods: dict[Any, ProgressRow] = {}
    extra = {"late": 0, "incomplete": 0}
    for row in grouped:
        for rows, key, label, table in (
            (sds, row[sd_key], row[sd_title], "strategic_goal"),
            (ods, row[od_key], row[od_title], "operational_goal"),
        ):
            entry = rows.setdefault(
                key, ProgressRow(key, _progress_label(table, key, label), dict(empty))
            )
            entry.counts[row["progress"]] += row["n"]
        extra["late"] += row["late"]
        extra["incomplete"] += row["incomplete"]
    return (
        ProgressTable("strategic_goal", str(PROGRESS_DIMENSIONS[0][1]), list(sds.values())),
        ProgressTable("operational_goal", str(PROGRESS_DIMENSIONS[1][1]), list(ods.values())),
        extra,
    )


@dataclass
class ProgressSummary:
    """Progress per strategic and operational goal, the totals and the numbers of late and
    incomplete actions: one grouped query."""

    strategic_goals: ProgressTable
    operational_goals: ProgressTable
    totals: ProgressRow
    late_count: int
    incomplete_count: int


def progress_summary(actions: QuerySet[Action], as_of: AsOf) -> ProgressSummary:
    sd_table, od_table, extra = _goal_tables(with_progress(actions, as_of), as_of)
    totals = {status: 0 for status, _label in PROGRESS_COLUMNS}
    for row in sd_table.rows:
        for status, n in row.counts.items():
            totals[status] += n
    return ProgressSummary(
        strategic_goals=sd_table,
        operational_goals=od_table,
        totals=ProgressRow(None, str(_("Totaal")), totals),
        late_count=extra["late"],
        incomplete_count=extra["incomplete"],
    )


def progress_groupings(actions: QuerySet[Action], as_of: AsOf) -> list[ProgressTable]:
    """Progress per minister, administration, form of violence and target group: one
    grouped query each."""
    annotated = with_progress(actions, as_of)
    return [
        _progress_table(annotated, key, title, group, label)
        for key, title, group, label in PROGRESS_DIMENSIONS[2:]
    ]


@dataclass
class Bottlenecks:
    """The late and the not SMART-complete actions: the first ``limit`` of each (one query
    each) and the querysets of all, for the CSV and the stats API."""

    late: list[Action]
    late_count: int
    incomplete: list[Action]
    incomplete_count: int
    late_all: QuerySet[ActionWithProgress]
    incomplete_all: QuerySet[ActionWithProgress]


def bottlenecks(
    actions: QuerySet[Action],
    as_of: AsOf,
    *,
    limit: int = 25,
    summary: ProgressSummary | None = None,
) -> Bottlenecks:
    summary = summary or progress_summary(actions, as_of)
    annotated = with_progress(actions, as_of)
    late = annotated.filter(late_condition(as_of)).select_related("lead_administration")
    incomplete = (
        annotated.filter(incomplete_condition())
        .annotate(indicator_count=Count("indicators"))
        .select_related("lead_administration", "lead_minister")
    )
    return Bottlenecks(
        late=list(late[:limit]) if limit else [],
        late_count=summary.late_count,
        incomplete=list(incomplete[:limit]) if limit else [],
        incomplete_count=summary.incomplete_count,
        late_all=late,
        incomplete_all=incomplete,
    )


def progress_of(
    summary: ProgressSummary, groupings: list[ProgressTable], found: Bottlenecks
) -> Progress:
    """The whole progress panel from its parts."""
    return Progress(
        tables=[summary.strategic_goals, summary.operational_goals, *groupings],
        totals=summary.totals,
        late=found.late,
        late_count=found.late_count,
        incomplete=found.incomplete,
        incomplete_count=found.incomplete_count,
        late_all=found.late_all,
        incomplete_all=found.incomplete_all,
    )


def progress(actions: QuerySet[Action], as_of: AsOf, *, limit: int = 25) -> Progress:
    summary = progress_summary(actions, as_of)
    return progress_of(
        summary,
        progress_groupings(actions, as_of),
        bottlenecks(actions, as_of, limit=limit, summary=summary),
    )


# --- Coverage --------------------------------------------------------------------------


@dataclass
class Matrix:
    title: str
    row_header: str
    columns: list[StrategicGoal]
    rows: list[tuple[Any, list[int]]]

    @property
    def gaps(self) -> int:
        return sum(1 for _label, cells in self.rows for n in cells if n == 0)


def _matrix(
    actions: QuerySet[Action],
    goals: Sequence[StrategicGoal],
    relation: str,
    items: Iterable[Any],
    title: Any,
    row_header: Any,
) -> Matrix:
    through = getattr(Action, relation).through
    target = getattr(Action, relation).field.m2m_reverse_field_name()
    counts = {
        # The action's own strategic goal: an accepted action not yet clustered counts too.
        (row[f"{target}_id"], row["action__strategic_goal_id"]): row["n"]
        for row in through.objects.filter(action__in=actions)
        .values(f"{target}_id", "action__strategic_goal_id")
        .annotate(n=Count("action", distinct=True))
        .order_by()
    }
    rows = [(item, [counts.get((item.pk, goal.pk), 0) for goal in goals]) for item in items]
    return Matrix(str(title), str(row_header), list(goals), rows)


@dataclass(frozen=True)
class ActionRef:
    pk: int
    code: str


@dataclass
class OverlapGroup:
    operational_goal: str
    administration: str
    forms: str
    groups: str
    actions: list[ActionRef] = field(default_factory=list)
    # Set for accepted actions of the draft plan not yet clustered: "" operational goal.
    strategic_goal: int = 0


@dataclass
class CoverageMatrices:
    violence_forms: Matrix
    target_groups: Matrix

    @property
    def gaps(self) -> int:
        """Empty cells of both matrices: a strategic goal without any action for a form of
        violence or a target group."""
        return self.violence_forms.gaps + self.target_groups.gaps


@dataclass
class Coverage:
    violence_forms: Matrix
    target_groups: Matrix
    overlaps: list[OverlapGroup]


def _fingerprint(relation: str) -> Coalesce:
    """Per action an order-independent number for its set of tags: the sum over the tags of
    id³ + 1, in a correlated subquery. Equal sets give equal numbers; the rare different sets
    that collide are told apart exactly afterwards."""
    through = getattr(Action, relation).through
    target = f"{getattr(Action, relation).field.m2m_reverse_field_name()}_id"
    tag = Cast(F(target), BigIntegerField())
    # SUM as a plain function: an aggregate over the subquery's rows without a GROUP BY.
    fingerprint = (
        through.objects.filter(action_id=OuterRef("pk"))
        .annotate(fp=Func(tag * tag * tag + 1, function="SUM"))
        .values("fp")
    )
    return Coalesce(Subquery(fingerprint), 0, output_field=BigIntegerField())


def overlaps(actions: QuerySet[Action]) -> list[OverlapGroup]:
    """Actions of one operational goal sharing lead, forms of violence and target groups
    (in the draft plan, accepted actions not yet clustered count per strategic goal).

    One query finds the candidates: a window counts, per operational goal, lead
    administration and the two tag fingerprints, how many actions share them. Two more
    fetch the candidates' tags, which settle the groups exactly."""
    candidates = list(
        actions.filter(lead_administration__isnull=False)
        .annotate(forms=_fingerprint("violence_forms"), groups=_fingerprint("target_groups"))
        .annotate(
            peers=Window(
                Count("pk"),
                partition_by=[
                    F("strategic_goal_id"),
                    F("operational_goal_id"),
                    F("lead_administration_id"),
                    F("forms"),
                    F("groups"),
                ],
            )
        )
        .filter(peers__gt=1)
        .values_list(
            "pk",
            "code",
            "operational_goal_id",
            "operational_goal__code",
            "strategic_goal__number",
            "lead_administration_id",
            "lead_administration__name",
        )
        .order_by(*action_plan_order())
    )
    if not candidates:
        return []
    candidate_ids = [row[0] for row in candidates]
    form_codes: dict[int, list[str]] = defaultdict(list)
    for action_id, code in Action.violence_forms.through.objects.filter(
        action_id__in=candidate_ids
    ).values_list("action_id", "violenceform__code"):
        form_codes[action_id].append(code)
    group_names: dict[int, list[str]] = defaultdict(list)
    for action_id, name in Action.target_groups.through.objects.filter(
        action_id__in=candidate_ids
    ).values_list("action_id", "targetgroup__name"):
        group_names[action_id].append(name)
    found: dict[tuple, OverlapGroup] = {}
    for pk, code, goal_id, goal_code, sd_number, admin_id, admin_name in candidates:
        forms_sorted = sorted(form_codes.get(pk, []))
        groups_sorted = sorted(group_names.get(pk, []))
        # The exact key: a fingerprint collision never merges different sets.
        key = (sd_number, goal_id, admin_id, tuple(forms_sorted), tuple(groups_sorted))
        group = found.setdefault(
            key,
            OverlapGroup(
                goal_code or "",
                admin_name,
                ", ".join(forms_sorted) or "—",
                ", ".join(groups_sorted) or "—",
                strategic_goal=sd_number,
            ),
        )
        group.actions.append(ActionRef(pk, code))
    result = [g for g in found.values() if len(g.actions) > 1]
    return sorted(
        result,
        key=lambda g: (g.strategic_goal, [int(p) for p in g.operational_goal.split(".") if p]),
    )


@dataclass
class DraftCoverage:
    coverage: Coverage
    attention_points: Matrix


def draft_coverage(plan: Plan) -> DraftCoverage:
    """Gaps and possible overlap in the draft plan, before approval: the dashboard's
    matrices over the accepted and approved actions of ``plan``, plus attention points
    a–h × strategic goals. Queries: goals, forms of violence and their counts, target
    groups and their counts, attention points and their counts, overlap candidates (and,
    when there are any, their forms and groups)."""
    actions = Action.objects.filter(
        plan=plan, stage__in=(ActionStage.ACCEPTED, ActionStage.APPROVED)
    )
    found = coverage(plan, actions)
    return DraftCoverage(
        found,
        _matrix(
            actions,
            found.violence_forms.columns,
            "attention_points",
            AttentionPoint.objects.all(),
            _("Beleidsaandachtspunten × strategische doelstellingen"),
            _("Beleidsaandachtspunt"),
        ),
    )


def coverage_matrices(plan: Plan, actions: QuerySet[Action]) -> CoverageMatrices:
    """Five queries: the strategic goals, and per matrix its rows and its counts."""
    goals = list(StrategicGoal.objects.filter(plan=plan).order_by("number"))
    return CoverageMatrices(
        violence_forms=_matrix(
            actions,
            goals,
            "violence_forms",
            ViolenceForm.objects.all(),
            _("Vormen van geweld × strategische doelstellingen"),
            _("Vorm van geweld"),
        ),
        target_groups=_matrix(
            actions,
            goals,
            "target_groups",
            TargetGroup.objects.all(),
            _("Doelgroepen × strategische doelstellingen"),
            _("Doelgroep"),
        ),
    )


def coverage(plan: Plan, actions: QuerySet[Action]) -> Coverage:
    matrices = coverage_matrices(plan, actions)
    return Coverage(matrices.violence_forms, matrices.target_groups, overlaps(actions))


# --- Indicators ------------------------------------------------------------------------


def quantitative_indicators(actions: QuerySet[Action]) -> QuerySet[Indicator]:
    return (
        Indicator.objects.filter(action__in=actions, kind="quantitative")
        .select_related("action")
        .order_by(
            *action_plan_order("action__"),
            "position",
            "pk",
        )
    )
