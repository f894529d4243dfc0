"""Drafting and changing the plan: plan versions and change requests.

Floor: above ``indicators`` (a version's snapshot holds indicators and targets), below
``fiches`` and ``evaluations`` (which list the adjustments against the baseline).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actionplan.history import History
from actionplan.models import Action, Plan, User
from actionplan.texts import LINE, PROSE

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


class VersionState(models.TextChoices):
    DRAFT = "draft", _("ontwerp")
    SUBMITTED = "submitted", _("ingediend ter goedkeuring")
    APPROVED = "approved", _("goedgekeurd door de Vlaamse Regering")


OPEN_VERSION_STATES = (VersionState.DRAFT, VersionState.SUBMITTED)


class PlanVersionQuerySet(models.QuerySet["PlanVersion"]):
    def for_plan(self, plan: Plan) -> PlanVersionQuerySet:
        return self.filter(plan=plan)

    def open(self) -> PlanVersionQuerySet:
        return self.filter(state__in=OPEN_VERSION_STATES)

    def approved(self) -> PlanVersionQuerySet:
        return self.filter(state=VersionState.APPROVED)

    def baseline_of(self, plan: Plan) -> PlanVersion | None:
        """The first approved version of ``plan``: what the evaluations compare against."""
        return self.for_plan(plan).approved().order_by("number").first()


class PlanVersion(models.Model):
    """A version of the plan as prepared by AJH and approved by the Vlaamse Regering.

    Submitting stores the snapshot (canonical JSON) and its SHA-256; approval checks that
    the plan still has that content and freezes the version: an approved version never
    changes. Version 1 approved is the baseline.
    """

    plan = models.ForeignKey(
        Plan, verbose_name=_("actieplan"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("versie"))
    state = models.CharField(
        _("status"), max_length=20, choices=VersionState.choices, default=VersionState.DRAFT
    )
    note = models.TextField(_("toelichting"), blank=True, validators=PROSE)
    content = models.JSONField(_("inhoud"), null=True, blank=True, editable=False)
    content_sha256 = models.CharField(_("SHA-256 van de inhoud"), max_length=64, blank=True)
    decision_date = models.DateField(_("datum van de beslissing"), null=True, blank=True)
    decision_reference = models.CharField(
        _("referentie van de beslissing"),
        max_length=200,
        blank=True,
        validators=LINE,
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aangemaakt door"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("ingediend op"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ingediend door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("goedkeuring geregistreerd op"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("goedkeuring geregistreerd door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = History(excluded_fields=["content"])

    objects = PlanVersionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = _("planversie")
        verbose_name_plural = _("planversies")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="plan_version_number_unique",
                violation_error_message=_("Dit versienummer bestaat al voor dit plan."),
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(state__in=OPEN_VERSION_STATES),
                name="plan_version_one_open",
                violation_error_message=_("Er is al een open versie van dit plan."),
            ),
            models.CheckConstraint(
                condition=~Q(state=VersionState.APPROVED)
                | (
                    Q(decision_date__isnull=False)
                    & ~Q(decision_reference="")
                    & ~Q(content_sha256="")
                ),
                name="plan_version_approved_has_decision",
                violation_error_message=_(
                    "Een goedgekeurde versie heeft een beslissingsdatum, een referentie en "
                    "een vastgelegde inhoud."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.code} v{self.number}" if self.plan_id else f"v{self.number}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_VERSION_STATES

    @property
    def is_approved(self) -> bool:
        return self.state == VersionState.APPROVED


class ChangeKind(models.TextChoices):
    SCOPE = "scope", _("inhoud (titel en omschrijving)")
    TIMING = "timing", _("timing")
    LEADS = "leads", _("trekkers en meewerkers")
    INDICATORS = "indicators", _("indicatoren")
    TARGETS = "targets", _("nulmeting en streefwaarden")
    NEW = "new", _("nieuwe actie")
    STOP = "stop", _("stopzetting")


class RequestState(models.TextChoices):
    REQUESTED = "requested", _("aangevraagd")
    APPROVED = "approved", _("goedgekeurd")
    REJECTED = "rejected", _("afgewezen")


class ChangeRequestQuerySet(models.QuerySet["ChangeRequest"]):
    def visible_to(self, user: User | AnonymousUser) -> ChangeRequestQuerySet:
        """AJH sees every request; editors those of the actions their administrations lead;
        nobody else any."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_coordinator:
            return self.all()
        if user.is_editor:
            return self.filter(action__in=Action.objects.led_by_member(user))
        return self.none()

    def approved(self) -> ChangeRequestQuerySet:
        return self.filter(state=RequestState.APPROVED)


class ChangeRequest(models.Model):
    """A proposed adjustment (*bijsturing*) of an action of the approved plan, with its
    reason, decided by AJH. Approval applies it and links it to the plan's open version."""

    action = models.ForeignKey(
        Action, verbose_name=_("actie"), on_delete=models.PROTECT, related_name="change_requests"
    )
    kind = models.CharField(_("soort wijziging"), max_length=20, choices=ChangeKind.choices)
    reason = models.TextField(_("reden"), validators=PROSE)
    proposed = models.JSONField(_("voorgestelde waarden"), default=dict, blank=True)
    state = models.CharField(
        _("status"), max_length=20, choices=RequestState.choices, default=RequestState.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aangevraagd door"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("aangevraagd op"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beslist door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("beslist op"), null=True, blank=True)
    decision_note = models.TextField(
        _("toelichting bij de beslissing"), blank=True, validators=PROSE
    )
    version = models.ForeignKey(
        PlanVersion,
        verbose_name=_("planversie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="change_requests",
    )
    history = History()

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("wijzigingsverzoek")
        verbose_name_plural = _("wijzigingsverzoeken")
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="change_request_has_reason",
                violation_error_message=_("Geef de reden van de wijziging op."),
            ),
            models.CheckConstraint(
                condition=Q(state=RequestState.REQUESTED)
                | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="change_request_decision_recorded",
                violation_error_message=_("Een beslissing heeft een beslisser en een datum."),
            ),
            models.CheckConstraint(
                condition=~Q(state=RequestState.REJECTED) | ~Q(decision_note=""),
                name="change_request_rejection_has_reason",
                violation_error_message=_("Geef de reden van de afwijzing op."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} — {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.state == RequestState.REQUESTED
