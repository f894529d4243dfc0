"""Indicators of an action and their yearly values (metingen)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.db.models.expressions import BaseExpression
from django.utils.translation import gettext_lazy as _

from actionplan.history import History
from actionplan.models import Action, ActionQuerySet, Plan, StrategicGoal
from actionplan.texts import LINE, PROSE, limited_text

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django_stubs_ext import StrOrPromise

    from actionplan.models import User


class IndicatorKind(models.TextChoices):
    QUANTITATIVE = "quantitative", _("kwantitatief")
    QUALITATIVE = "qualitative", _("kwalitatief")


class ValueKind(models.TextChoices):
    """What the number of a quantitative indicator is, and so which values are plausible."""

    COUNT = "count", _("aantal (geheel getal vanaf 0)")
    PERCENTAGE = "percentage", _("percentage (0–100)")
    AMOUNT = "amount", _("bedrag in euro (vanaf 0)")
    DECIMAL = "decimal", _("getal (met optionele grenzen)")


def format_number(value: Decimal) -> str:
    """A number as Flemish readers write it in a message: ``1234,5``."""
    return format(value.normalize(), "f").replace(".", ",")


def value_kind_error(
    value: Decimal, *, kind: str, low: Decimal | None = None, high: Decimal | None = None
) -> str | None:
    """Why ``value`` is no plausible number of ``kind`` (Dutch, naming the bound), or
    ``None``: the one rule for action indicators and impact indicators alike."""
    if kind == ValueKind.COUNT and (value < 0 or value != value.to_integral_value()):
        return str(_("Een aantal is een geheel getal vanaf 0."))
    if kind == ValueKind.PERCENTAGE and not 0 <= value <= 100:
        return str(_("Een percentage ligt tussen 0 en 100."))
    if kind == ValueKind.AMOUNT and value < 0:
        return str(_("Een bedrag in euro is 0 of meer."))
    if kind == ValueKind.DECIMAL and (
        (low is not None and value < low) or (high is not None and value > high)
    ):
        if low is not None and high is not None:
            return str(_("De waarde ligt tussen %(min)s en %(max)s.")) % {
                "min": format_number(low),
                "max": format_number(high),
            }
        if low is not None:
            return str(_("De waarde is minstens %(min)s.")) % {"min": format_number(low)}
        assert high is not None
        return str(_("De waarde is hoogstens %(max)s.")) % {"max": format_number(high)}
    return None


class Direction(models.TextChoices):
    UP = "up", _("stijgen")
    DOWN = "down", _("dalen")
    KEEP = "keep", _("behouden")


class Disaggregation(models.TextChoices):
    NONE = "", _("geen")
    SEX = "sex", _("naar geslacht")


# The categories of each disaggregation, in the order they are shown.
DISAGGREGATION_CATEGORIES: dict[str, list[tuple[str, StrOrPromise]]] = {
    "sex": [("female", _("vrouw")), ("male", _("man")), ("other", _("x / onbekend"))],
}


def actions_defining_indicators(user: User | AnonymousUser) -> ActionQuerySet:
    """The actions whose indicators ``user`` defines: the one rule, used everywhere.

    Coordinators define indicators for every action, editors for the actions their
    administration leads; nobody else defines any.
    """
    if not user.is_authenticated or not user.is_active:
        return Action.objects.none()
    if user.is_coordinator:
        return Action.objects.all()
    if user.is_editor:
        return Action.objects.led_by_member(user)
    return Action.objects.none()


class IndicatorQuerySet(models.QuerySet["Indicator"]):
    def editable_by(self, user: User | AnonymousUser) -> IndicatorQuerySet:
        if user.is_authenticated and user.is_active and user.is_coordinator:
            return self  # every action: no subquery needed
        return self.filter(action__in=actions_defining_indicators(user))


class Indicator(models.Model):
    action = models.ForeignKey(
        Action, verbose_name=_("actie"), on_delete=models.PROTECT, related_name="indicators"
    )
    name = models.CharField(_("naam"), max_length=300, validators=LINE)
    description = models.TextField(_("toelichting"), blank=True, validators=PROSE)
    kind = models.CharField(
        _("soort"), max_length=20, choices=IndicatorKind.choices, default=IndicatorKind.QUANTITATIVE
    )
    unit = models.CharField(_("eenheid"), max_length=60, blank=True, validators=LINE)
    value_kind = models.CharField(
        _("soort waarde"),
        max_length=12,
        choices=ValueKind.choices,
        default=ValueKind.DECIMAL,
        help_text=_("Bepaalt welke waarden aanvaard worden, ook voor nulmeting en streefwaarde."),
    )
    min_value = models.DecimalField(
        _("kleinste waarde"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Enkel voor een getal: optioneel."),
    )
    max_value = models.DecimalField(
        _("grootste waarde"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Enkel voor een getal: optioneel."),
    )
    baseline_value = models.DecimalField(
        _("nulmeting"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(_("jaar nulmeting"), null=True, blank=True)
    target_value = models.DecimalField(
        _("streefwaarde"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_year = models.PositiveSmallIntegerField(_("jaar streefwaarde"), null=True, blank=True)
    direction = models.CharField(
        _("gewenste richting"), max_length=10, choices=Direction.choices, default=Direction.UP
    )
    disaggregation = models.CharField(
        _("uitsplitsing"), max_length=20, choices=Disaggregation.choices, blank=True, default=""
    )
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    history = History()

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["action", "position", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicatoren")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="qualitative") | ~Q(unit=""),
                name="quantitative_indicator_has_unit",
                violation_error_message=_("Een kwantitatieve indicator heeft een eenheid."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.kind == IndicatorKind.QUANTITATIVE and not self.unit.strip():
            errors["unit"] = _("Geef de eenheid op (bv. aantal, %, euro).")
        if self.baseline_value is not None and self.baseline_year is None:
            errors["baseline_year"] = _("Geef het jaar van de nulmeting op.")
        if self.target_value is not None and self.target_year is None:
            errors["target_year"] = _("Geef het jaar van de streefwaarde op.")
        for name in ("baseline_year", "target_year"):
            year = getattr(self, name)
            if year is not None and not 2000 <= year <= 2100:
                errors[name] = _("Geef een jaartal tussen 2000 en 2100.")
        if (
            self.baseline_year
            and self.target_year
            and self.target_year < self.baseline_year
            and "target_year" not in errors
        ):
            errors["target_year"] = _("Het jaar van de streefwaarde ligt voor de nulmeting.")
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            errors["max_value"] = _("De grootste waarde ligt onder de kleinste waarde.")
        if self.is_quantitative:
            for name in ("baseline_value", "target_value"):
                message = self.value_error(getattr(self, name))
                if message and name not in errors:
                    errors[name] = message
        if errors:
            raise ValidationError(errors)

    def value_error(self, value: Decimal | None) -> str | None:
        """Why ``value`` is no plausible value of this indicator (Dutch, naming the bound),
        or ``None``. The one rule for values, baselines and targets: page, API and import."""
        if value is None or not self.is_quantitative:
            return None
        return value_kind_error(
            value, kind=self.value_kind, low=self.min_value, high=self.max_value
        )

    @property
    def is_quantitative(self) -> bool:
        return self.kind == IndicatorKind.QUANTITATIVE

    @property
    def categories(self) -> list[tuple[str, StrOrPromise]]:
        return DISAGGREGATION_CATEGORIES.get(self.disaggregation, [])

    def progress(self, value: Decimal | None) -> Decimal | None:
        """Share of the way from baseline to target reached by ``value``, in percent."""
        return progress_towards_target(
            baseline=self.baseline_value,
            target=self.target_value,
            value=value,
            direction=self.direction,
        )


def progress_towards_target(
    *,
    baseline: Decimal | None,
    target: Decimal | None,
    value: Decimal | None,
    direction: str,
) -> Decimal | None:
    """Percentage of the distance from baseline to target covered by ``value``.

    ``None`` when it cannot be computed (no value, no target). Without a baseline the
    distance is measured from zero. When baseline equals target (or the direction is
    "keep"), the target is reached as long as the value does not move the wrong way.
    Never below 0; above 100 when the target is exceeded.
    """
    if value is None or target is None:
        return None
    start = baseline if baseline is not None else Decimal(0)
    if direction == Direction.KEEP or start == target:
        if direction == Direction.DOWN:
            ok = value <= target
        elif direction == Direction.UP:
            ok = value >= target
        else:
            ok = value == target
        return Decimal(100) if ok else Decimal(0)
    # The sign of the distance carries the direction: a falling target divides by a
    # negative distance, so a falling value still counts as progress.
    distance = target - start
    share = (value - start) / distance * 100
    return max(Decimal(0), share.quantize(Decimal("0.1")))


class IndicatorValueQuerySet(models.QuerySet["IndicatorValue"]):
    def editable_by(self, user: User) -> IndicatorValueQuerySet:
        return self.filter(indicator__in=Indicator.objects.editable_by(user))

    def with_counts(self, condition: BaseExpression) -> IndicatorValueQuerySet:
        """Annotate ``counts``: whether the value counts in the figures. The condition
        depends on the fiche's approval, which this floor does not know: callers pass
        ``fiches.selectors.value_counts_condition()``."""
        return self.annotate(counts=ExpressionWrapper(condition, output_field=BooleanField()))


ASSESSMENT_MAX = 2_000


class IndicatorValue(models.Model):
    """One measurement per indicator per year: a number, or an explicit "no data"."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="values"
    )
    year = models.PositiveSmallIntegerField(_("jaar"))
    value = models.DecimalField(_("waarde"), max_digits=14, decimal_places=2, null=True, blank=True)
    no_data = models.BooleanField(_("geen gegevens"), default=False)
    no_data_reason = models.CharField(
        _("reden geen gegevens"), max_length=500, blank=True, validators=LINE
    )
    # An assessment explains one year's figure in a paragraph or two.
    assessment = limited_text(_("beoordeling"), ASSESSMENT_MAX)
    breakdown = models.JSONField(_("uitsplitsing"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gewijzigd door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = History(excluded_fields=["updated_at"])

    objects = IndicatorValueQuerySet.as_manager()

    # Present on rows from ``IndicatorValueQuerySet.with_counts``.
    counts: bool

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("meting")
        verbose_name_plural = _("metingen")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"],
                name="one_value_per_indicator_per_year",
                violation_error_message=_("Er is al een meting voor dit jaar."),
            ),
            models.CheckConstraint(
                condition=Q(no_data=False) | Q(value__isnull=True),
                name="no_data_has_no_value",
                violation_error_message=_("Geef een waarde of kies 'geen gegevens', niet beide."),
            ),
            models.CheckConstraint(
                condition=Q(no_data=False) | ~Q(no_data_reason=""),
                name="no_data_has_reason",
                violation_error_message=_("Geef een reden waarom er geen gegevens zijn."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}"

    def clean(self) -> None:
        indicator = self.indicator
        if self.value is not None and not indicator.is_quantitative:
            raise ValidationError(
                {"value": _("Een kwalitatieve indicator heeft geen getal; gebruik de beoordeling.")}
            )
        message = indicator.value_error(self.value)
        if message:
            raise ValidationError({"value": message})
        self._clean_breakdown_keys()
        for number in (self.breakdown or {}).values():
            try:
                part = Decimal(str(number))
            except ArithmeticError:
                raise ValidationError(
                    {"breakdown": _("Geef getallen in de uitsplitsing.")}
                ) from None
            message = indicator.value_error(part)
            if message:
                raise ValidationError({"breakdown": message})

    def _clean_breakdown_keys(self) -> None:
        """A breakdown only by the indicator's own categories: sent for an indicator without
        one, or with a category it does not know, it is refused, never dropped."""
        if not self.breakdown:
            return
        if not isinstance(self.breakdown, dict):
            raise ValidationError({"breakdown": _("Geef de uitsplitsing als categorie: getal.")})
        allowed = [key for key, _label in self.indicator.categories]
        if not allowed:
            raise ValidationError(
                {"breakdown": _("Deze indicator heeft geen uitsplitsing; laat ze weg.")}
            )
        unknown = sorted(set(self.breakdown) - set(allowed))
        if unknown:
            raise ValidationError(
                {
                    "breakdown": _(
                        "Onbekende categorie in de uitsplitsing: %(unknown)s. Deze indicator "
                        "kent: %(allowed)s."
                    )
                    % {"unknown": ", ".join(unknown), "allowed": ", ".join(allowed)}
                }
            )

    @property
    def is_filled(self) -> bool:
        """A quantitative value counts as filled with a number or an explained "no data"."""
        return self.value is not None or (self.no_data and bool(self.no_data_reason))


# --- Impact indicators -------------------------------------------------------------------
# Context and outcome indicators of the plan or of one strategic goal (prevalence,
# registrations, calls to a helpline), next to the per-action indicators above. Their data
# come from outside sources (police statistics, Statbel, surveys), broken down as the
# Istanbul Convention (art. 11) asks: by sex, age group, relationship and region.


class ImpactKind(models.TextChoices):
    CONTEXT = "context", _("contextindicator")
    OUTCOME = "outcome", _("effectindicator")


class Periodicity(models.TextChoices):
    YEARLY = "yearly", _("jaarlijks")
    BIENNIAL = "biennial", _("tweejaarlijks")
    TRIENNIAL = "triennial", _("driejaarlijks")
    QUINQUENNIAL = "quinquennial", _("vijfjaarlijks")
    ONCE = "once", _("eenmalig")
    IRREGULAR = "irregular", _("onregelmatig")


class ImpactDimension(models.TextChoices):
    """What a value may be broken down by (Istanbul Convention, art. 11)."""

    SEX = "sex", _("geslacht")
    AGE_GROUP = "age_group", _("leeftijdsgroep")
    RELATIONSHIP = "relationship", _("relatie tussen slachtoffer en pleger")
    REGION = "region", _("regio")


# The categories of each dimension, in the order tables show them. The keys are what the
# API and the database hold (``{"sex": "vrouw", "age_group": "18-24"}``).
IMPACT_CATEGORIES: dict[str, list[tuple[str, StrOrPromise]]] = {
    ImpactDimension.SEX: [
        ("vrouw", _("vrouw")),
        ("man", _("man")),
        ("x", _("x")),
        ("onbekend", _("onbekend")),
    ],
    ImpactDimension.AGE_GROUP: [
        *((band, band) for band in ("0-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")),
        ("onbekend", _("onbekend")),
    ],
    ImpactDimension.RELATIONSHIP: [
        ("partner", _("(ex-)partner")),
        ("familielid", _("familielid")),
        ("kennis", _("kennis")),
        ("onbekende", _("onbekende")),
        ("onbekend", _("onbekend")),
    ],
    ImpactDimension.REGION: [
        ("antwerpen", "Antwerpen"),
        ("limburg", "Limburg"),
        ("oost-vlaanderen", "Oost-Vlaanderen"),
        ("vlaams-brabant", "Vlaams-Brabant"),
        ("west-vlaanderen", "West-Vlaanderen"),
        ("brussel", _("Brussels Hoofdstedelijk Gewest")),
        ("onbekend", _("onbekend")),
    ],
}


def disaggregation_key(disaggregation: dict[str, str]) -> str:
    """The breakdown as one comparable text, dimensions in a fixed order (``""`` for the
    total): what makes a value unique per indicator and year, whatever the key order."""
    order = list(ImpactDimension.values)
    return ";".join(
        f"{name}={disaggregation[name]}"
        for name in sorted(disaggregation, key=lambda n: (order.index(n) if n in order else 99, n))
    )


def disaggregation_label(disaggregation: dict[str, str]) -> str:
    """``vrouw, 18-24``; ``totaal`` without a breakdown."""
    if not disaggregation:
        return str(_("totaal"))
    order = list(ImpactDimension.values)
    parts = []
    for name in sorted(disaggregation, key=lambda n: order.index(n) if n in order else 99):
        labels = dict(IMPACT_CATEGORIES.get(name, []))
        parts.append(str(labels.get(disaggregation[name], disaggregation[name])))
    return ", ".join(parts)


def maintains_impact(user: User | AnonymousUser) -> bool:
    """AJH maintains the impact indicators and their values; nobody else changes them.
    The one rule: querysets, services, pages and API ask it."""
    return bool(user.is_authenticated and user.is_active and user.is_coordinator)


class ImpactIndicatorQuerySet(models.QuerySet["ImpactIndicator"]):
    def editable_by(self, user: User | AnonymousUser) -> ImpactIndicatorQuerySet:
        return self if maintains_impact(user) else self.none()

    def for_plan(self, plan: Plan, *, goal: StrategicGoal | None = None) -> ImpactIndicatorQuerySet:
        queryset = self.filter(plan=plan)
        return queryset.filter(strategic_goal=goal) if goal is not None else queryset

    def in_order(self) -> ImpactIndicatorQuerySet:
        """Plan-level indicators first, then per strategic goal."""
        return self.order_by(
            models.F("strategic_goal__number").asc(nulls_first=True), "position", "id"
        )


IMPACT_DEFINITION_MAX = 4_000
IMPACT_NOTE_MAX = 2_000


class ImpactIndicator(models.Model):
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("actieplan"),
        on_delete=models.PROTECT,
        related_name="impact_indicators",
    )
    strategic_goal = models.ForeignKey(
        StrategicGoal,
        verbose_name=_("strategische doelstelling"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="impact_indicators",
        help_text=_("Leeg: een indicator van het hele plan."),
    )
    kind = models.CharField(_("soort"), max_length=10, choices=ImpactKind.choices)
    name = models.CharField(_("naam"), max_length=300, validators=LINE)
    definition = limited_text(_("definitie"), IMPACT_DEFINITION_MAX)
    unit = models.CharField(_("eenheid"), max_length=60, validators=LINE)
    value_kind = models.CharField(
        _("soort waarde"), max_length=12, choices=ValueKind.choices, default=ValueKind.COUNT
    )
    source = models.CharField(
        _("bron"), max_length=300, help_text=_("Bv. Politiestatistieken, Statbel.")
    )
    periodicity = models.CharField(
        _("periodiciteit"), max_length=12, choices=Periodicity.choices, default=Periodicity.YEARLY
    )
    baseline_value = models.DecimalField(
        _("nulmeting"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(_("jaar nulmeting"), null=True, blank=True)
    target_value = models.DecimalField(
        _("streefwaarde"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_year = models.PositiveSmallIntegerField(_("jaar streefwaarde"), null=True, blank=True)
    dimensions = models.JSONField(
        _("uitsplitsingen"),
        default=list,
        blank=True,
        help_text=_("Waarnaar de waarden uitgesplitst mogen worden."),
    )
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    history = History()

    objects = ImpactIndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "position", "id"]
        verbose_name = _("impactindicator")
        verbose_name_plural = _("impactindicatoren")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        goal = self.strategic_goal
        if goal is not None and goal.plan_id != self.plan_id:
            errors["strategic_goal"] = _("Deze doelstelling hoort niet bij dit actieplan.")
        dimensions = self.dimensions
        if not isinstance(dimensions, list) or any(
            d not in ImpactDimension.values for d in dimensions
        ):
            errors["dimensions"] = _("Kies uitsplitsingen uit: %(list)s.") % {
                "list": ", ".join(ImpactDimension.values)
            }
        elif len(set(dimensions)) != len(dimensions):
            errors["dimensions"] = _("Elke uitsplitsing komt maar één keer voor.")
        if self.baseline_value is not None and self.baseline_year is None:
            errors["baseline_year"] = _("Geef het jaar van de nulmeting op.")
        if self.target_value is not None and self.target_year is None:
            errors["target_year"] = _("Geef het jaar van de streefwaarde op.")
        for name in ("baseline_year", "target_year"):
            year = getattr(self, name)
            if year is not None and not 2000 <= year <= 2100:
                errors[name] = _("Geef een jaartal tussen 2000 en 2100.")
        for name in ("baseline_value", "target_value"):
            value = getattr(self, name)
            message = value_kind_error(value, kind=self.value_kind) if value is not None else None
            if message and name not in errors:
                errors[name] = message
        if errors:
            raise ValidationError(errors)

    @property
    def dimension_choices(self) -> list[tuple[str, StrOrPromise]]:
        """The declared dimensions with their labels, in the fixed order."""
        labels = dict(ImpactDimension.choices)
        return [(d, labels[d]) for d in ImpactDimension.values if d in self.dimensions]


class ImpactValueQuerySet(models.QuerySet["ImpactValue"]):
    def editable_by(self, user: User | AnonymousUser) -> ImpactValueQuerySet:
        return self.filter(indicator__in=ImpactIndicator.objects.editable_by(user))

    def totals(self) -> ImpactValueQuerySet:
        return self.filter(disaggregation_key="")


class ImpactValue(models.Model):
    """One published figure of an impact indicator for one year: the total, or one cell of
    a breakdown (``{"sex": "vrouw", "age_group": "18-24"}``)."""

    indicator = models.ForeignKey(
        ImpactIndicator,
        verbose_name=_("impactindicator"),
        on_delete=models.PROTECT,
        related_name="values",
    )
    year = models.PositiveSmallIntegerField(_("jaar"))
    value = models.DecimalField(_("waarde"), max_digits=14, decimal_places=2)
    disaggregation = models.JSONField(_("uitsplitsing"), default=dict, blank=True)
    # ``disaggregation`` as text in a fixed order: unique per indicator and year.
    disaggregation_key = models.CharField(
        _("uitsplitsing (sleutel)"), max_length=200, blank=True, editable=False
    )
    source = models.CharField(_("bron"), max_length=300, validators=LINE)
    source_date = models.DateField(_("publicatiedatum van de bron"))
    note = limited_text(_("opmerking"), IMPACT_NOTE_MAX)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gewijzigd door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = History(excluded_fields=["updated_at"])

    objects = ImpactValueQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "year", "disaggregation_key"]
        verbose_name = _("impactwaarde")
        verbose_name_plural = _("impactwaarden")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "disaggregation_key"],
                name="one_impact_value_per_year_and_breakdown",
                violation_error_message=_(
                    "Er is al een waarde van deze indicator voor dit jaar en deze uitsplitsing."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year} ({disaggregation_label(self.disaggregation)})"

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if not 2000 <= (self.year or 0) <= 2100:
            errors["year"] = _("Geef een jaartal tussen 2000 en 2100.")
        if self.value is not None:
            message = value_kind_error(self.value, kind=self.indicator.value_kind)
            if message:
                errors["value"] = message
        message = self.disaggregation_error()
        if message:
            errors["disaggregation"] = message
        if errors:
            raise ValidationError(errors)

    def disaggregation_error(self) -> str | None:
        """Why the breakdown does not fit the indicator (Dutch), or ``None``."""
        disaggregation = self.disaggregation
        if not isinstance(disaggregation, dict):
            return str(_("Geef de uitsplitsing als paren dimensie: categorie."))
        labels = dict(ImpactDimension.choices)
        for name, category in disaggregation.items():
            if name not in labels:
                return str(_("‘%(name)s’ is geen uitsplitsing; kies uit: %(list)s.")) % {
                    "name": name,
                    "list": ", ".join(ImpactDimension.values),
                }
            if name not in self.indicator.dimensions:
                return str(_("Deze indicator wordt niet uitgesplitst naar %(dimension)s.")) % {
                    "dimension": labels[name]
                }
            allowed = [key for key, _label in IMPACT_CATEGORIES[name]]
            if category not in allowed:
                return str(
                    _("‘%(category)s’ is geen categorie van %(dimension)s; kies uit: %(list)s.")
                ) % {"category": category, "dimension": labels[name], "list": ", ".join(allowed)}
        return None

    @property
    def disaggregation_label(self) -> str:
        return disaggregation_label(self.disaggregation)
