"""The drafting and change cycle of the demo plan, and its purge.

``demo_planning_load`` walks the cycle through the real services, acting as the demo users:
version 1 approved as the baseline, change requests after it (one approved, which opens
version 2; one rejected; one still waiting) and new proposals on /ontwerp/ in different
stages. Synthetic, marked as demo and deterministic for a seed. Versions and change requests
someone made while trying the demo go with it when the demo is purged.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from actionplan.demo import OBJECTS, TOPICS, VERBS, demo_actions, demo_plans
from actionplan.history import delete_with_history
from actionplan.models import (
    Action,
    ActionStage,
    Administration,
    AttentionPoint,
    Minister,
    Plan,
    StrategicGoal,
    TargetGroup,
    User,
    ViolenceForm,
)
from indicators.services import indicator_save
from planning.drafting.services import (
    co_lead_respond,
    proposal_accept,
    proposal_create,
    proposal_return,
)
from planning.models import ChangeKind, ChangeRequest, PlanVersion
from planning.services import (
    change_request_approve,
    change_request_create,
    change_request_reject,
    plan_version_approve,
    plan_version_create,
    plan_version_submit,
)

# The government's decision on the demo baseline: fixed, so that the demo looks the same
# every day, but never in the future (approval refuses a decision date after today).
DECISION_DATE = dt.date(2025, 3, 28)
DECISION_REFERENCE = "VR 2025 2803 DOC.0000/1 (demo)"
PROPOSAL_MARK = "Synthetisch demovoorstel, geen echte actie."
GROUPS = ["leerkrachten", "jeugdwerkers", "huisartsen", "trainers", "buurtwerkers"]


def _editor(users: dict[str, User], administration: Administration | None) -> User | None:
    if administration is None:
        return None
    return users.get(f"editor-{administration.code.lower()}")


def _quarter(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def demo_planning_load(*, plan: Plan, seed: int, today: dt.date | None = None) -> dict[str, int]:
    """Walk the drafting and change cycle of the demo ``plan`` as its demo users.

    Needs the demo users (``demo_load`` creates them only with ``DEBUG`` on): without them,
    or when the demo plan has versions already, nothing happens and the counts are empty.
    """
    if not plan.is_demo:
        raise ValueError(f"{plan.code} is not a demo plan")
    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    coordinator = users.get("coordinator")
    if coordinator is None or PlanVersion.objects.filter(plan=plan).exists():
        return {}
    today = today or timezone.localdate()
    rng = random.Random(seed * 104729 + 12)
    with transaction.atomic():
        counts = {"plan_versions": 0, "change_requests": 0, "proposals": 0}
        _baseline(plan, coordinator, today)
        counts["change_requests"] = _change_requests(plan, users, coordinator, rng, today)
        counts["plan_versions"] = PlanVersion.objects.filter(plan=plan).count()
        counts["proposals"] = _proposals(plan, users, coordinator, rng, today)
    return counts


def _baseline(plan: Plan, coordinator: User, today: dt.date) -> PlanVersion:
    version = plan_version_create(
        plan=plan, user=coordinator, note="Basisversie van het demoplan (demo)."
    )
    version = plan_version_submit(version=version, user=coordinator)
    return plan_version_approve(
        version=version,
        user=coordinator,
        decision_date=min(DECISION_DATE, today),
        decision_reference=DECISION_REFERENCE,
    )


def _change_requests(
    plan: Plan, users: dict[str, User], coordinator: User, rng: random.Random, today: dt.date
) -> int:
    """An approved timing change (it opens version 2), a rejected scope change and a stop
    still waiting for AJH, each on another approved demo action and asked by an editor of
    its lead administration."""
    actions = list(
        Action.objects.filter(plan=plan, stage=ActionStage.APPROVED)
        .select_related("lead_administration", "plan")
        .order_by("pk")
    )
    now = _quarter(today)
    taken: set[int] = set()

    def pick(candidates: Sequence[Action]) -> Action | None:
        free = [
            a for a in candidates if a.pk not in taken and _editor(users, a.lead_administration)
        ]
        if not free:
            return None
        action = rng.choice(free)
        taken.add(action.pk)
        return action

    def ask(action: Action, kind: str, reason: str, proposed: dict[str, Any]) -> ChangeRequest:
        editor = _editor(users, action.lead_administration) or coordinator
        return change_request_create(
            action=action, user=editor, kind=kind, reason=reason, proposed=proposed
        )

    count = 0
    # Later, not earlier: the fiches of past years stay true, no running year loses one.
    later = pick([a for a in actions if today.year <= a.end_year < plan.end_year])
    if later is not None:
        request = ask(
            later,
            ChangeKind.TIMING,
            "De aanbesteding van de uitvoerder liep vertraging op; de actie loopt een jaar "
            "langer (demo).",
            {
                "start_year": later.start_year,
                "start_quarter": later.start_quarter,
                "end_year": later.end_year + 1,
                "end_quarter": later.end_quarter,
            },
        )
        change_request_approve(
            request=request, user=coordinator, note="Past binnen het budget (demo)."
        )
        count += 1
    broader = pick(actions)
    if broader is not None:
        request = ask(
            broader,
            ChangeKind.SCOPE,
            "We willen ook ouders bereiken (demo).",
            {
                "title": f"{broader.title} en bij ouders",
                "description": f"{broader.description} De actie richt zich ook tot ouders.",
            },
        )
        change_request_reject(
            request=request,
            user=coordinator,
            reason="Ouders bereiken is een nieuwe actie met een eigen doelgroep: stel ze voor "
            "op /ontwerp/ (demo).",
        )
        count += 1
    # A stop ends the action in the quarter it is decided: only one that is running now.
    running = pick(
        [
            a
            for a in actions
            if (a.start_year, a.start_quarter) <= now <= (a.end_year, a.end_quarter)
        ]
    )
    if running is not None:
        ask(
            running,
            ChangeKind.STOP,
            "Het aanbod gaat op in het meldpunt van een andere actie; een aparte actie is niet "
            "langer nodig (demo).",
            {},
        )
        count += 1
    return count


def _proposals(
    plan: Plan, users: dict[str, User], coordinator: User, rng: random.Random, today: dt.date
) -> int:
    """New proposals in SD2 and SD3 after the baseline, one per stage that /ontwerp/ shows:
    proposed while a co-lead has not answered, returned with a reason, accepted and not yet
    clustered; with and without indicators, so that the SMART check differs."""
    goals = {g.number: g for g in StrategicGoal.objects.filter(plan=plan)}
    administrations = [
        a
        for a in Administration.objects.filter(is_demo=True).order_by("code")
        if _editor(users, a) is not None and a.code != "DEMO-AJH"
    ]
    if len(administrations) < 6 or not {2, 3} <= set(goals):
        return 0
    chosen = rng.sample(administrations, 6)
    ministers = {
        administration.pk: minister
        for minister in Minister.objects.filter(is_demo=True).prefetch_related("administrations")
        for administration in minister.administrations.all()
    }
    forms = list(ViolenceForm.objects.order_by("pk"))
    groups = list(TargetGroup.objects.order_by("pk"))
    points = list(AttentionPoint.objects.order_by("pk"))
    start = min(today.year + 1, plan.end_year)

    def propose(
        goal: int, lead: Administration, co_leads: list[Administration], *, complete: bool
    ) -> Action:
        editor = _editor(users, lead)
        assert editor is not None
        obj, topic = rng.choice(OBJECTS), rng.choice(TOPICS)
        group = rng.choice(GROUPS)
        description = (
            f"{group.capitalize()} krijgen {obj} rond {topic}. {lead.name} werkt het uit met "
            f"de partners en evalueert het na een jaar. {PROPOSAL_MARK}"
            if complete
            else f"Iets rond {topic}. {PROPOSAL_MARK}"
        )
        action = proposal_create(
            user=editor,
            data={
                "strategic_goal": goals[goal],
                "title": f"{rng.choice(VERBS)} {obj} rond {topic} voor {group}",
                "description": description,
                "lead_minister": ministers.get(lead.pk),
                "lead_administration": lead,
                "start_year": start,
                "start_quarter": rng.randint(1, 2),
                "end_year": rng.randint(start, plan.end_year),
                "end_quarter": 4,
                "estimated_budget": Decimal(rng.randrange(20, 200) * 1000) if complete else None,
                "capacity": "Eén VTE bij de administratie (demo)" if complete else "",
            },
            m2m={
                "co_lead_administrations": co_leads,
                "violence_forms": rng.sample(forms, min(len(forms), rng.randint(1, 2))),
                "target_groups": rng.sample(groups, min(len(groups), 1)),
                "attention_points": rng.sample(points, min(len(points), rng.randint(0, 2))),
            },
        )
        # Services write real rows; the demo marks its own, with the history that says so.
        Action.objects.filter(pk=action.pk).update(is_demo=True)
        Action.history.filter(id=action.pk).update(is_demo=True)
        action.is_demo = True
        return action

    def indicator(action: Action, *, target: bool) -> None:
        editor = _editor(users, action.lead_administration)
        assert editor is not None
        data: dict[str, Any] = (
            {
                "name": "Aantal bereikte professionals",
                "kind": "quantitative",
                "unit": "aantal",
                "baseline_value": Decimal(rng.randrange(20, 200)),
                "baseline_year": 2025,
                "target_value": Decimal(rng.randrange(300, 900)),
                "target_year": plan.end_year,
                "direction": "up",
            }
            if target
            else {"name": "Tevredenheid van de deelnemers (beoordeling)", "kind": "qualitative"}
        )
        indicator_save(action=action, user=editor, data=data, reason="Indicator toegevoegd (demo)")

    def answer(action: Action, administration: Administration) -> None:
        editor = _editor(users, administration)
        assert editor is not None
        co_lead_respond(action=action, administration=administration, user=editor, confirm=True)

    a, b, c, d, e, f = chosen
    # SD2, proposed: one co-lead confirmed, the other has not answered yet (not yet A).
    waiting = propose(2, a, [b, c], complete=True)
    indicator(waiting, target=True)
    answer(waiting, b)
    # SD2, accepted by AJH and not yet clustered: every SMART criterion met.
    accepted = propose(2, d, [e], complete=True)
    indicator(accepted, target=True)
    answer(accepted, e)
    proposal_accept(
        action=accepted,
        user=coordinator,
        reason="Vult een leemte in SD2; clusteren volgt (demo).",
    )
    # SD3, returned: a vague description, no indicator, no budget.
    returned = propose(3, f, [], complete=False)
    proposal_return(
        action=returned,
        user=coordinator,
        reason="Zeg voor wie en hoe, en voeg een indicator met streefwaarde en een raming "
        "toe (demo).",
    )
    # SD3, proposed without co-leads: an indicator, but no target yet (not yet M).
    untargeted = propose(3, c, [], complete=True)
    indicator(untargeted, target=False)
    return 4


def demo_planning_purge() -> dict[str, int]:
    """Delete the change requests of demo actions and the versions of demo plans, with
    their history."""
    with transaction.atomic():
        requests = ChangeRequest.objects.filter(
            Q(action__in=demo_actions()) | Q(version__plan__in=demo_plans())
        )
        counts = {"change_requests": delete_with_history(requests)}
        counts["plan_versions"] = delete_with_history(
            PlanVersion.objects.filter(plan__in=demo_plans())
        )
    return counts
