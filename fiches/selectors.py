"""Reads for the fiche pages and API, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from actionplan.models import Administration, User
from fiches.merge import ValueState, value_state
from fiches.models import (
    CONTENT_FIELDS,
    Contribution,
    Fiche,
    FicheQuerySet,
    FicheState,
    ReportingRound,
    ReviewEvent,
    RoundStatus,
)
from indicators.models import Indicator, IndicatorValue


def fiche_base(user: User) -> FicheQuerySet:
    """Visible fiches with what every list shows: action, leads, round, last editor."""
    return (
        Fiche.objects.visible_to(user)
        .with_permissions(user)
        .select_related(
            "action__lead_administration", "action__lead_minister", "round", "updated_by"
        )
    )


def value_counts_condition() -> Exists:
    """On indicator values: the value of indicator I for year Y counts in AJH's figures
    (dashboard, stats API, reports) only when the fiche of I's action for year Y is the
    current approved fiche as of Y (``FicheQuerySet.approved_as_of_condition``). Drafts,
    submitted and returned fiches, and years without a fiche, do not count."""
    year = OuterRef("year")
    return Exists(
        Fiche.objects.filter(
            FicheQuerySet.approved_as_of_condition(year),
            action_id=OuterRef("indicator__action_id"),
            year=year,
        )
    )


def counted_values(values: QuerySet[IndicatorValue]) -> QuerySet[IndicatorValue]:
    """Only the values that count in AJH's figures (``value_counts_condition``)."""
    return values.filter(value_counts_condition())


def open_rounds() -> QuerySet[ReportingRound]:
    return ReportingRound.objects.filter(status=RoundStatus.OPEN)


def my_fiches(
    user: User,
    *,
    state: str = "",
    year: int | None = None,
    administration: int | None = None,
    minister: int | None = None,
) -> QuerySet[Fiche]:
    """ "Mijn fiches": the open round's fiches of the user's administration(s).

    Editors see the fiches their administration leads or co-leads; coordinators and readers
    see all of them. With a ``year`` the list shows that year's fiches, open round or not
    (the dashboard links here); ``administration`` and ``minister`` narrow to a lead.
    """
    fiches = fiche_base(user)
    fiches = fiches.filter(year=year) if year else fiches.filter(round__status=RoundStatus.OPEN)
    if user.is_editor:
        fiches = fiches.filter(
            Q(pk__in=Fiche.objects.led_by(user).values("pk"))
            | Q(pk__in=Fiche.objects.co_led_by(user).values("pk"))
        )
    if state:
        fiches = fiches.filter(state=state)
    if administration:
        fiches = fiches.filter(action__lead_administration_id=administration)
    if minister:
        fiches = fiches.filter(action__lead_minister_id=minister)
    return fiches


def review_queue(user: User) -> QuerySet[Fiche]:
    return (
        fiche_base(user)
        .reviewable_by(user)
        .filter(state=FicheState.SUBMITTED)
        .order_by("submitted_at", "pk")
    )


@dataclass
class FichePage:
    fiche: Fiche
    indicators: list[Indicator]
    values: dict[int, IndicatorValue]
    contributions: list[Contribution]
    events: list[ReviewEvent]
    previous: Fiche | None
    my_co_lead_administrations: list[Administration]


def fiche_page(pk: int, user: User) -> FichePage:
    """Everything the fiche page shows."""
    try:
        fiche = (
            fiche_base(user)
            .select_related("action__operational_goal", "action__strategic_goal", "action__plan")
            .prefetch_related(
                Prefetch(
                    "contributions",
                    queryset=Contribution.objects.select_related("administration", "updated_by"),
                ),
                Prefetch("review_events", queryset=ReviewEvent.objects.select_related("author")),
                Prefetch(
                    "action__co_lead_administrations",
                    queryset=Administration.objects.only("id", "code", "name"),
                ),
            )
            .get(pk=pk)
        )
    except Fiche.DoesNotExist as exc:
        raise Http404("Fiche niet gevonden") from exc
    indicators = list(Indicator.objects.filter(action_id=fiche.action_id))
    values = {
        v.indicator_id: v
        for v in IndicatorValue.objects.filter(
            indicator__action_id=fiche.action_id, year=fiche.year
        )
    }
    previous = (
        Fiche.objects.filter(
            action_id=fiche.action_id, year__lt=fiche.year, state=FicheState.APPROVED
        )
        .order_by("-year")
        .first()
    )
    co_leads = list(fiche.action.co_lead_administrations.all())
    mine: list[Administration] = []
    if getattr(fiche, "can_contribute", False):
        member_ids = set(user.administrations.values_list("id", flat=True))
        mine = [a for a in co_leads if a.pk in member_ids]
    return FichePage(
        fiche=fiche,
        indicators=indicators,
        values=values,
        contributions=list(fiche.contributions.all()),
        events=list(fiche.review_events.all()),
        previous=previous,
        my_co_lead_administrations=mine,
    )


@dataclass
class VersionState:
    """A fiche's content and indicator values (by indicator id) as they were in a version."""

    content: dict[str, Any]
    values: dict[int, ValueState]


def fiche_version_state(fiche: Fiche, version: int) -> VersionState | None:
    """``fiche`` as it was in ``version``, read back from history (None: no record of it).

    A save writes the values before the fiche's own record, in one transaction, so the
    values of a version are the ones recorded up to that version's record.
    """
    record = (
        Fiche.history.filter(id=fiche.pk, version=version)
        .order_by("-history_date", "-history_id")
        .first()
    )
    if record is None:
        return None
    values: dict[int, ValueState] = {}
    for value in IndicatorValue.history.filter(
        indicator__action_id=fiche.action_id,
        year=fiche.year,
        history_date__lte=record.history_date,
    ).order_by("history_date", "history_id"):
        values[value.indicator_id] = (
            ValueState() if value.history_type == "-" else value_state(value)
        )
    return VersionState(
        content={name: getattr(record, name) for name in CONTENT_FIELDS}, values=values
    )
