"""Reporting rounds, yearly action fiches, co-lead contributions and review comments.

Who may do what with a fiche is decided here, once, as query expressions
(``FicheQuerySet.visible_to``, ``editable_by``, ``with_permissions``); pages, API and
services all use them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, ExpressionWrapper, F, OuterRef, Q, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actionplan.history import History
from actionplan.models import Action, Plan, action_plan_order
from actionplan.texts import PROSE, limited_text

if TYPE_CHECKING:
    from actionplan.models import User


class RoundStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("afgesloten")


class ReportingRound(models.Model):
    plan = models.ForeignKey(
        Plan, verbose_name=_("actieplan"), on_delete=models.PROTECT, related_name="rounds"
    )
    year = models.PositiveSmallIntegerField(_("jaar"))
    opens_on = models.DateField(_("opent op"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("geopend door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Editors of fiches not yet submitted are reminded this many days before the deadline
    # (``fiches.reminders``); empty: no such reminder.
    first_reminder_days = models.PositiveSmallIntegerField(
        _("eerste herinnering (dagen voor de deadline)"),
        null=True,
        blank=True,
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    second_reminder_days = models.PositiveSmallIntegerField(
        _("tweede herinnering (dagen voor de deadline)"),
        null=True,
        blank=True,
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    history = History()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("rapporteringsronde")
        verbose_name_plural = _("rapporteringsrondes")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year"],
                name="one_round_per_plan_year",
                violation_error_message=_("Er is al een ronde voor dit jaar."),
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("opens_on")),
                name="round_deadline_after_opening",
                violation_error_message=_("De deadline ligt voor de opening."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Rapporteringsronde %(year)s") % {"year": self.year})


class FicheState(models.TextChoices):
    DRAFT = "draft", _("ontwerp")
    SUBMITTED = "submitted", _("ingediend")
    RETURNED = "returned", _("teruggestuurd")
    APPROVED = "approved", _("goedgekeurd")


EDITABLE_STATES = (FicheState.DRAFT, FicheState.RETURNED)


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("niet gestart")
    ON_TRACK = "on_track", _("op schema")
    DELAYED = "delayed", _("vertraagd")
    COMPLETED = "completed", _("afgerond")
    CANCELLED = "cancelled", _("stopgezet")


def _member_of(user: User, administration_path: str) -> Exists:
    """True when ``user`` belongs to the administration at ``administration_path``."""
    from actionplan.models import User as UserModel

    membership = UserModel.administrations.through.objects.filter(
        user_id=user.pk, administration_id=OuterRef(administration_path)
    )
    return Exists(membership)


def _co_lead_of(user: User) -> Exists:
    from actionplan.models import User as UserModel

    through = Action.co_lead_administrations.through
    return Exists(
        through.objects.filter(
            action_id=OuterRef("action_id"),
            administration__in=UserModel.administrations.through.objects.filter(
                user_id=user.pk
            ).values("administration_id"),
        )
    )


class FicheQuerySet(models.QuerySet["Fiche"]):
    def for_year(self, year: int) -> FicheQuerySet:
        return self.filter(year=year)

    def for_plan(self, plan: Plan) -> FicheQuerySet:
        return self.filter(action__plan=plan)

    @staticmethod
    def approved_as_of_condition(year: int | F, prefix: str = "") -> Q:
        """The one definition of "the current approved fiche as of ``year``": approved, of
        ``year`` or before, and not superseded by a later approved fiche up to ``year``
        (``superseded_in``, kept by ``fiches.services.supersession_refresh``). ``prefix``
        reaches the fiches through a relation, e.g. ``"fiches__"`` from actions. ``year``
        may be an expression (``OuterRef("year")``) when it varies per outer row, as for
        indicator values (``fiches.selectors.value_counts_condition``)."""
        return Q(**{f"{prefix}state": FicheState.APPROVED, f"{prefix}year__lte": year}) & (
            Q(**{f"{prefix}superseded_in__isnull": True})
            | Q(**{f"{prefix}superseded_in__gt": year})
        )

    def approved_as_of(self, year: int) -> FicheQuerySet:
        """Per action at most one fiche: the current approved one as of ``year``."""
        return self.filter(self.approved_as_of_condition(year))

    def unapproved_up_to(self, year: int) -> FicheQuerySet:
        """Fiches of ``year`` or before that are not approved (and so do not count)."""
        return self.filter(year__lte=year).exclude(state=FicheState.APPROVED)

    def visible_to(self, user: User) -> FicheQuerySet:
        """Every internal user reads every fiche; anonymous visitors none."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self

    def led_by(self, user: User) -> FicheQuerySet:
        """Fiches of actions whose lead administration is one of the user's."""
        return self.filter(_member_of(user, "action__lead_administration_id"))

    def co_led_by(self, user: User) -> FicheQuerySet:
        return self.filter(_co_lead_of(user))

    def editable_by(self, user: User) -> FicheQuerySet:
        return self.filter(self.edit_condition(user))

    def reviewable_by(self, user: User) -> FicheQuerySet:
        if getattr(user, "is_coordinator", False):
            return self
        return self.none()

    @staticmethod
    def author_condition(user: User) -> Q:
        """Who writes the fiche, whatever its state: the lead administration's editors and
        the coordinators."""
        if not user.is_authenticated or not user.is_active:
            return Q(pk__in=[])
        if user.is_coordinator:
            # Not Q(): an empty Q disappears when OR-ed with another condition.
            return Q(pk__isnull=False)
        if user.is_editor:
            return Q(_member_of(user, "action__lead_administration_id"))
        return Q(pk__in=[])

    @staticmethod
    def open_condition() -> Q:
        """Drafts and returned fiches of an open round, or reopened by AJH after closing."""
        return Q(state__in=EDITABLE_STATES) & (
            Q(round__status=RoundStatus.OPEN) | Q(late_allowed=True)
        )

    @staticmethod
    def edit_condition(user: User) -> Q:
        """Authors edit drafts and returned fiches while the round is open."""
        return FicheQuerySet.open_condition() & FicheQuerySet.author_condition(user)

    @staticmethod
    def co_lead_condition(user: User) -> Q:
        """Editors of an administration that co-leads the action."""
        if not user.is_authenticated or not user.is_active or not user.is_editor:
            return Q(pk__in=[])
        return Q(_co_lead_of(user))

    @staticmethod
    def contribute_condition(user: User) -> Q:
        """Co-lead administrations add their contribution while the fiche is editable."""
        return FicheQuerySet.open_condition() & FicheQuerySet.co_lead_condition(user)

    @staticmethod
    def pdf_condition(user: User) -> Q:
        """Authors and co-leads make a PDF of the fiche (reports.services.fiche_pdf_request)."""
        return FicheQuerySet.author_condition(user) | FicheQuerySet.co_lead_condition(user)

    def with_permissions(self, user: User) -> FicheQuerySet:
        """Annotate ``can_edit``, ``can_contribute`` and ``can_review`` for ``user``."""
        return self.annotate(
            can_edit=ExpressionWrapper(
                self.edit_condition(user), output_field=models.BooleanField()
            ),
            can_contribute=ExpressionWrapper(
                self.contribute_condition(user), output_field=models.BooleanField()
            ),
            can_review=Value(bool(getattr(user, "is_coordinator", False))),
            can_pdf=ExpressionWrapper(self.pdf_condition(user), output_field=models.BooleanField()),
        )


# A fiche is a yearly summary of one action that a reader takes in on a few printed pages:
# about 10.000 characters (four pages) for what was done and how, half that for the goal,
# the obstacles and the next steps. Longer texts (a pasted report of 212.000 characters made
# a fiche PDF of 41 pages) belong in an attachment, not in the fiche.
LONG_TEXT_MAX = 10_000
SHORT_TEXT_MAX = 5_000
# A co-lead administration adds its part to the lead's fiche: as much as a short field.
CONTRIBUTION_MAX = 5_000


class Fiche(models.Model):
    """The yearly report on one action (*actiefiche*)."""

    action = models.ForeignKey(
        Action, verbose_name=_("actie"), on_delete=models.PROTECT, related_name="fiches"
    )
    year = models.PositiveSmallIntegerField(_("jaar"))
    round = models.ForeignKey(
        ReportingRound,
        verbose_name=_("rapporteringsronde"),
        on_delete=models.PROTECT,
        related_name="fiches",
    )
    # After the round closed, a late fiche is edited only once AJH reopened it.
    late_allowed = models.BooleanField(_("na afsluiten van de ronde heropend"), default=False)
    goal = limited_text(_("inhoudelijk doel"), SHORT_TEXT_MAX)
    approach = limited_text(_("plan van aanpak"), LONG_TEXT_MAX)
    status_update = limited_text(_("stand van zaken"), LONG_TEXT_MAX)
    obstacles = limited_text(_("knelpunten"), SHORT_TEXT_MAX)
    next_steps = limited_text(_("volgende stappen"), SHORT_TEXT_MAX)
    progress_status = models.CharField(
        _("voortgang"), max_length=20, choices=ProgressStatus.choices, blank=True
    )
    state = models.CharField(
        _("status"), max_length=20, choices=FicheState.choices, default=FicheState.DRAFT
    )
    version = models.PositiveIntegerField(_("versie"), default=1)
    updated_at = models.DateTimeField(_("laatst gewijzigd"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("laatst gewijzigd door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("ingediend op"), null=True, blank=True)
    approved_at = models.DateTimeField(_("goedgekeurd op"), null=True, blank=True)
    # The reason of the latest return or reopening, shown prominently to the editor.
    review_reason = models.TextField(
        _("reden van terugsturen of heropenen"), blank=True, validators=PROSE
    )
    # Derived, kept by fiches.services.supersession_refresh on every workflow step: the
    # year of the action's next approved fiche, empty while this one is the latest. The
    # progress "as of a year" is then a plain join instead of a lookup per action.
    superseded_in = models.PositiveSmallIntegerField(
        _("opgevolgd in"), null=True, blank=True, editable=False
    )
    history = History(excluded_fields=["updated_at", "superseded_in"])

    objects = FicheQuerySet.as_manager()

    # Present on rows from ``FicheQuerySet.with_permissions(user)``.
    can_edit: bool
    can_contribute: bool
    can_review: bool
    can_pdf: bool

    class Meta:
        ordering = ["year", *action_plan_order("action__")]
        verbose_name = _("actiefiche")
        verbose_name_plural = _("actiefiches")
        constraints = [
            models.UniqueConstraint(
                fields=["action", "year"],
                name="one_fiche_per_action_per_year",
                violation_error_message=_("Deze actie heeft al een fiche voor dit jaar."),
            )
        ]

    def __str__(self) -> str:
        return str(_("Fiche %(code)s %(year)s") % {"code": self.action.code, "year": self.year})

    @property
    def is_editable_state(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def is_closed_for_editing(self) -> bool:
        """An editable state in a closed round that AJH has not reopened."""
        return (
            self.state in EDITABLE_STATES
            and self.round.status == RoundStatus.CLOSED
            and not self.late_allowed
        )

    def days_left(self, deadline: dt.date, today: dt.date | None = None) -> int:
        today = today or timezone.localdate()
        return (deadline - today).days

    @property
    def etag(self) -> str:
        return f'"fiche-{self.pk}-v{self.version}"'


CONTENT_FIELDS = ("goal", "approach", "status_update", "obstacles", "next_steps", "progress_status")


class Contribution(models.Model):
    """The contribution of a co-lead administration to a fiche."""

    fiche = models.ForeignKey(
        Fiche, verbose_name=_("fiche"), on_delete=models.PROTECT, related_name="contributions"
    )
    administration = models.ForeignKey(
        "actionplan.Administration",
        verbose_name=_("administratie"),
        on_delete=models.PROTECT,
        related_name="contributions",
    )
    text = limited_text(_("bijdrage"), CONTRIBUTION_MAX, blank=False)
    updated_at = models.DateTimeField(_("laatst gewijzigd"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("laatst gewijzigd door"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    history = History(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["administration__name"]
        verbose_name = _("bijdrage")
        verbose_name_plural = _("bijdragen")
        constraints = [
            models.UniqueConstraint(
                fields=["fiche", "administration"], name="one_contribution_per_administration"
            )
        ]

    def __str__(self) -> str:
        return f"{self.administration} → {self.fiche_id}"


class ReviewKind(models.TextChoices):
    SUBMIT = "submit", _("ingediend")
    APPROVE = "approve", _("goedgekeurd")
    RETURN = "return", _("teruggestuurd")
    REOPEN = "reopen", _("heropend")


class ReviewEvent(models.Model):
    """One workflow step of a fiche, with who did it and why. Never changed afterwards."""

    fiche = models.ForeignKey(
        Fiche, verbose_name=_("fiche"), on_delete=models.PROTECT, related_name="review_events"
    )
    kind = models.CharField(_("stap"), max_length=10, choices=ReviewKind.choices)
    reason = models.TextField(_("reden"), blank=True, validators=PROSE)
    # Empty for steps made by the system (demo data, imports).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("op"), default=timezone.now)
    history = History()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reviewstap")
        verbose_name_plural = _("reviewstappen")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"


def content_field(name: str) -> models.Field[Any, Any]:
    """One of the fiche's ``CONTENT_FIELDS``, for its label and choices."""
    field = Fiche._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise LookupError(name)
    return field


class ReminderKind(models.TextChoices):
    OPENED = "opened", _("ronde geopend")
    REMINDER = "reminder", _("herinnering")
    ESCALATION = "escalation", _("escalatie naar de contactpersoon")
    LATE_DIGEST = "late_digest", _("overzicht van wat te laat is")


class Reminder(models.Model):
    """That a reminder went out: what, about which fiche, to whom and when. ``key`` is
    unique, so ``send_reminders`` never sends the same reminder twice, whatever how often or
    on how many machines it runs."""

    key = models.CharField(_("sleutel"), max_length=200, unique=True)
    kind = models.CharField(_("soort"), max_length=20, choices=ReminderKind.choices)
    round = models.ForeignKey(
        ReportingRound,
        verbose_name=_("rapporteringsronde"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    fiche = models.ForeignKey(
        Fiche,
        verbose_name=_("fiche"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    recipient = models.EmailField(_("ontvanger"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    days_before = models.SmallIntegerField(_("dagen voor de deadline"), null=True, blank=True)
    sent_at = models.DateTimeField(_("verstuurd op"), default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("herinnering")
        verbose_name_plural = _("herinneringen")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.recipient}"
