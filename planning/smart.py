"""The SMART check of a proposed action: per criterion, whether it is met and what is missing.

It advises; AJH decides. ``smart_check`` is a pure function of rows already loaded;
``with_smart`` loads what it needs for any number of actions in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from actionplan.models import (
    Action,
    ActionQuerySet,
    Administration,
    CoLeadResponse,
    CoLeadState,
    Plan,
)
from indicators.models import Indicator, IndicatorKind

# A description shorter than this says too little to judge what the action does.
SPECIFIC_MIN_DESCRIPTION = 80
SPECIFIC_MIN_TITLE = 10


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    met: bool
    missing: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SmartCheck:
    criteria: list[Criterion]

    @property
    def met_count(self) -> int:
        return sum(1 for criterion in self.criteria if criterion.met)

    @property
    def all_met(self) -> bool:
        return all(criterion.met for criterion in self.criteria)

    @property
    def summary(self) -> str:
        """``S M · R T`` style: the letters of the criteria met, a dot for the others."""
        return " ".join(c.key[0].upper() if c.met else "·" for c in self.criteria)


def _has_target(indicator: Indicator) -> bool:
    if indicator.kind == IndicatorKind.QUALITATIVE:
        return indicator.target_year is not None
    return indicator.target_value is not None and indicator.target_year is not None


def smart_check(
    action: Action,
    *,
    plan: Plan,
    indicators: Sequence[Indicator],
    co_leads: Sequence[Administration],
    responses: Sequence[CoLeadResponse],
) -> SmartCheck:
    """What is missing per SMART criterion. Reads only the arguments: no queries."""
    specific: list[str] = []
    if len(action.title.strip()) < SPECIFIC_MIN_TITLE:
        specific.append(_("een titel die zegt wat de actie doet"))
    if len(action.description.strip()) < SPECIFIC_MIN_DESCRIPTION:
        specific.append(
            _("een omschrijving van minstens %(n)s tekens: wat, voor wie, hoe")
            % {"n": SPECIFIC_MIN_DESCRIPTION}
        )

    measurable: list[str] = []
    if not indicators:
        measurable.append(_("minstens één indicator"))
    elif not any(_has_target(indicator) for indicator in indicators):
        measurable.append(_("een streefwaarde met streefjaar bij minstens één indicator"))

    acceptable: list[str] = []
    state_of = {response.administration_id: response.state for response in responses}
    for administration in co_leads:
        state = state_of.get(administration.pk, CoLeadState.PENDING)
        if state == CoLeadState.DECLINED:
            acceptable.append(_("%(name)s weigert") % {"name": administration.name})
        elif state != CoLeadState.CONFIRMED:
            acceptable.append(_("bevestiging van %(name)s") % {"name": administration.name})

    realistic: list[str] = []
    if action.estimated_budget is None:
        realistic.append(_("een geraamd budget"))
    if not action.capacity.strip():
        realistic.append(_("de capaciteit en middelen"))

    time_bound: list[str] = []
    period = range(plan.start_year, plan.end_year + 1)
    if action.start_year not in period or action.end_year not in period:
        time_bound.append(
            _("begin en einde binnen %(a)s–%(b)s") % {"a": plan.start_year, "b": plan.end_year}
        )
    elif (action.end_year, action.end_quarter) < (action.start_year, action.start_quarter):
        time_bound.append(_("een einde na het begin"))

    return SmartCheck(
        [
            Criterion("specific", _("Specifiek"), not specific, specific),
            Criterion("measurable", _("Meetbaar"), not measurable, measurable),
            Criterion("acceptable", _("Aanvaardbaar"), not acceptable, acceptable),
            Criterion("realistic", _("Realistisch"), not realistic, realistic),
            Criterion("time_bound", _("Tijdsgebonden"), not time_bound, time_bound),
        ]
    )


def smart_prefetch(queryset: ActionQuerySet) -> ActionQuerySet:
    """What ``smart_check`` reads, on top of the action list: the plan (joined), the
    indicators and the co-lead responses (one query each). The co-lead administrations
    are expected prefetched already (``actions_with_relations``)."""
    return queryset.select_related("plan").prefetch_related(
        Prefetch(
            "indicators",
            queryset=Indicator.objects.only(
                "id", "action_id", "kind", "target_value", "target_year", "name"
            ),
        ),
        Prefetch(
            "co_lead_responses",
            queryset=CoLeadResponse.objects.select_related("administration", "decided_by"),
        ),
    )


def attach_smart(actions: Sequence[Action]) -> None:
    """Set ``action.smart`` on actions loaded through ``smart_prefetch``."""
    for action in actions:
        action.smart = smart_check(  # type: ignore[attr-defined]
            action,
            plan=action.plan,
            indicators=list(action.indicators.all()),
            co_leads=list(action.co_lead_administrations.all()),
            responses=list(action.co_lead_responses.all()),
        )
