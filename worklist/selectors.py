"""``Mijn taken``: what a user has to do now, from every part of the application.

- fiches to fill in or fix (the lead administration's editors; drafts and returned fiches
  of an open round, or reopened after closing), with the deadline and the days left;
- fiches to review (coordinators: submitted fiches);
- contributions asked of the user's administration (co-lead of a fiche still open, no
  contribution yet);
- follow-up items of meetings that the user's administration owns (AJH: the ones it
  follows up itself), still open.

Four queries whatever the number of tasks; ``task_count`` answers the header's count in
four more cheap ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from actionplan.models import User, action_plan_order
from consultation.models import FollowUp
from fiches.models import Contribution, Fiche, FicheQuerySet, FicheState


class TaskKind:
    FILL = "fill"
    FIX = "fix"
    REVIEW = "review"
    CONTRIBUTE = "contribute"
    FOLLOW_UP = "follow_up"


@dataclass(frozen=True)
class Task:
    kind: str
    label: str
    title: str
    url: str
    deadline: dt.date | None
    days_left: int | None
    reason: str = ""

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def days_late(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


def _to_fill(user: User) -> QuerySet[Fiche]:
    if not user.is_editor:
        return Fiche.objects.none()
    return Fiche.objects.led_by(user).filter(FicheQuerySet.open_condition())


def _to_review(user: User) -> QuerySet[Fiche]:
    return Fiche.objects.reviewable_by(user).filter(state=FicheState.SUBMITTED)


def _to_contribute(user: User) -> QuerySet[Fiche]:
    if not user.is_editor:
        return Fiche.objects.none()
    given = Contribution.objects.filter(
        fiche_id=OuterRef("pk"),
        administration__in=User.administrations.through.objects.filter(user_id=user.pk).values(
            "administration_id"
        ),
    )
    return (
        Fiche.objects.filter(FicheQuerySet.contribute_condition(user))
        .exclude(pk__in=Fiche.objects.led_by(user).values("pk"))
        .filter(~Exists(given))
    )


def _follow_ups(user: User) -> QuerySet[FollowUp]:
    items = FollowUp.objects.open()
    if user.is_coordinator:
        return items.filter(owner__isnull=True)
    if not user.is_editor:
        return FollowUp.objects.none()
    return items.filter(
        owner__in=User.administrations.through.objects.filter(user_id=user.pk).values(
            "administration_id"
        )
    )


def _fiche_rows(fiches: QuerySet[Fiche]) -> QuerySet[Fiche]:
    return fiches.select_related("action", "round").only(
        "id",
        "year",
        "state",
        "review_reason",
        "submitted_at",
        "late_allowed",
        "action__id",
        "action__code",
        "action__title",
        "round__id",
        "round__deadline",
        "round__status",
    )


def _days(deadline: dt.date | None, today: dt.date) -> int | None:
    return (deadline - today).days if deadline else None


def tasks_for(user: User, *, today: dt.date) -> list[Task]:
    """The user's tasks, the most urgent first (earliest deadline; none last). Four queries."""
    tasks: list[Task] = []
    for fiche in _fiche_rows(_to_fill(user)).order_by(
        "round__deadline", *action_plan_order("action__")
    ):
        returned = fiche.state == FicheState.RETURNED
        tasks.append(
            Task(
                kind=TaskKind.FIX if returned else TaskKind.FILL,
                label=_("Fiche aanpassen") if returned else _("Fiche invullen"),
                title=f"{fiche.action.code} {fiche.action.title} ({fiche.year})",
                url=reverse("fiches:detail", args=[fiche.pk]),
                deadline=fiche.round.deadline,
                days_left=_days(fiche.round.deadline, today),
                reason=fiche.review_reason if returned else "",
            )
        )
    for fiche in _fiche_rows(_to_review(user)).order_by("submitted_at", "pk"):
        tasks.append(
            Task(
                kind=TaskKind.REVIEW,
                label=_("Fiche beoordelen"),
                title=f"{fiche.action.code} {fiche.action.title} ({fiche.year})",
                url=reverse("fiches:detail", args=[fiche.pk]),
                deadline=None,
                days_left=None,
            )
        )
    for fiche in _fiche_rows(_to_contribute(user)).order_by(
        "round__deadline", *action_plan_order("action__")
    ):
        tasks.append(
            Task(
                kind=TaskKind.CONTRIBUTE,
                label=_("Bijdrage als medetrekker"),
                title=f"{fiche.action.code} {fiche.action.title} ({fiche.year})",
                url=reverse("fiches:detail", args=[fiche.pk]) + "#contrib-heading",
                deadline=fiche.round.deadline,
                days_left=_days(fiche.round.deadline, today),
            )
        )
    for item in (
        _follow_ups(user)
        .select_related("consultation")
        .only("id", "description", "due_date", "consultation__id", "consultation__title")
    ):
        tasks.append(
            Task(
                kind=TaskKind.FOLLOW_UP,
                label=_("Opvolgpunt van een overleg"),
                title=f"{item.description[:120]} ({item.consultation.title})",
                url=reverse("consultation:follow-up", args=[item.pk]),
                deadline=item.due_date,
                days_left=_days(item.due_date, today),
            )
        )
    return tasks


def task_count(user: User) -> int:
    return (
        _to_fill(user).count()
        + _to_review(user).count()
        + _to_contribute(user).count()
        + _follow_ups(user).count()
    )
