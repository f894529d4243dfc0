"""Reads of the drafting cycle: the draft plan page and one proposal, in fixed queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404

from actionplan.models import (
    Action,
    ActionQuerySet,
    ActionStage,
    CoLeadState,
    OperationalGoal,
    Plan,
    StrategicGoal,
    User,
)
from actionplan.selectors import actions_with_relations
from planning.smart import attach_smart, smart_prefetch

# What the draft plan lists: proposals on their way, accepted actions, and the approved
# actions that the clustering view shows under their operational goal.
DRAFT_PAGE_STAGES = (
    ActionStage.PROPOSED,
    ActionStage.RETURNED,
    ActionStage.ACCEPTED,
    ActionStage.APPROVED,
)


@dataclass
class OperationalGoalColumn:
    goal: OperationalGoal
    actions: list[Action] = field(default_factory=list)


@dataclass
class StrategicGoalSection:
    goal: StrategicGoal
    # Proposed and returned, then accepted but not yet clustered.
    proposals: list[Action] = field(default_factory=list)
    unclustered: list[Action] = field(default_factory=list)
    operational_goals: list[OperationalGoalColumn] = field(default_factory=list)


@dataclass
class DraftPlan:
    plan: Plan
    sections: list[StrategicGoalSection]
    # For an editor: proposals where one of their administrations is asked to answer.
    awaiting_response: list[Action]
    operational_goals: list[OperationalGoal]

    @property
    def proposal_count(self) -> int:
        return sum(len(s.proposals) + len(s.unclustered) for s in self.sections)


def draft_actions(queryset: ActionQuerySet) -> ActionQuerySet:
    """Actions with what the draft plan shows of each, SMART check included."""
    return smart_prefetch(actions_with_relations(queryset))


def draft_plan(plan: Plan, user: User) -> DraftPlan:
    """The draft plan as ``user`` sees it.

    AJH sees every proposal and the clustering (operational goals with their accepted and
    approved actions); an editor sees the proposals of their administrations and those
    awaiting their co-lead answer. Queries: strategic goals, operational goals, the
    user's administrations, the actions, and their prefetched co-lead ministers, co-lead
    administrations, forms of violence, target groups, attention points, related plans,
    indicators and co-lead responses.
    """
    goals = list(StrategicGoal.objects.filter(plan=plan).order_by("number"))
    sections = {goal.pk: StrategicGoalSection(goal) for goal in goals}
    operational_goals = list(
        OperationalGoal.objects.filter(strategic_goal__plan=plan)
        .select_related("strategic_goal")
        .order_by("strategic_goal__number", "number")
    )
    columns: dict[int, OperationalGoalColumn] = {}
    for od in operational_goals:
        columns[od.pk] = OperationalGoalColumn(od)
        sections[od.strategic_goal_id].operational_goals.append(columns[od.pk])
    member_of = set(user.administrations.values_list("pk", flat=True))

    stages = DRAFT_PAGE_STAGES if user.is_coordinator else DRAFT_PAGE_STAGES[:3]
    actions = list(
        draft_actions(Action.objects.visible_to(user).filter(plan=plan, stage__in=stages)).order_by(
            "strategic_goal__number", "operational_goal__number", "number", "pk"
        )
    )
    attach_smart(actions)
    awaiting: list[Action] = []
    for action in actions:
        section = sections[action.strategic_goal_id]
        if not user.is_coordinator:
            # Editors follow their own proposals whatever their stage; AJH clusters.
            if action.lead_administration_id in member_of:
                section.proposals.append(action)
        elif action.operational_goal_id is not None:
            columns[action.operational_goal_id].actions.append(action)
        elif action.stage == ActionStage.ACCEPTED:
            section.unclustered.append(action)
        else:
            section.proposals.append(action)
        if any(
            r.administration_id in member_of and r.state == CoLeadState.PENDING
            for r in action.co_lead_responses.all()
        ):
            awaiting.append(action)
    return DraftPlan(plan, [sections[g.pk] for g in goals], awaiting, operational_goals)


def proposal_detail(pk: int, user: User) -> Action:
    """One action with everything its proposal page shows, if ``user`` may see it."""
    try:
        action = (
            draft_actions(Action.objects.visible_to(user))
            .select_related("merged_into", "lead_administration__policy_domain")
            .get(pk=pk)
        )
    except Action.DoesNotExist as exc:
        raise Http404("Voorstel niet gevonden") from exc
    attach_smart([action])
    return action


def merge_candidates(action: Action, user: User) -> ActionQuerySet:
    """Where ``action`` may be merged into: other open proposals and accepted actions of
    its plan that ``user`` sees."""
    return (
        Action.objects.visible_to(user)
        .filter(
            plan_id=action.plan_id,
            stage__in=(ActionStage.PROPOSED, ActionStage.RETURNED, ActionStage.ACCEPTED),
        )
        .exclude(pk=action.pk)
        .only("id", "title", "code", "stage")
        .order_by("strategic_goal__number", "title")
    )
