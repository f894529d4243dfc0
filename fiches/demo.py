"""Demo fiches and indicators: past years approved, the current year's round in every state.

Synthetic and deterministic for a seed, written in bulk (with history) so that thousands
of actions load in seconds.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from actionplan.demo import demo_actions, demo_plans
from actionplan.history import delete_with_history
from actionplan.models import Action, Plan, User
from fiches.models import (
    Contribution,
    Fiche,
    FicheState,
    ProgressStatus,
    ReportingRound,
    ReviewEvent,
    ReviewKind,
    RoundStatus,
)
from fiches.services import supersession_refresh
from indicators.models import Direction, Indicator, IndicatorKind, IndicatorValue, ValueKind

REASON = "load_demo"
STATUS_TEXTS = [
    "De voorbereidingen zijn afgerond en de eerste sessies vonden plaats (demotekst).",
    "Het aanbod is uitgerold in de helft van de geplande regio's (demotekst).",
    "De partners zijn samengebracht; de uitvoering start volgend kwartaal (demotekst).",
    "Door personeelswissels liep de uitvoering vertraging op (demotekst).",
]
# (name, unit, value kind, baseline range, direction): plausible for the action plan.
INDICATOR_SPECS = [
    ("Aantal bereikte professionals", "aantal", ValueKind.COUNT, (40, 400), Direction.UP),
    ("Aantal georganiseerde vormingen", "aantal", ValueKind.COUNT, (5, 40), Direction.UP),
    ("Aandeel scholen met een aanspreekpunt", "%", ValueKind.PERCENTAGE, (20, 60), Direction.UP),
    ("Aantal meldingen via het meldpunt", "aantal", ValueKind.COUNT, (50, 600), Direction.UP),
    ("Gemiddelde wachttijd voor hulp", "dagen", ValueKind.DECIMAL, (20, 90), Direction.DOWN),
    ("Budget voor vorming en sensibilisering", "euro", ValueKind.AMOUNT, (20, 200), Direction.UP),
]


def demo_fiches_load(
    *, seed: int, today: dt.date | None = None, plan: Plan | None = None
) -> dict[str, int]:
    """Rounds, fiches, indicators and values for the actions of the demo plan (by default
    the first one); never for a real plan."""
    plan = plan or demo_plans().first()
    if plan is None:
        return {}
    if not plan.is_demo:
        raise ValueError(f"{plan.code} is not a demo plan")
    today = today or timezone.localdate()
    current = min(max(today.year, plan.start_year), plan.end_year)
    rng = random.Random(seed * 7919 + 1)
    coordinator = User.objects.filter(username="coordinator", is_demo=True).first()
    actions = list(Action.objects.for_plan(plan).order_by("pk"))
    with transaction.atomic():
        indicators = _indicators(actions, rng)
        counts = {"indicators": len(indicators), "fiches": 0, "values": 0}
        by_action: dict[int, list[Indicator]] = {}
        for indicator in indicators:
            by_action.setdefault(indicator.action_id, []).append(indicator)
        for year in range(plan.start_year, current + 1):
            is_current = year == current
            # The annual cycle (plan text, 1.4): a fiche reports on its year; the round
            # opens near the year's end and closes on 31 March of the next year. Past
            # rounds were opened back then; the current one opens today.
            rnd, _created = ReportingRound.objects.get_or_create(
                plan=plan,
                year=year,
                defaults={
                    "opens_on": dt.date(year, 12, 1) if not is_current else today,
                    "deadline": dt.date(year + 1, 3, 31),
                    "status": RoundStatus.OPEN if is_current else RoundStatus.CLOSED,
                    "opened_by": coordinator,
                },
            )
            fiches, values, events = _fiches(
                rnd,
                [a for a in actions if a.runs_in(year)],
                by_action,
                rng,
                is_current=is_current,
                user=coordinator,
            )
            counts["fiches"] += len(fiches)
            counts["values"] += len(values)
            ReviewEvent.objects.bulk_create(events, batch_size=1000)
        supersession_refresh(actions=Action.objects.for_plan(plan))
    return counts


def _indicators(actions: list[Action], rng: random.Random) -> list[Indicator]:
    rows = []
    for action in actions:
        # One action in eight has no indicator yet: not SMART-complete on the dashboard.
        if rng.random() < 0.125:
            continue
        # Distinct indicators per action: never two with the same name.
        specs = rng.sample(INDICATOR_SPECS, rng.randint(1, 2))
        for position in range(len(specs)):
            if rng.random() < 0.15 and position == 0:
                rows.append(
                    Indicator(
                        action=action,
                        name="Kwaliteit van de samenwerking (beoordeling)",
                        kind=IndicatorKind.QUALITATIVE,
                        position=position,
                        direction=Direction.UP,
                    )
                )
                continue
            name, unit, value_kind, (low, high), direction = specs[position]
            baseline = Decimal(rng.randint(low, high))
            if value_kind == ValueKind.PERCENTAGE:
                target = min(Decimal(95), baseline + rng.randint(10, 30))
            elif value_kind == ValueKind.AMOUNT:
                baseline *= 1000  # euro: 20.000 to 200.000
                target = baseline * Decimal(rng.choice(["1.2", "1.5", "2"]))
            elif direction == Direction.DOWN:
                target = baseline * Decimal("0.6")
            else:
                target = baseline * rng.choice([2, 3, 4])
            # Measured before or at the plan's start, aimed at a year after the interim
            # evaluation: the baseline year always lies before the target year.
            baseline_year = rng.choice([2024, 2025])
            target_year = rng.randint(max(2027, min(action.end_year, 2029)), 2029)
            rows.append(
                Indicator(
                    action=action,
                    name=name,
                    unit=unit,
                    kind=IndicatorKind.QUANTITATIVE,
                    value_kind=value_kind,
                    min_value=Decimal(0) if value_kind == ValueKind.DECIMAL else None,
                    baseline_value=baseline,
                    baseline_year=baseline_year,
                    target_value=target.quantize(Decimal("1")),
                    target_year=target_year,
                    direction=direction,
                    disaggregation="sex" if "professionals" in name else "",
                    position=position,
                )
            )
    return bulk_create_with_history(rows, Indicator, batch_size=500, default_change_reason=REASON)


def _value_for(indicator: Indicator, year: int, rng: random.Random) -> IndicatorValue:
    if not indicator.is_quantitative:
        return IndicatorValue(
            indicator=indicator, year=year, assessment="De samenwerking verloopt vlot (demotekst)."
        )
    if rng.random() < 0.05:
        return IndicatorValue(
            indicator=indicator,
            year=year,
            no_data=True,
            no_data_reason="Cijfers nog niet beschikbaar (demo).",
        )
    start = indicator.baseline_value or Decimal(0)
    target = indicator.target_value or start
    first = indicator.baseline_year or year
    span = max(1, (indicator.target_year or year) - first)
    # On the way from baseline to target, somewhat behind or ahead: a yearly step is a
    # fraction of the distance, so no value jumps by a factor ten from the previous one.
    share = Decimal(min(1.1, max(0.0, (year - first) / span * rng.uniform(0.6, 1.1))))
    value = start + (target - start) * share
    if indicator.value_kind == ValueKind.PERCENTAGE:
        value = min(value, Decimal(100))
    value = value.quantize(Decimal("1"))
    breakdown = {}
    if indicator.disaggregation == "sex":
        female = (value * Decimal("0.7")).quantize(Decimal("1"))
        breakdown = {"female": str(female), "male": str(value - female)}
    return IndicatorValue(indicator=indicator, year=year, value=value, breakdown=breakdown)


def _fiches(
    rnd: ReportingRound,
    actions: list[Action],
    indicators: dict[int, list[Indicator]],
    rng: random.Random,
    *,
    is_current: bool,
    user: User | None,
) -> tuple[list[Fiche], list[IndicatorValue], list[ReviewEvent]]:
    now = timezone.now()
    year = rnd.year
    fiches: list[Fiche] = []
    values: list[IndicatorValue] = []
    every_state = [FicheState.DRAFT, FicheState.SUBMITTED, FicheState.RETURNED, FicheState.APPROVED]
    for index, action in enumerate(actions):
        if is_current and index < len(every_state):
            # The first fiches cover every state, whatever the random draw.
            state = every_state[index]
            rng.random()
        elif is_current:
            state = rng.choices(
                [FicheState.DRAFT, FicheState.SUBMITTED, FicheState.RETURNED, FicheState.APPROVED],
                weights=[4, 3, 1, 2],
            )[0]
        else:
            state = FicheState.APPROVED
        filled = state != FicheState.DRAFT or rng.random() < 0.4
        if action.end_year < year + (0 if is_current else 1) and rng.random() < 0.6:
            progress = ProgressStatus.COMPLETED
        else:
            progress = rng.choices(
                [
                    ProgressStatus.ON_TRACK,
                    ProgressStatus.DELAYED,
                    ProgressStatus.NOT_STARTED,
                    ProgressStatus.CANCELLED,
                ],
                weights=[6, 2, 1, 0.2],
            )[0]
        fiches.append(
            Fiche(
                action=action,
                year=year,
                round=rnd,
                state=state,
                goal=f"Doel van actie {action.code} (demotekst).",
                approach="Aanpak in fasen met de partners (demotekst).",
                status_update=rng.choice(STATUS_TEXTS) if filled else "",
                progress_status=progress if filled else "",
                next_steps="Verder uitrollen (demotekst)." if filled else "",
                review_reason="Vul de cijfers per provincie aan (demotekst)."
                if state == FicheState.RETURNED
                else "",
                submitted_at=now if state != FicheState.DRAFT else None,
                approved_at=now if state == FicheState.APPROVED else None,
                updated_at=now,
                updated_by=user,
            )
        )
        if filled:
            values.extend(_value_for(i, year, rng) for i in indicators.get(action.pk, []))
    created = bulk_create_with_history(
        fiches, Fiche, batch_size=500, default_change_reason=REASON, default_user=user
    )
    bulk_create_with_history(
        values, IndicatorValue, batch_size=500, default_change_reason=REASON, default_user=user
    )
    kinds = {
        FicheState.SUBMITTED: [ReviewKind.SUBMIT],
        FicheState.RETURNED: [ReviewKind.SUBMIT, ReviewKind.RETURN],
        FicheState.APPROVED: [ReviewKind.SUBMIT, ReviewKind.APPROVE],
    }
    events = [
        ReviewEvent(
            fiche=fiche,
            kind=kind,
            author=user,
            created_at=now,
            reason=fiche.review_reason if kind == ReviewKind.RETURN else "",
        )
        for fiche in created
        for kind in kinds.get(fiche.state, [])
    ]
    return created, values, events


def demo_fiches_purge() -> dict[str, int]:
    """Delete the fiches (with their contributions and review events) of demo actions and
    the rounds of demo plans, with their history."""
    fiches = Fiche.objects.filter(action__in=demo_actions())
    with transaction.atomic():
        delete_with_history(ReviewEvent.objects.filter(fiche__in=fiches))
        delete_with_history(Contribution.objects.filter(fiche__in=fiches))
        counts = {"fiches": delete_with_history(fiches)}
        counts["rounds"] = delete_with_history(ReportingRound.objects.filter(plan__in=demo_plans()))
    return counts
