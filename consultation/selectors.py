"""Reads of meetings, follow-up items and stakeholder input, each in a fixed number of
queries. Other floors use ``open_follow_ups`` (the dashboard's and the action page's
partials are served from here) and ``evaluation_consultation`` (the evaluation reports)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet
from django.http import Http404

from actionplan.models import (
    Action,
    Administration,
    OperationalGoal,
    Plan,
    StrategicGoal,
    User,
    ViolenceForm,
)
from consultation.models import (
    Consultation,
    ConsultationState,
    FollowUp,
    InputAttachment,
    InputInvitation,
    StakeholderInput,
)


def _overdue(as_of: dt.date) -> ExpressionWrapper:
    return ExpressionWrapper(Q(due_date__lt=as_of), output_field=BooleanField())


def consultation_list(
    user: User, *, kind: str = "", state: str = "", plan: Plan | None = None
) -> QuerySet[Consultation]:
    """The meetings ``user`` sees, newest first, with their participants and the number of
    open follow-up items. Paged: one query for the rows, one for the administrations."""
    queryset = Consultation.objects.visible_to(user)
    if plan is not None:
        queryset = queryset.for_plan(plan)
    if kind:
        queryset = queryset.filter(kind=kind)
    if state:
        queryset = queryset.filter(state=state)
    return (
        queryset.select_related("plan")
        .prefetch_related(
            Prefetch("administrations", queryset=Administration.objects.only("id", "code", "name"))
        )
        .order_by("-date", "-id")
    )


def consultation_detail(pk: int, user: User) -> Consultation:
    """One meeting with everything its page shows, if ``user`` may see it (else 404)."""
    try:
        return (
            Consultation.objects.visible_to(user)
            .select_related("plan", "created_by")
            .prefetch_related(
                Prefetch(
                    "administrations", queryset=Administration.objects.only("id", "code", "name")
                ),
                Prefetch(
                    "actions",
                    queryset=Action.objects.only("id", "code", "title").order_by("code"),
                ),
                "strategic_goals",
                Prefetch(
                    "operational_goals",
                    queryset=OperationalGoal.objects.only(
                        "id", "code", "title", "strategic_goal_id"
                    ),
                ),
                Prefetch(
                    "follow_ups",
                    queryset=FollowUp.objects.select_related("owner").prefetch_related(
                        Prefetch("actions", queryset=Action.objects.only("id", "code", "title"))
                    ),
                ),
            )
            .get(pk=pk)
        )
    except Consultation.DoesNotExist as exc:
        raise Http404("Overleg niet gevonden") from exc


def follow_up_detail(pk: int, user: User) -> FollowUp:
    """One follow-up item with its meeting, if ``user`` sees the meeting (else 404)."""
    try:
        return (
            FollowUp.objects.visible_to(user)
            .select_related("consultation__plan", "owner")
            .prefetch_related("actions")
            .get(pk=pk)
        )
    except FollowUp.DoesNotExist as exc:
        raise Http404("Opvolgpunt niet gevonden") from exc


def follow_ups(user: User) -> QuerySet[FollowUp]:
    """The follow-up items ``user`` sees (the API list): one query per page, one for the
    actions."""
    return (
        FollowUp.objects.visible_to(user)
        .select_related("owner", "consultation")
        .prefetch_related(Prefetch("actions", queryset=Action.objects.only("id", "code")))
        .order_by("consultation__date", "id")
    )


def open_follow_ups(*, as_of: dt.date, action: Action | None = None, user: User) -> list[FollowUp]:
    """The open follow-up items ``user`` sees (of ``action``, when given), the earliest due
    first; each carries ``overdue``: due before ``as_of``. One query.

    Items of cancelled meetings are not open any more."""
    queryset = FollowUp.objects.visible_to(user).open()
    if action is not None:
        queryset = queryset.filter(actions=action)
    return list(
        queryset.select_related("owner", "consultation")
        .only(
            "id",
            "description",
            "due_date",
            "state",
            "owner__id",
            "owner__code",
            "owner__name",
            "consultation__id",
            "consultation__date",
            "consultation__title",
        )
        .annotate(overdue=_overdue(as_of))
        .order_by("due_date", "id")
    )


def invitations(user: User) -> QuerySet[InputInvitation]:
    if not user.is_coordinator:
        return InputInvitation.objects.none()
    return InputInvitation.objects.select_related("plan").order_by("-created_at", "-id")


def stakeholder_inputs(
    user: User, *, plan: Plan | None = None, kind: str = "", year: int | None = None
) -> QuerySet[StakeholderInput]:
    """The input ``user`` may read (AJH's), newest first: one query per page plus one per
    many-to-many relation shown (goals, forms of violence, attachments)."""
    queryset = StakeholderInput.objects.visible_to(user)
    if plan is not None:
        queryset = queryset.filter(plan=plan)
    if kind:
        queryset = queryset.filter(evaluation_kind=kind)
    if year:
        queryset = queryset.filter(evaluation_year=year)
    return (
        queryset.select_related("plan")
        .prefetch_related(
            Prefetch("strategic_goals", queryset=StrategicGoal.objects.only("id", "number")),
            Prefetch("violence_forms", queryset=ViolenceForm.objects.only("id", "code", "name")),
            Prefetch(
                "attachments",
                queryset=InputAttachment.objects.only(
                    "id", "original_name", "size", "stakeholder_input_id"
                ),
            ),
        )
        .order_by("-received_at", "-id")
    )


def stakeholder_input_detail(pk: int, user: User) -> StakeholderInput:
    try:
        return stakeholder_inputs(user).select_related("entered_by", "invitation").get(pk=pk)
    except StakeholderInput.DoesNotExist as exc:
        raise Http404("Inbreng niet gevonden") from exc


def attachment_for(pk: int, user: User) -> InputAttachment:
    """An attachment, for AJH only: to everyone else it does not exist."""
    found = (
        InputAttachment.objects.filter(
            stakeholder_input__in=StakeholderInput.objects.visible_to(user)
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("Bijlage niet gevonden")
    return found


# --- For the evaluation reports --------------------------------------------------------


@dataclass
class EvaluationConsultation:
    """What an evaluation report says about consultation and stakeholder input."""

    start: dt.date
    end: dt.date
    # Meetings held or planned in the period (not cancelled), oldest first, with
    # ``administrations``, ``decisions`` and ``follow_ups`` (each with ``owner``).
    meetings: list[Consultation] = field(default_factory=list)
    # Input for this evaluation that may be cited, oldest first, with ``strategic_goals``
    # and ``violence_forms``.
    citable_inputs: list[StakeholderInput] = field(default_factory=list)
    # All input received for this evaluation, cited or not.
    inputs_received: int = 0

    @property
    def follow_ups(self) -> list[FollowUp]:
        return [item for meeting in self.meetings for item in meeting.follow_ups.all()]


def evaluation_period(plan: Plan, year: int) -> tuple[dt.date, dt.date]:
    """From the plan's start to the end of the evaluation's year."""
    return dt.date(plan.start_year, 1, 1), dt.date(year, 12, 31)


def evaluation_consultation(plan: Plan, kind: str, year: int) -> EvaluationConsultation:
    """Meetings in the evaluation's period with their decisions and follow-up items, and
    the stakeholder input for the evaluation ``kind`` (``interim``/``final``) of ``year``
    that its authors allow to cite. Seven queries: meetings, their administrations, their
    follow-up items with owners, the citable input, its goals, its forms of violence, and
    the count of all input received."""
    start, end = evaluation_period(plan, year)
    meetings = (
        Consultation.objects.for_plan(plan)
        .filter(date__range=(start, end))
        .exclude(state=ConsultationState.CANCELLED)
        .prefetch_related(
            Prefetch("administrations", queryset=Administration.objects.only("id", "code", "name")),
            Prefetch(
                "follow_ups",
                queryset=FollowUp.objects.select_related("owner").order_by("due_date", "id"),
            ),
        )
        .order_by("date", "id")
    )
    inputs = StakeholderInput.objects.for_evaluation(plan, kind, year)
    citable = (
        inputs.filter(consent_to_cite=True)
        .prefetch_related(
            Prefetch(
                "strategic_goals",
                queryset=StrategicGoal.objects.only("id", "number", "title").order_by("number"),
            ),
            Prefetch("violence_forms", queryset=ViolenceForm.objects.only("id", "code", "name")),
        )
        .order_by("received_at", "id")
    )
    return EvaluationConsultation(
        start=start,
        end=end,
        meetings=list(meetings),
        citable_inputs=list(citable),
        inputs_received=inputs.count(),
    )
