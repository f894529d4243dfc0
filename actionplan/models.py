"""The plan structure: plans, goals, actions, who leads them, and the reference data."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from actionplan.display import person_display
from actionplan.history import AdjustmentMark, History
from actionplan.texts import LINE, PROSE

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django_stubs_ext import StrOrPromise


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("coördinator (AJH)")
    EDITOR = "editor", _("redacteur administratie")
    READER = "reader", _("lezer")


class ActionStage(models.TextChoices):
    """Where an action is on its way into the plan (and, rarely, out of it).

    An editor proposes; AJH returns (the editor revises and proposes again), accepts, or
    merges the proposal into another; accepted actions are clustered under an operational
    goal; the government's approval of a plan version makes them approved. An approved
    action leaves the plan only by a decided change request: stopped.
    """

    PROPOSED = "proposed", _("voorgesteld")
    RETURNED = "returned", _("teruggestuurd")
    WITHDRAWN = "withdrawn", _("ingetrokken")
    ACCEPTED = "accepted", _("aanvaard")
    MERGED = "merged", _("samengevoegd")
    APPROVED = "approved", _("goedgekeurd")
    STOPPED = "stopped", _("stopgezet")


# Stages of actions that are part of the plan as approved: monitored, counted, reported.
IN_PLAN_STAGES = (ActionStage.APPROVED, ActionStage.STOPPED)
# Stages of actions that are still being drafted: visible to AJH and their administrations.
DRAFT_STAGES = (ActionStage.PROPOSED, ActionStage.RETURNED, ActionStage.ACCEPTED)
# Stages in which the proposing administration may still change a proposal.
OPEN_PROPOSAL_STAGES = (ActionStage.PROPOSED, ActionStage.RETURNED)


class PolicyLevel(models.TextChoices):
    PREVENTION = "prevention", _("preventie")
    REACTION = "reaction", _("reactie")
    QUALITY = "quality", _("kwaliteit")


QUARTER_VALIDATORS = [MinValueValidator(1), MaxValueValidator(4)]
SLUG_CODE = RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9_-]*$", _("Gebruik letters, cijfers en '-'."))


class DemoMixin(models.Model):
    """Rows made by ``load_demo`` say so, so that nobody mistakes them for real ones."""

    is_demo = models.BooleanField(
        _("demogegeven"), default=False, help_text=_("Synthetisch gegeven van load_demo.")
    )

    class Meta:
        abstract = True


# --- Reference data --------------------------------------------------------------------


class PolicyDomain(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True, validators=[SLUG_CODE])
    name = models.CharField(_("naam"), max_length=200, validators=LINE)
    history = History()

    class Meta:
        ordering = ["name"]
        verbose_name = _("beleidsdomein")
        verbose_name_plural = _("beleidsdomeinen")

    def __str__(self) -> str:
        return self.name


class ViolenceForm(models.Model):
    code = models.CharField(_("code"), max_length=10, unique=True, validators=LINE)
    name = models.CharField(_("naam"), max_length=200, validators=LINE)
    definition = models.TextField(_("definitie"), blank=True, validators=PROSE)
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    history = History()

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("vorm van geweld")
        verbose_name_plural = _("vormen van geweld")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class TargetGroup(models.Model):
    code = models.CharField(_("code"), max_length=60, unique=True, validators=[SLUG_CODE])
    name = models.CharField(_("naam"), max_length=200, validators=LINE)
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    history = History()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("doelgroep")
        verbose_name_plural = _("doelgroepen")

    def __str__(self) -> str:
        return self.name


class AttentionPoint(models.Model):
    code = models.CharField(_("letter"), max_length=2, unique=True, validators=LINE)
    title = models.CharField(_("titel"), max_length=500, validators=LINE)
    text = models.TextField(_("tekst"), blank=True, validators=PROSE)
    history = History()

    class Meta:
        ordering = ["code"]
        verbose_name = _("beleidsaandachtspunt")
        verbose_name_plural = _("beleidsaandachtspunten")

    def __str__(self) -> str:
        return f"{self.code}) {self.title}"


class RelatedPlan(models.Model):
    code = models.CharField(_("code"), max_length=60, unique=True, validators=[SLUG_CODE])
    name = models.CharField(_("naam"), max_length=300, validators=LINE)
    level = models.CharField(_("bestuursniveau"), max_length=40, blank=True, validators=LINE)
    history = History()

    class Meta:
        ordering = ["name"]
        verbose_name = _("gerelateerd plan")
        verbose_name_plural = _("gerelateerde plannen")

    def __str__(self) -> str:
        return self.name


class Administration(DemoMixin):
    code = models.CharField(_("code"), max_length=20, unique=True, validators=[SLUG_CODE])
    name = models.CharField(_("naam"), max_length=300, validators=LINE)
    policy_domain = models.ForeignKey(
        PolicyDomain,
        verbose_name=_("beleidsdomein"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="administrations",
    )
    # Who hears from the application when the administration's fiches are late (an
    # escalation after the deadline); kept by AJH. Not necessarily a user of the app.
    contact_name = models.CharField(
        _("contactpersoon"), max_length=200, blank=True, validators=LINE
    )
    contact_email = models.EmailField(
        _("e-mailadres van de contactpersoon"),
        blank=True,
        help_text=_("Krijgt een e-mail wanneer fiches van deze administratie te laat zijn."),
    )
    history = History()

    class Meta:
        ordering = ["name"]
        verbose_name = _("administratie")
        verbose_name_plural = _("administraties")

    def __str__(self) -> str:
        return self.name


class MinisterQuerySet(models.QuerySet["Minister"]):
    def with_holder_on(self, as_of: dt.date) -> MinisterQuerySet:
        """Each portfolio with ``holder_name``: who held it on ``as_of`` ("" if nobody)."""
        holder = PortfolioHolder.objects.filter(minister=OuterRef("pk")).on(as_of)
        return self.annotate(
            holder_name=Coalesce(
                Subquery(holder.order_by("-valid_from").values("person_name")[:1]),
                Value(""),
            )
        )


class Minister(DemoMixin):
    """A ministerial portfolio (*trekkende* and *meewerkende* ministers of actions point here).

    ``name`` is the portfolio's title, ``portfolio`` its competences, the term the period in
    which the portfolio exists. The people holding it are ``PortfolioHolder`` rows, so a
    reshuffle adds a holder instead of rewriting who led an action. Rows are never deleted.
    """

    name = models.CharField(_("naam"), max_length=200, validators=LINE)
    portfolio = models.CharField(_("bevoegdheden"), max_length=500, blank=True, validators=LINE)
    term_start = models.DateField(_("begin ambtstermijn"), null=True, blank=True)
    term_end = models.DateField(_("einde ambtstermijn"), null=True, blank=True)
    administrations = models.ManyToManyField(
        Administration,
        verbose_name=_("administraties"),
        blank=True,
        related_name="ministers",
        help_text=_("De administraties die onder deze minister vallen."),
    )
    history = History(m2m_fields=["administrations"])

    objects = MinisterQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("minister")
        verbose_name_plural = _("ministers")
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True)
                | Q(term_start__isnull=True)
                | Q(term_end__gte=models.F("term_start")),
                name="minister_term_in_order",
                violation_error_message=_("Het einde van de ambtstermijn ligt voor het begin."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class PortfolioHolderQuerySet(models.QuerySet["PortfolioHolder"]):
    def on(self, as_of: dt.date) -> PortfolioHolderQuerySet:
        """The holders in office on ``as_of`` (the caller says which day)."""
        return self.filter(valid_from__lte=as_of).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=as_of)
        )


class PortfolioHolder(models.Model):
    """The person who holds a portfolio from ``valid_from`` up to ``valid_to`` (included)."""

    minister = models.ForeignKey(
        Minister, verbose_name=_("portefeuille"), on_delete=models.PROTECT, related_name="holders"
    )
    person_name = models.CharField(_("naam van de minister"), max_length=200, validators=LINE)
    valid_from = models.DateField(_("in functie vanaf"))
    valid_to = models.DateField(_("in functie tot en met"), null=True, blank=True)
    history = History()

    objects = PortfolioHolderQuerySet.as_manager()

    class Meta:
        ordering = ["minister", "valid_from"]
        verbose_name = _("bekleder van de portefeuille")
        verbose_name_plural = _("bekleders van de portefeuille")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="portfolio_holder_period_in_order",
                violation_error_message=_("Het einde van de periode ligt voor het begin."),
            )
        ]

    def __str__(self) -> str:
        until = self.valid_to.isoformat() if self.valid_to else "…"
        return f"{self.person_name} ({self.valid_from.isoformat()} – {until})"

    def overlaps(self, other: PortfolioHolder) -> bool:
        """Whether the two periods share at least one day."""
        return (self.valid_to is None or self.valid_to >= other.valid_from) and (
            other.valid_to is None or other.valid_to >= self.valid_from
        )


# --- Users -----------------------------------------------------------------------------


class User(AbstractUser, DemoMixin):
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices, default=Role.READER)
    administrations = models.ManyToManyField(
        Administration,
        verbose_name=_("administraties"),
        blank=True,
        related_name="members",
        help_text=_("Voor redacteurs: de administraties waarvoor ze fiches bijhouden."),
    )
    language = models.CharField(
        _("taal van de interface"),
        max_length=8,
        choices=[("nl", "Nederlands"), ("en", "English")],
        default="nl",
        help_text=_(
            "Knoppen, menu's en meldingen; de inhoud van het plan blijft in het Nederlands."
        ),
    )
    history = History(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    def __str__(self) -> str:
        # A person by their full name wherever a user is shown (history, admin, lists).
        return person_display(self)

    @property
    def is_coordinator(self) -> bool:
        return self.is_active and (self.role == Role.COORDINATOR or self.is_superuser)

    @property
    def is_editor(self) -> bool:
        return self.is_active and self.role == Role.EDITOR


# --- Plan structure --------------------------------------------------------------------


class Plan(DemoMixin):
    code = models.CharField(_("code"), max_length=40, unique=True, validators=[SLUG_CODE])
    title = models.CharField(_("titel"), max_length=300, validators=LINE)
    start_year = models.PositiveSmallIntegerField(_("startjaar"))
    end_year = models.PositiveSmallIntegerField(_("eindjaar"))
    coordinating_minister = models.CharField(
        _("coördinerend minister"), max_length=300, validators=LINE
    )
    coordinating_agency = models.CharField(
        _("coördinerend agentschap"), max_length=300, validators=LINE
    )
    # The same two as rows, next to the texts above (which the API keeps showing).
    coordinating_minister_portfolio = models.ForeignKey(
        Minister,
        verbose_name=_("coördinerende minister (portefeuille)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_plans",
    )
    coordinating_administration = models.ForeignKey(
        Administration,
        verbose_name=_("coördinerende administratie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_plans",
    )
    interim_evaluation = models.DateField(_("tussentijdse evaluatie"), null=True, blank=True)
    final_evaluation = models.DateField(_("eindevaluatie"), null=True, blank=True)
    monitoring_method = models.TextField(_("monitoring en evaluatie"), blank=True, validators=PROSE)
    # Set once, by the approval of the plan's first version (planning): from then on an
    # approved action changes through change requests. Kept here so that every floor can
    # ask "is there a baseline?" without knowing plan versions.
    baseline_approved_on = models.DateField(
        _("basisversie goedgekeurd op"), null=True, blank=True, editable=False
    )
    history = History()

    class Meta:
        # Real plans before demo plans: whoever takes "the first plan" takes a real one.
        ordering = ["is_demo", "-start_year", "code"]
        verbose_name = _("actieplan")
        verbose_name_plural = _("actieplannen")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="plan_years_in_order",
                violation_error_message=_("Het eindjaar ligt voor het startjaar."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_baseline(self) -> bool:
        return self.baseline_approved_on is not None

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)


class StrategicGoal(DemoMixin):
    plan = models.ForeignKey(
        Plan, verbose_name=_("actieplan"), on_delete=models.PROTECT, related_name="goals"
    )
    number = models.PositiveSmallIntegerField(_("nummer"), validators=[MinValueValidator(1)])
    title = models.CharField(_("titel"), max_length=500, validators=LINE)
    text = models.TextField(_("tekst"), blank=True, validators=PROSE)
    policy_level = models.CharField(_("beleidsniveau"), max_length=20, choices=PolicyLevel.choices)
    history = History()

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("strategische doelstelling")
        verbose_name_plural = _("strategische doelstellingen")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="strategic_goal_number_unique_in_plan",
                violation_error_message=_("Dit nummer bestaat al in dit actieplan."),
            )
        ]

    def __str__(self) -> str:
        return f"SD{self.number}. {self.title}"

    @property
    def code(self) -> str:
        return str(self.number)


class OperationalGoal(DemoMixin):
    strategic_goal = models.ForeignKey(
        StrategicGoal,
        verbose_name=_("strategische doelstelling"),
        on_delete=models.PROTECT,
        related_name="operational_goals",
    )
    number = models.PositiveSmallIntegerField(_("nummer"), validators=[MinValueValidator(1)])
    # "1.2": the strategic goal's number and this one's; stored for lookups and exports.
    code = models.CharField(_("code"), max_length=20, editable=False)
    title = models.CharField(_("titel"), max_length=500, validators=LINE)
    text = models.TextField(_("toelichting"), blank=True, validators=PROSE)
    history = History()

    class Meta:
        ordering = ["strategic_goal__number", "number"]
        verbose_name = _("operationele doelstelling")
        verbose_name_plural = _("operationele doelstellingen")
        constraints = [
            models.UniqueConstraint(
                fields=["strategic_goal", "number"],
                name="operational_goal_number_unique",
                violation_error_message=_("Dit nummer bestaat al onder deze doelstelling."),
            )
        ]

    def __str__(self) -> str:
        return f"OD{self.code}. {self.title}"


# The order of the plan text: SD, then OD, then action number. The one home of this order;
# other models' lists order "via" their action (``action_plan_order("action__")``).
_ACTION_PLAN_ORDER = (
    "strategic_goal__number",
    "operational_goal__number",
    "number",
)


def action_plan_order(via: str = "") -> list[str]:
    """Ordering fields that list actions, or rows of a model linked to them, in plan order."""
    return [via + field for field in _ACTION_PLAN_ORDER]


class ActionQuerySet(models.QuerySet["Action"]):
    def in_plan_order(self) -> ActionQuerySet:
        return self.order_by(*action_plan_order())

    def in_plan(self) -> ActionQuerySet:
        """Actions of a plan as approved (approved or stopped): what is monitored and
        counted. Proposals and accepted actions awaiting approval are not."""
        return self.filter(stage__in=IN_PLAN_STAGES)

    def drafts(self) -> ActionQuerySet:
        """Actions still on their way into the plan: proposed, returned or accepted."""
        return self.filter(stage__in=DRAFT_STAGES)

    def for_plan(self, plan: Plan) -> ActionQuerySet:
        """The actions of ``plan`` as approved (see ``in_plan``).

        The action's own plan column, which every service that moves goals or actions
        keeps equal to its goals' plan: no join through the goals on every list.
        """
        return self.filter(plan=plan).in_plan()

    def visible_to(self, user: User) -> ActionQuerySet:
        """Everyone sees the plan as approved; drafts are seen by AJH and by the members of
        the administrations that lead or co-lead them."""
        if user.is_coordinator:
            return self.all()
        if not user.is_active:
            return self.none()
        member_of = User.administrations.through.objects.filter(user_id=user.pk).values(
            "administration_id"
        )
        co_led = Action.co_lead_administrations.through.objects.filter(
            action=OuterRef("pk"), administration__in=member_of
        )
        return self.filter(
            Q(stage__in=IN_PLAN_STAGES) | Q(lead_administration__in=member_of) | Exists(co_led)
        )

    def running_in(self, year: int) -> ActionQuerySet:
        return self.filter(start_year__lte=year, end_year__gte=year)

    def led_or_co_led_by_minister(self, minister: Minister | int) -> ActionQuerySet:
        co_led = Action.co_lead_ministers.through.objects.filter(
            action=OuterRef("pk"), minister=minister
        )
        return self.filter(Q(lead_minister=minister) | Exists(co_led))

    def led_or_co_led_by_administration(
        self, administration: Administration | int | Iterable[int]
    ) -> ActionQuerySet:
        ids = (
            [administration]
            if isinstance(administration, (Administration, int))
            else administration
        )
        co_led = Action.co_lead_administrations.through.objects.filter(
            action=OuterRef("pk"), administration__in=ids
        )
        return self.filter(Q(lead_administration__in=ids) | Exists(co_led))

    def led_by_member(self, user: User) -> ActionQuerySet:
        """Actions whose lead administration is one of ``user``'s administrations."""
        return self.filter(
            lead_administration__in=User.administrations.through.objects.filter(
                user_id=user.pk
            ).values("administration_id")
        )

    def with_tag(self, relation: str, value: object) -> ActionQuerySet:
        """Actions having ``value`` in the many-to-many ``relation``, without duplicates."""
        through = getattr(Action, relation).through
        target = getattr(Action, relation).field.m2m_reverse_field_name()
        return self.filter(Exists(through.objects.filter(action=OuterRef("pk"), **{target: value})))


class Action(models.Model):
    # A proposal is made under a strategic goal; AJH clusters it under an operational goal
    # of that strategic goal, which gives it a number and its code.
    strategic_goal = models.ForeignKey(
        StrategicGoal,
        verbose_name=_("strategische doelstelling"),
        on_delete=models.PROTECT,
        related_name="actions",
    )
    operational_goal = models.ForeignKey(
        OperationalGoal,
        verbose_name=_("operationele doelstelling"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    # Denormalised so that the database itself keeps codes unique within a plan.
    plan = models.ForeignKey(
        Plan, verbose_name=_("actieplan"), on_delete=models.PROTECT, related_name="actions"
    )
    number = models.PositiveSmallIntegerField(
        _("nummer"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    code = models.CharField(_("code"), max_length=20, blank=True, editable=False)
    stage = models.CharField(
        _("fase"), max_length=20, choices=ActionStage.choices, default=ActionStage.APPROVED
    )
    title = models.CharField(_("titel"), max_length=500, validators=LINE)
    description = models.TextField(_("SMART-omschrijving"), blank=True, validators=PROSE)
    lead_minister = models.ForeignKey(
        Minister,
        verbose_name=_("trekkende minister"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_actions",
    )
    co_lead_ministers = models.ManyToManyField(
        Minister, verbose_name=_("meewerkende ministers"), blank=True, related_name="co_led_actions"
    )
    lead_administration = models.ForeignKey(
        Administration,
        verbose_name=_("trekkende administratie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_actions",
    )
    co_lead_administrations = models.ManyToManyField(
        Administration,
        verbose_name=_("meewerkende administraties"),
        blank=True,
        related_name="co_led_actions",
    )
    partners = models.TextField(_("partners"), blank=True, validators=PROSE)
    start_year = models.PositiveSmallIntegerField(_("startjaar"))
    start_quarter = models.PositiveSmallIntegerField(
        _("startkwartaal"), default=1, validators=QUARTER_VALIDATORS
    )
    end_year = models.PositiveSmallIntegerField(_("eindjaar"))
    end_quarter = models.PositiveSmallIntegerField(
        _("eindkwartaal"), default=4, validators=QUARTER_VALIDATORS
    )
    violence_forms = models.ManyToManyField(
        ViolenceForm, verbose_name=_("vormen van geweld"), blank=True, related_name="actions"
    )
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("doelgroepen"), blank=True, related_name="actions"
    )
    attention_points = models.ManyToManyField(
        AttentionPoint,
        verbose_name=_("beleidsaandachtspunten"),
        blank=True,
        related_name="actions",
    )
    related_plans = models.ManyToManyField(
        RelatedPlan, verbose_name=_("gerelateerde plannen"), blank=True, related_name="actions"
    )
    estimated_budget = models.DecimalField(
        _("geraamd budget (euro)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    capacity = models.TextField(
        _("capaciteit/middelen"),
        blank=True,
        help_text=_("Welke mensen en middelen de actie vraagt en wie ze inzet."),
        validators=PROSE,
    )
    # The reason of the last return or merge, shown to the proposing administration.
    stage_reason = models.TextField(
        _("reden van de laatste beslissing"), blank=True, validators=PROSE
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("samengevoegd met"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_proposals",
    )
    # Raised by every write of a proposal: two people editing never overwrite each other.
    version = models.PositiveIntegerField(_("versie"), default=1, editable=False)
    is_demo = models.BooleanField(_("demogegeven"), default=False)
    history = History(
        bases=[AdjustmentMark],
        m2m_fields=[
            "co_lead_ministers",
            "co_lead_administrations",
            "violence_forms",
            "target_groups",
            "attention_points",
            "related_plans",
        ],
    )

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = action_plan_order()
        verbose_name = _("actie")
        verbose_name_plural = _("acties")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "code"],
                condition=~Q(code=""),
                name="action_code_unique_in_plan",
                violation_error_message=_("Deze actiecode bestaat al in dit actieplan."),
            ),
            models.CheckConstraint(
                condition=~Q(stage__in=IN_PLAN_STAGES)
                | Q(operational_goal__isnull=False, number__isnull=False),
                name="action_in_plan_is_clustered",
                violation_error_message=_(
                    "Een actie van het goedgekeurde plan hoort bij een operationele "
                    "doelstelling en heeft een nummer."
                ),
            ),
            models.UniqueConstraint(
                fields=["operational_goal", "number"],
                name="action_number_unique",
                violation_error_message=_("Dit nummer bestaat al onder deze doelstelling."),
            ),
            models.CheckConstraint(
                condition=Q(start_quarter__gte=1, start_quarter__lte=4)
                & Q(end_quarter__gte=1, end_quarter__lte=4),
                name="action_quarters_valid",
                violation_error_message=_("Een kwartaal ligt tussen 1 en 4."),
            ),
            models.CheckConstraint(
                condition=Q(end_year__gt=models.F("start_year"))
                | Q(end_year=models.F("start_year"), end_quarter__gte=models.F("start_quarter")),
                name="action_timing_in_order",
                violation_error_message=_("Het einde van de actie ligt voor het begin."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}" if self.code else self.title

    @property
    def is_in_plan(self) -> bool:
        return self.stage in IN_PLAN_STAGES

    @property
    def is_draft(self) -> bool:
        return self.stage in DRAFT_STAGES

    @property
    def is_open_proposal(self) -> bool:
        """An editor may still change it: proposed, or returned for revision."""
        return self.stage in OPEN_PROPOSAL_STAGES

    @property
    def etag(self) -> str:
        return f'"action-{self.pk}-v{self.version}"'

    @property
    def timing_label(self) -> str:
        return f"Q{self.start_quarter} {self.start_year} – Q{self.end_quarter} {self.end_year}"

    def runs_in(self, year: int) -> bool:
        return self.start_year <= year <= self.end_year

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        plan = self.plan if self.plan_id else None
        if plan is not None:
            for field in ("start_year", "end_year"):
                value = getattr(self, field)
                if value is not None and not plan.start_year <= value <= plan.end_year:
                    errors[field] = _(
                        "Kies een jaar binnen de looptijd van het plan (%(a)s–%(b)s)."
                    ) % {
                        "a": plan.start_year,
                        "b": plan.end_year,
                    }
        if (
            not errors
            and self.start_year
            and self.end_year
            and (self.end_year, self.end_quarter) < (self.start_year, self.start_quarter)
        ):
            errors["end_year"] = _("Het einde van de actie ligt voor het begin.")
        if errors:
            raise ValidationError(errors)


class CoLeadState(models.TextChoices):
    PENDING = "pending", _("te beantwoorden")
    CONFIRMED = "confirmed", _("bevestigd")
    DECLINED = "declined", _("geweigerd")


class CoLeadResponse(models.Model):
    """A co-lead administration's answer to its part in a proposed action.

    Made pending when the administration becomes a co-lead of a proposal; its members
    confirm, or decline with a reason. The SMART check counts a proposal as acceptable
    when every co-lead confirmed.
    """

    action = models.ForeignKey(
        Action, verbose_name=_("actie"), on_delete=models.CASCADE, related_name="co_lead_responses"
    )
    administration = models.ForeignKey(
        Administration,
        verbose_name=_("administratie"),
        on_delete=models.PROTECT,
        related_name="co_lead_responses",
    )
    state = models.CharField(
        _("antwoord"), max_length=20, choices=CoLeadState.choices, default=CoLeadState.PENDING
    )
    reason = models.TextField(_("reden"), blank=True, validators=PROSE)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("beantwoord door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("beantwoord op"), null=True, blank=True)
    history = History()

    class Meta:
        ordering = ["action", "administration__name"]
        verbose_name = _("antwoord van een meewerkende administratie")
        verbose_name_plural = _("antwoorden van meewerkende administraties")
        constraints = [
            models.UniqueConstraint(
                fields=["action", "administration"],
                name="co_lead_response_unique",
                violation_error_message=_("Deze administratie heeft al een antwoord."),
            ),
            models.CheckConstraint(
                condition=~Q(state="declined") | ~Q(reason=""),
                name="co_lead_decline_has_reason",
                violation_error_message=_("Geef de reden waarom je administratie weigert."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.administration} – {self.get_state_display()}"
