"""Writes of meetings, follow-up items, invitations and stakeholder input. Every write goes
through one of these."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actionplan.history import one_history_record
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
    ConsultationKind,
    ConsultationState,
    EvaluationKind,
    FollowUp,
    FollowUpState,
    InputAttachment,
    InputInvitation,
    InputSource,
    StakeholderInput,
)
from fiches.checks import PersonalDataSuspected, personal_data_messages

PDF_MAGIC = b"%PDF-"
MAX_ATTACHMENTS = 5


class InvitationUnusable(Exception):
    """An invitation link that was used already or has expired (410 Gone)."""

    api_status = 410


def _require_coordinator(user: User, message: str) -> None:
    if not user.is_coordinator:
        raise PermissionDenied(message)


def _stamp(obj: Any, user: User | None, reason: str) -> None:
    obj._history_user = user
    obj._change_reason = reason


def _check_plan_links(
    plan: Plan,
    actions: Iterable[Action],
    strategic_goals: Iterable[StrategicGoal],
    operational_goals: Iterable[OperationalGoal] = (),
) -> None:
    errors: dict[str, str] = {}
    if any(a.plan_id != plan.pk for a in actions):
        errors["actions"] = _("Kies acties van dit actieplan.")
    if any(g.plan_id != plan.pk for g in strategic_goals):
        errors["strategic_goals"] = _("Kies strategische doelstellingen van dit actieplan.")
    if any(g.strategic_goal.plan_id != plan.pk for g in operational_goals):
        errors["operational_goals"] = _("Kies operationele doelstellingen van dit actieplan.")
    if errors:
        raise ValidationError(errors)


# --- Meetings --------------------------------------------------------------------------


@dataclass
class ConsultationData:
    """What AJH records of a meeting (form and API alike)."""

    date: dt.date
    kind: str
    title: str
    state: str = ConsultationState.PLANNED
    other_participants: str = ""
    agenda: str = ""
    minutes: str = ""
    decisions: str = ""
    administrations: Sequence[Administration] = ()
    actions: Sequence[Action] = ()
    strategic_goals: Sequence[StrategicGoal] = ()
    operational_goals: Sequence[OperationalGoal] = ()


def _consultation_validate(plan: Plan, data: ConsultationData) -> None:
    errors: dict[str, str] = {}
    if data.kind not in ConsultationKind.values:
        errors["kind"] = _("Kies een soort overleg.")
    if data.state not in ConsultationState.values:
        errors["state"] = _("Kies een status.")
    if not data.title.strip():
        errors["title"] = _("Geef het onderwerp van het overleg op.")
    if data.kind == ConsultationKind.BILATERAL and not data.administrations:
        errors["administrations"] = _("Een bilateraal overleg heeft minstens één administratie.")
    if errors:
        raise ValidationError(errors)
    _check_plan_links(plan, data.actions, data.strategic_goals, data.operational_goals)


def _consultation_write(
    consultation: Consultation, data: ConsultationData, *, user: User, reason: str, created: bool
) -> Consultation:
    for name in ("date", "kind", "title", "state", "other_participants", "agenda", "minutes"):
        setattr(consultation, name, getattr(data, name))
    consultation.decisions = data.decisions
    consultation._history_user = user  # type: ignore[attr-defined]
    with one_history_record(consultation, reason=reason, created=created):
        consultation.save()
        consultation.administrations.set(data.administrations)
        consultation.actions.set(data.actions)
        consultation.strategic_goals.set(data.strategic_goals)
        consultation.operational_goals.set(data.operational_goals)
    return consultation


@transaction.atomic
def consultation_create(
    *, plan: Plan, user: User, data: ConsultationData, is_demo: bool = False
) -> Consultation:
    """AJH records a meeting."""
    _require_coordinator(user, _("Alleen AJH legt overlegmomenten vast."))
    _consultation_validate(plan, data)
    consultation = Consultation(plan=plan, created_by=user, is_demo=is_demo)
    return _consultation_write(
        consultation, data, user=user, reason=_("Overleg vastgelegd"), created=True
    )


@transaction.atomic
def consultation_update(
    *, consultation: Consultation, user: User, data: ConsultationData, reason: str = ""
) -> Consultation:
    """AJH changes a meeting, or cancels it (meetings are not deleted)."""
    _require_coordinator(user, _("Alleen AJH wijzigt overlegmomenten."))
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    _consultation_validate(consultation.plan, data)
    owners = set(consultation.follow_ups.exclude(owner=None).values_list("owner_id", flat=True))
    missing = owners - {a.pk for a in data.administrations}
    if missing:
        raise ValidationError(
            {
                "administrations": _(
                    "Een administratie met opvolgpunten blijft deelnemer van het overleg."
                )
            }
        )
    return _consultation_write(
        consultation,
        data,
        user=user,
        reason=reason or _("Overleg gewijzigd"),
        created=False,
    )


# --- Follow-up items -------------------------------------------------------------------


@dataclass
class FollowUpData:
    description: str
    owner: Administration | None = None
    due_date: dt.date | None = None
    state: str = FollowUpState.OPEN
    note: str = ""
    actions: Sequence[Action] = ()


def _follow_up_validate(consultation: Consultation, data: FollowUpData) -> None:
    errors: dict[str, str] = {}
    if not data.description.strip():
        errors["description"] = _("Beschrijf wat opgevolgd moet worden.")
    if data.state not in FollowUpState.values:
        errors["state"] = _("Kies een status.")
    if (
        data.owner is not None
        and not consultation.administrations.filter(pk=data.owner.pk).exists()
    ):
        errors["owner"] = _("De verantwoordelijke administratie nam deel aan het overleg.")
    if data.state == FollowUpState.DROPPED and not data.note.strip():
        errors["note"] = _("Licht toe waarom dit opvolgpunt vervalt.")
    if errors:
        raise ValidationError(errors)
    _check_plan_links(consultation.plan, data.actions, ())


@transaction.atomic
def follow_up_create(*, consultation: Consultation, user: User, data: FollowUpData) -> FollowUp:
    """AJH adds a follow-up item to a meeting."""
    _require_coordinator(user, _("Alleen AJH voegt opvolgpunten toe."))
    _follow_up_validate(consultation, data)
    follow_up = FollowUp(consultation=consultation)
    return _follow_up_write(follow_up, data, user=user, reason=_("Opvolgpunt toegevoegd"))


def _follow_up_write(
    follow_up: FollowUp, data: FollowUpData, *, user: User, reason: str
) -> FollowUp:
    created = follow_up.pk is None
    follow_up.description = data.description
    follow_up.owner = data.owner
    follow_up.due_date = data.due_date
    follow_up.state = data.state
    follow_up.note = data.note
    follow_up._history_user = user  # type: ignore[attr-defined]
    with one_history_record(follow_up, reason=reason, created=created):
        follow_up.save()
        follow_up.actions.set(data.actions)
    return follow_up


@transaction.atomic
def follow_up_update(*, follow_up: FollowUp, user: User, data: FollowUpData) -> FollowUp:
    """AJH changes everything of a follow-up item."""
    _require_coordinator(user, _("Alleen AJH wijzigt een opvolgpunt volledig."))
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    _follow_up_validate(follow_up.consultation, data)
    return _follow_up_write(follow_up, data, user=user, reason=_("Opvolgpunt gewijzigd"))


@transaction.atomic
def follow_up_set_state(*, follow_up: FollowUp, user: User, state: str, note: str) -> FollowUp:
    """The owner administration's editor (or AJH) says how a follow-up item stands."""
    if not FollowUp.objects.editable_by(user).filter(pk=follow_up.pk).exists():
        raise PermissionDenied(
            _("Alleen de verantwoordelijke administratie en AJH werken dit opvolgpunt bij.")
        )
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    errors: dict[str, str] = {}
    if state not in FollowUpState.values:
        errors["state"] = _("Kies een status.")
    if state == FollowUpState.DROPPED and not note.strip():
        errors["note"] = _("Licht toe waarom dit opvolgpunt vervalt.")
    if errors:
        raise ValidationError(errors)
    follow_up.state = state
    follow_up.note = note
    _stamp(follow_up, user, _("Status van het opvolgpunt bijgewerkt"))
    follow_up.save(update_fields=["state", "note", "updated_at"])
    return follow_up


# --- Invitations -----------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class NewInvitation:
    invitation: InputInvitation
    # The only moment the token exists outside the invited organisation's link.
    token: str


@transaction.atomic
def invitation_create(
    *,
    plan: Plan,
    user: User,
    organisation: str,
    evaluation_kind: str,
    evaluation_year: int,
    expires_at: dt.datetime,
    is_demo: bool = False,
) -> NewInvitation:
    """AJH invites an organisation to send its input once, before ``expires_at``."""
    _require_coordinator(user, _("Alleen AJH nodigt organisaties uit."))
    errors: dict[str, str] = {}
    if not organisation.strip():
        errors["organisation"] = _("Geef de naam van de organisatie op.")
    if evaluation_kind not in EvaluationKind.values:
        errors["evaluation_kind"] = _("Kies de evaluatie.")
    if evaluation_year not in plan.years:
        errors["evaluation_year"] = _("Kies een jaar van het actieplan.")
    if expires_at <= timezone.now():
        errors["expires_at"] = _("De uitnodiging moet in de toekomst vervallen.")
    if errors:
        raise ValidationError(errors)
    token = secrets.token_urlsafe(32)
    invitation = InputInvitation(
        plan=plan,
        organisation=organisation.strip(),
        evaluation_kind=evaluation_kind,
        evaluation_year=evaluation_year,
        expires_at=expires_at,
        token_hash=token_hash(token),
        created_by=user,
        is_demo=is_demo,
    )
    _stamp(invitation, user, _("Uitnodiging tot inbreng aangemaakt"))
    invitation.save()
    return NewInvitation(invitation=invitation, token=token)


def invitation_for_token(token: str) -> InputInvitation | None:
    """The invitation of a link, used or not; None for a token nobody made."""
    return (
        InputInvitation.objects.select_related("plan").filter(token_hash=token_hash(token)).first()
    )


def invitation_check_usable(invitation: InputInvitation) -> None:
    if invitation.used_at is not None:
        raise InvitationUnusable(_("Via deze uitnodiging is al inbreng ingediend."))
    if invitation.expires_at <= timezone.now():
        raise InvitationUnusable(_("Deze uitnodiging is verlopen."))


# --- Stakeholder input -----------------------------------------------------------------


@dataclass
class InputData:
    organisation: str
    topic: str
    text: str
    consent_to_cite: bool = False
    strategic_goals: Sequence[StrategicGoal] = ()
    violence_forms: Sequence[ViolenceForm] = ()
    attachments: Sequence[UploadedFile] = ()
    # The sender confirmed that text which looks like personal data is none.
    confirmed: bool = False


def check_pdf(upload: UploadedFile) -> None:
    """A PDF by its content, not its name, and not larger than the setting allows."""
    limit: int = settings.CONSULTATION_UPLOAD_MAX_BYTES
    if (upload.size or 0) > limit:
        raise ValidationError(
            {
                "attachments": _("%(name)s is groter dan %(mb)s MB.")
                % {"name": upload.name, "mb": round(limit / 1024 / 1024, 1)}
            }
        )
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head != PDF_MAGIC:
        raise ValidationError(
            {"attachments": _("%(name)s is geen PDF-bestand.") % {"name": upload.name}}
        )


def _input_validate(plan: Plan, data: InputData) -> None:
    errors: dict[str, str] = {}
    if not data.organisation.strip():
        errors["organisation"] = _("Geef de naam van de organisatie op.")
    if not data.topic.strip():
        errors["topic"] = _("Geef het onderwerp op.")
    if not data.text.strip():
        errors["text"] = _("Schrijf de inbreng.")
    if len(data.attachments) > MAX_ATTACHMENTS:
        errors["attachments"] = _("Voeg hoogstens %(n)s bestanden toe.") % {"n": MAX_ATTACHMENTS}
    if errors:
        raise ValidationError(errors)
    for upload in data.attachments:
        check_pdf(upload)
    _check_plan_links(plan, (), data.strategic_goals)
    if not data.confirmed:
        found = personal_data_messages({"text": data.text, "topic": data.topic})
        if found:
            raise PersonalDataSuspected(found)


def _input_write(
    stakeholder_input: StakeholderInput, data: InputData, *, user: User | None, reason: str
) -> StakeholderInput:
    stakeholder_input.organisation = data.organisation.strip()
    stakeholder_input.topic = data.topic.strip()
    stakeholder_input.text = data.text
    stakeholder_input.consent_to_cite = data.consent_to_cite
    stakeholder_input._history_user = user  # type: ignore[attr-defined]
    with one_history_record(stakeholder_input, reason=reason, created=True):
        stakeholder_input.save()
        stakeholder_input.strategic_goals.set(data.strategic_goals)
        stakeholder_input.violence_forms.set(data.violence_forms)
    for upload in data.attachments:
        attachment = InputAttachment(
            stakeholder_input=stakeholder_input,
            original_name=(upload.name or "bijlage.pdf")[:255],
            size=upload.size or 0,
        )
        attachment.file.save("bijlage.pdf", upload, save=False)
        _stamp(attachment, user, reason)
        attachment.save()
    return stakeholder_input


@transaction.atomic
def stakeholder_input_create(
    *,
    plan: Plan,
    user: User,
    evaluation_kind: str,
    evaluation_year: int,
    data: InputData,
    is_demo: bool = False,
) -> StakeholderInput:
    """AJH enters input it received (by mail, on paper, in a meeting)."""
    _require_coordinator(user, _("Alleen AJH voert inbreng in."))
    errors: dict[str, str] = {}
    if evaluation_kind not in EvaluationKind.values:
        errors["evaluation_kind"] = _("Kies de evaluatie.")
    if evaluation_year not in plan.years:
        errors["evaluation_year"] = _("Kies een jaar van het actieplan.")
    if errors:
        raise ValidationError(errors)
    _input_validate(plan, data)
    stakeholder_input = StakeholderInput(
        plan=plan,
        evaluation_kind=evaluation_kind,
        evaluation_year=evaluation_year,
        source=InputSource.ENTERED,
        entered_by=user,
        is_demo=is_demo,
    )
    return _input_write(stakeholder_input, data, user=user, reason=_("Inbreng ingevoerd door AJH"))


@transaction.atomic
def stakeholder_input_submit(*, token: str, data: InputData) -> StakeholderInput:
    """An invited organisation sends its input through its link: once, before it expires.
    No account is made; the history names no user."""
    found = invitation_for_token(token)
    if found is None:
        raise InputInvitation.DoesNotExist
    invitation = InputInvitation.objects.select_for_update().get(pk=found.pk)
    invitation_check_usable(invitation)
    # The organisation is the invited one, whatever the form says.
    data.organisation = invitation.organisation
    _input_validate(invitation.plan, data)
    stakeholder_input = StakeholderInput(
        plan=invitation.plan,
        evaluation_kind=invitation.evaluation_kind,
        evaluation_year=invitation.evaluation_year,
        source=InputSource.INVITATION,
        invitation=invitation,
        is_demo=invitation.is_demo,
    )
    _input_write(stakeholder_input, data, user=None, reason=_("Inbreng ingediend via uitnodiging"))
    invitation.used_at = timezone.now()
    _stamp(invitation, None, _("Uitnodiging gebruikt"))
    invitation.save(update_fields=["used_at"])
    return stakeholder_input
