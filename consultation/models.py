"""Consultation moments (*overlegmomenten*) with their follow-up items, and written input
of stakeholders for an evaluation, with the invitations through which they send it.

Floor: above ``exchange`` (and so above fiches, planning, indicators and actionplan), below
``evaluations``, whose reports list the meetings and the input that may be cited.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from actionplan.history import History
from actionplan.models import (
    Action,
    Administration,
    DemoMixin,
    OperationalGoal,
    Plan,
    StrategicGoal,
    User,
    ViolenceForm,
)
from actionplan.texts import LINE, PROSE


class ConsultationKind(models.TextChoices):
    BILATERAL = "bilateral", _("bilateraal overleg met administraties")
    STEERING_GROUP = "steering_group", _("stuurgroep")
    CIVIL_SOCIETY = "civil_society", _("overleg met het middenveld")
    OTHER = "other", _("ander overleg")


class ConsultationState(models.TextChoices):
    PLANNED = "planned", _("gepland")
    HELD = "held", _("gehouden")
    # Meetings are never deleted: one that did not take place is cancelled.
    CANCELLED = "cancelled", _("geannuleerd")


class FollowUpState(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("uitgevoerd")
    DROPPED = "dropped", _("vervallen")


class EvaluationKind(models.TextChoices):
    """The evaluations stakeholder input is for: the values of the reports' kinds
    (``evaluations.models.ReportKind``), which sit on a floor above this one."""

    INTERIM = "interim", _("tussentijdse evaluatie")
    FINAL = "final", _("eindevaluatie")


class InputSource(models.TextChoices):
    ENTERED = "entered", _("ingevoerd door AJH")
    INVITATION = "invitation", _("ingediend via uitnodiging")


def _member_of(user: User) -> models.QuerySet:
    return User.administrations.through.objects.filter(user_id=user.pk).values("administration_id")


class ConsultationQuerySet(models.QuerySet["Consultation"]):
    def visible_to(self, user: User) -> ConsultationQuerySet:
        """AJH sees every meeting; an editor the meetings in which one of their
        administrations took part; nobody else any."""
        if user.is_coordinator:
            return self.all()
        if not user.is_editor:
            return self.none()
        participated = Consultation.administrations.through.objects.filter(
            consultation=OuterRef("pk"), administration__in=_member_of(user)
        )
        return self.filter(Exists(participated))

    def editable_by(self, user: User) -> ConsultationQuerySet:
        return self.all() if user.is_coordinator else self.none()

    def for_plan(self, plan: Plan) -> ConsultationQuerySet:
        return self.filter(plan=plan)


class Consultation(DemoMixin):
    """A meeting of AJH with administrations, the steering group or civil society."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("actieplan"), on_delete=models.PROTECT, related_name="consultations"
    )
    date = models.DateField(_("datum"))
    kind = models.CharField(_("soort overleg"), max_length=20, choices=ConsultationKind.choices)
    title = models.CharField(_("onderwerp"), max_length=300, validators=LINE)
    state = models.CharField(
        _("status"),
        max_length=20,
        choices=ConsultationState.choices,
        default=ConsultationState.PLANNED,
    )
    administrations = models.ManyToManyField(
        Administration,
        verbose_name=_("deelnemende administraties"),
        blank=True,
        related_name="consultations",
    )
    other_participants = models.TextField(
        _("andere deelnemers"),
        blank=True,
        help_text=_("Organisaties en functies, geen namen van slachtoffers of daders."),
        validators=PROSE,
    )
    agenda = models.TextField(_("agenda"), blank=True, validators=PROSE)
    minutes = models.TextField(_("verslag"), blank=True, validators=PROSE)
    decisions = models.TextField(_("beslissingen"), blank=True, validators=PROSE)
    actions = models.ManyToManyField(
        Action, verbose_name=_("acties"), blank=True, related_name="consultations"
    )
    strategic_goals = models.ManyToManyField(
        StrategicGoal,
        verbose_name=_("strategische doelstellingen"),
        blank=True,
        related_name="consultations",
    )
    operational_goals = models.ManyToManyField(
        OperationalGoal,
        verbose_name=_("operationele doelstellingen"),
        blank=True,
        related_name="consultations",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vastgelegd door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("vastgelegd op"), auto_now_add=True)
    history = History(m2m_fields=[administrations, actions, strategic_goals, operational_goals])

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("overlegmoment")
        verbose_name_plural = _("overlegmomenten")

    def __str__(self) -> str:
        return f"{self.date:%d-%m-%Y} {self.title}"

    @property
    def is_cancelled(self) -> bool:
        return self.state == ConsultationState.CANCELLED


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def visible_to(self, user: User) -> FollowUpQuerySet:
        """The follow-up items of the meetings ``user`` sees."""
        return self.filter(consultation__in=Consultation.objects.visible_to(user))

    def editable_by(self, user: User) -> FollowUpQuerySet:
        """AJH changes every item; an editor the state and note of the items their
        administration owns."""
        if user.is_coordinator:
            return self.all()
        if not user.is_editor:
            return self.none()
        return self.visible_to(user).filter(owner__in=_member_of(user))

    def open(self) -> FollowUpQuerySet:
        return self.filter(state=FollowUpState.OPEN).exclude(
            consultation__state=ConsultationState.CANCELLED
        )


class FollowUp(models.Model):
    """Something agreed in a meeting that someone has to do."""

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("overlegmoment"),
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    description = models.TextField(_("omschrijving"), validators=PROSE)
    owner = models.ForeignKey(
        Administration,
        verbose_name=_("verantwoordelijke administratie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        help_text=_("Leeg: AJH volgt dit zelf op."),
    )
    due_date = models.DateField(_("uiterlijk tegen"), null=True, blank=True)
    state = models.CharField(
        _("status"), max_length=20, choices=FollowUpState.choices, default=FollowUpState.OPEN
    )
    note = models.TextField(_("toelichting bij de status"), blank=True, validators=PROSE)
    actions = models.ManyToManyField(
        Action, verbose_name=_("acties"), blank=True, related_name="follow_ups"
    )
    updated_at = models.DateTimeField(_("laatst gewijzigd"), auto_now=True)
    history = History(m2m_fields=[actions])

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = [models.F("due_date").asc(nulls_last=True), "id"]
        verbose_name = _("opvolgpunt")
        verbose_name_plural = _("opvolgpunten")

    def __str__(self) -> str:
        return self.description[:80]

    def is_overdue_on(self, as_of: dt.date) -> bool:
        return (
            self.state == FollowUpState.OPEN and self.due_date is not None and self.due_date < as_of
        )


class InvitationQuerySet(models.QuerySet["InputInvitation"]):
    def usable_on(self, moment: dt.datetime) -> InvitationQuerySet:
        return self.filter(used_at__isnull=True, expires_at__gt=moment)


class InputInvitation(DemoMixin):
    """A link through which one organisation sends its input once, without an account.

    Only the SHA-256 of the token is stored: the link is shown to AJH once, when the
    invitation is made, and cannot be read back from the database.
    """

    plan = models.ForeignKey(
        Plan, verbose_name=_("actieplan"), on_delete=models.PROTECT, related_name="+"
    )
    evaluation_kind = models.CharField(
        _("evaluatie"), max_length=20, choices=EvaluationKind.choices
    )
    evaluation_year = models.PositiveSmallIntegerField(_("jaar van de evaluatie"))
    organisation = models.CharField(_("organisatie"), max_length=300, validators=LINE)
    token_hash = models.CharField(_("SHA-256 van de sleutel"), max_length=64, unique=True)
    expires_at = models.DateTimeField(_("geldig tot"))
    used_at = models.DateTimeField(_("gebruikt op"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aangemaakt door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    history = History(excluded_fields=["token_hash"])

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("uitnodiging tot inbreng")
        verbose_name_plural = _("uitnodigingen tot inbreng")

    def __str__(self) -> str:
        return self.organisation


class StakeholderInputQuerySet(models.QuerySet["StakeholderInput"]):
    def visible_to(self, user: User) -> StakeholderInputQuerySet:
        """Written input is collected and read by AJH only."""
        return self.all() if user.is_coordinator else self.none()

    def for_evaluation(self, plan: Plan, kind: str, year: int) -> StakeholderInputQuerySet:
        return self.filter(plan=plan, evaluation_kind=kind, evaluation_year=year)


class StakeholderInput(DemoMixin):
    """Written input of a civil-society or victims' organisation for an evaluation."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("actieplan"), on_delete=models.PROTECT, related_name="+"
    )
    evaluation_kind = models.CharField(
        _("evaluatie"), max_length=20, choices=EvaluationKind.choices
    )
    evaluation_year = models.PositiveSmallIntegerField(_("jaar van de evaluatie"))
    organisation = models.CharField(_("organisatie"), max_length=300, validators=LINE)
    topic = models.CharField(_("onderwerp"), max_length=300, validators=LINE)
    text = models.TextField(_("inbreng"), validators=PROSE)
    strategic_goals = models.ManyToManyField(
        StrategicGoal, verbose_name=_("strategische doelstellingen"), blank=True, related_name="+"
    )
    violence_forms = models.ManyToManyField(
        ViolenceForm, verbose_name=_("vormen van geweld"), blank=True, related_name="+"
    )
    consent_to_cite = models.BooleanField(_("toestemming om te citeren"), default=False)
    source = models.CharField(_("bron"), max_length=20, choices=InputSource.choices)
    invitation = models.OneToOneField(
        InputInvitation,
        verbose_name=_("uitnodiging"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submission",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ingevoerd door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    received_at = models.DateTimeField(_("ontvangen op"), auto_now_add=True)
    history = History(m2m_fields=[strategic_goals, violence_forms])

    objects = StakeholderInputQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("inbreng")
        verbose_name_plural = _("inbreng")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.topic}"


def attachment_path(instance: InputAttachment, filename: str) -> str:
    # The stored name is not the uploaded one: organisations name files as they like.
    return f"consultation/inputs/{instance.stakeholder_input_id}/{uuid.uuid4().hex}.pdf"


class InputAttachment(models.Model):
    """A PDF with stakeholder input, under MEDIA_ROOT; served to AJH through a view only."""

    stakeholder_input = models.ForeignKey(
        StakeholderInput,
        verbose_name=_("inbreng"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("bestand"), upload_to=attachment_path)
    original_name = models.CharField(_("oorspronkelijke naam"), max_length=255)
    size = models.PositiveIntegerField(_("grootte (bytes)"))
    uploaded_at = models.DateTimeField(_("opgeladen op"), auto_now_add=True)
    history = History()

    class Meta:
        ordering = ["id"]
        verbose_name = _("bijlage")
        verbose_name_plural = _("bijlagen")

    def __str__(self) -> str:
        return self.original_name
