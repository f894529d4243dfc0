"""Synthetic meetings, follow-up items, invitations and stakeholder input for the demo plan.

The lead's ``load_demo`` (exchange, a floor below) cannot import this module; the top
floor's command composes it: ``demo_consultation_load(plan, seed)`` after the fiches'
demo, with the demo plan. ``purge_demo`` calls ``demo_consultation_purge`` before the
fiches' purge.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from actionplan.demo import demo_actions, demo_plans
from actionplan.history import delete_with_history
from actionplan.models import Action, Plan, Role, User
from consultation.models import (
    Consultation,
    ConsultationKind,
    ConsultationState,
    EvaluationKind,
    FollowUp,
    InputAttachment,
    InputInvitation,
    StakeholderInput,
)
from consultation.services import (
    ConsultationData,
    FollowUpData,
    InputData,
    consultation_create,
    follow_up_create,
    invitation_create,
    stakeholder_input_create,
)

DEMO_ORGANISATIONS = ["Organisatie A (demo)", "Organisatie B (demo)", "Organisatie C (demo)"]


def _coordinator() -> User:
    user = (
        User.objects.filter(role=Role.COORDINATOR, is_active=True)
        .order_by("-is_demo", "id")
        .first()
    )
    if user is None:
        raise ValueError("Er is geen coördinator om het demo-overleg op naam van te zetten.")
    return user


@transaction.atomic
def demo_consultation_load(plan: Plan, seed: int) -> dict[str, int]:
    """Three meetings with follow-up items on ``plan``'s actions, two inputs and one open
    invitation, all marked demo. Deterministic for a seed (dates from the plan's years)."""
    rng = random.Random(seed)
    user = _coordinator()
    actions = list(
        Action.objects.for_plan(plan).select_related("lead_administration").order_by("id")[:30]
    )
    led = [a for a in actions if a.lead_administration_id is not None]
    counts = {"consultations": 0, "follow_ups": 0, "stakeholder_inputs": 0, "invitations": 0}
    year = min(max(plan.start_year + 1, 2026), plan.end_year)
    kinds = [
        ConsultationKind.BILATERAL,
        ConsultationKind.STEERING_GROUP,
        ConsultationKind.BILATERAL,
    ]
    for n, kind in enumerate(kinds):
        chosen = rng.sample(led, k=min(2, len(led))) if led else []
        administrations = list(
            {
                a.lead_administration.pk: a.lead_administration
                for a in chosen
                if a.lead_administration
            }.values()
        )
        if not administrations:
            # A plan without led actions yet: no bilateral meeting to hold.
            kind = ConsultationKind.STEERING_GROUP
        meeting = consultation_create(
            plan=plan,
            user=user,
            is_demo=True,
            data=ConsultationData(
                date=dt.date(year, 2 + 3 * n, 10 + n),
                kind=kind,
                title=f"Demo-overleg {n + 1}: opvolging van de acties",
                state=ConsultationState.HELD,
                other_participants="Stuurgroep (demo); Organisatie A (demo)"
                if kind == ConsultationKind.STEERING_GROUP
                else "",
                agenda="1. Stand van zaken van de acties\n2. Knelpunten\n3. Afspraken",
                minutes="Synthetisch verslag voor de demo.",
                decisions="De administraties leveren de ontbrekende gegevens aan.",
                administrations=administrations,
                actions=chosen,
                strategic_goals=[chosen[0].strategic_goal] if chosen else [],
            ),
        )
        counts["consultations"] += 1
        for k, action in enumerate(chosen):
            follow_up_create(
                consultation=meeting,
                user=user,
                data=FollowUpData(
                    description=f"Gegevens van actie {action.code} aanvullen (demo).",
                    owner=action.lead_administration,
                    due_date=dt.date(year, 3 + 3 * n, 1 + 10 * k),
                    actions=[action],
                ),
            )
            counts["follow_ups"] += 1
    goals = list(plan.goals.order_by("number")[:2])
    for n, organisation in enumerate(DEMO_ORGANISATIONS[:2]):
        stakeholder_input_create(
            plan=plan,
            user=user,
            evaluation_kind=EvaluationKind.INTERIM,
            evaluation_year=min(2027, plan.end_year),
            is_demo=True,
            data=InputData(
                organisation=organisation,
                topic=f"Demo-inbreng {n + 1}",
                text="Synthetische inbreng voor de demo: aandachtspunten bij de uitvoering.",
                consent_to_cite=n == 0,
                strategic_goals=goals[n : n + 1],
                confirmed=True,
            ),
        )
        counts["stakeholder_inputs"] += 1
    invitation_create(
        plan=plan,
        user=user,
        organisation=DEMO_ORGANISATIONS[2],
        evaluation_kind=EvaluationKind.INTERIM,
        evaluation_year=min(2027, plan.end_year),
        expires_at=timezone.now() + dt.timedelta(days=30),
        is_demo=True,
    )
    counts["invitations"] += 1
    return counts


def demo_consultation_purge() -> dict[str, int]:
    """Delete demo meetings (and every meeting of a demo plan or about demo actions),
    their follow-up items, demo input with its files, and demo invitations, with history."""
    with transaction.atomic():
        meetings = Consultation.objects.filter(
            Q(is_demo=True) | Q(plan__in=demo_plans()) | Q(actions__in=demo_actions())
        ).distinct()
        items = FollowUp.objects.filter(
            Q(consultation__in=meetings) | Q(actions__in=demo_actions()) | Q(owner__is_demo=True)
        ).distinct()
        counts = {"follow_ups": delete_with_history(items)}
        counts["consultations"] = delete_with_history(meetings)
        inputs = StakeholderInput.objects.filter(Q(is_demo=True) | Q(plan__in=demo_plans()))
        attachments = InputAttachment.objects.filter(stakeholder_input__in=inputs)
        for attachment in attachments:
            attachment.file.delete(save=False)
        delete_with_history(attachments)
        counts["stakeholder_inputs"] = delete_with_history(inputs)
        counts["invitations"] = delete_with_history(
            InputInvitation.objects.filter(Q(is_demo=True) | Q(plan__in=demo_plans()))
        )
    return counts
