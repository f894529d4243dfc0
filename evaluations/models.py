"""Evaluation narratives written by AJH and the PDF reports built from them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from actionplan.display import datetime_display
from actionplan.history import History
from actionplan.models import Plan, StrategicGoal
from actionplan.texts import LINE, PROSE
from fiches.models import FicheState


class ReportKind(models.TextChoices):
    INTERIM = "interim", _("tussentijdse evaluatie")
    FINAL = "final", _("eindevaluatie")
    ANNUAL = "annual", _("jaarrapport")
    FICHE = "fiche", _("actiefiche")


class Narrative(models.Model):
    """AJH's own text for one evaluation: summary, recommendations, impact analysis."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("actieplan"), on_delete=models.PROTECT, related_name="narratives"
    )
    kind = models.CharField(_("soort"), max_length=10, choices=ReportKind.choices)
    year = models.PositiveSmallIntegerField(_("referentiejaar"))
    summary = models.TextField(_("samenvatting"), blank=True, validators=PROSE)
    recommendations = models.TextField(
        _("aanbevelingen en bijsturing"), blank=True, validators=PROSE
    )
    impact_analysis = models.TextField(
        _("impactanalyse"),
        blank=True,
        help_text=_("Alleen in de eindevaluatie."),
        validators=PROSE,
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
    history = History(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-year", "kind"]
        verbose_name = _("evaluatietekst")
        verbose_name_plural = _("evaluatieteksten")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "kind", "year"], name="one_narrative_per_report"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}"


class Finding(models.Model):
    """The findings of one evaluation for one strategic goal."""

    narrative = models.ForeignKey(
        Narrative,
        verbose_name=_("evaluatietekst"),
        on_delete=models.CASCADE,
        related_name="findings",
    )
    strategic_goal = models.ForeignKey(
        StrategicGoal,
        verbose_name=_("strategische doelstelling"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("bevindingen"), blank=True, validators=PROSE)
    impact = models.TextField(_("impact"), blank=True, validators=PROSE)
    history = History()

    class Meta:
        ordering = ["strategic_goal__number"]
        verbose_name = _("bevinding")
        verbose_name_plural = _("bevindingen")
        constraints = [
            models.UniqueConstraint(
                fields=["narrative", "strategic_goal"], name="one_finding_per_goal"
            )
        ]

    def __str__(self) -> str:
        return f"{self.narrative} SD{self.strategic_goal.number}"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("in wachtrij")
    RUNNING = "running", _("bezig")
    DONE = "done", _("klaar")
    FAILED = "failed", _("mislukt")


def stale_after() -> dt.timedelta:
    """A running report without a sign of life for this long is dead: its build writes one
    every fifth of it (``evaluations.reports.build``)."""
    return dt.timedelta(seconds=settings.REPORT_HEARTBEAT_TIMEOUT)


def queue_timeout() -> dt.timedelta:
    """A report that no worker picked up within this time will not be built."""
    return dt.timedelta(seconds=settings.REPORT_QUEUE_TIMEOUT)


class ReportQuerySet(models.QuerySet["EvaluationReport"]):
    def visible_to(self, user: object) -> ReportQuerySet:
        """Every internal user sees the evaluation reports; fiche PDFs too (all read all)."""
        if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
            return self.none()
        return self

    def stale(self, now: dt.datetime) -> ReportQuerySet:
        """Reports whose job is dead but whose row still says queued or running (see
        ``EvaluationReport.stale_reason``)."""
        return self.filter(
            Q(status=ReportStatus.QUEUED, queued_at__lt=now - queue_timeout())
            | Q(status=ReportStatus.RUNNING, heartbeat_at__lt=now - stale_after())
        )


class EvaluationReport(models.Model):
    """One generated PDF. A finished report never changes; generating again makes a new one."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("actieplan"), on_delete=models.PROTECT, related_name="reports"
    )
    kind = models.CharField(_("soort"), max_length=10, choices=ReportKind.choices)
    year = models.PositiveSmallIntegerField(_("referentiejaar"))
    fiche = models.ForeignKey(
        "fiches.Fiche",
        verbose_name=_("fiche"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
    )
    # What a fiche's PDF was made from: a later change to the fiche supersedes the PDF.
    fiche_state = models.CharField(
        _("status van de fiche"), max_length=20, choices=FicheState.choices, blank=True
    )
    fiche_version = models.PositiveIntegerField(_("versie van de fiche"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("voortgang (%)"), default=0)
    step = models.CharField(_("stap"), max_length=200, blank=True)
    error = models.TextField(_("foutmelding"), blank=True)
    file = models.FileField(_("bestand"), upload_to="reports/%Y/", blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    page_count = models.PositiveIntegerField(_("pagina's"), null=True, blank=True)
    size = models.PositiveIntegerField(_("grootte (bytes)"), null=True, blank=True)
    unapproved_fiches = models.PositiveIntegerField(
        _("niet-goedgekeurde fiches"), null=True, blank=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aangevraagd door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("aangevraagd op"), default=timezone.now)
    # When the current attempt was queued: a retry waits its own REPORT_QUEUE_TIMEOUT.
    queued_at = models.DateTimeField(_("in de wachtrij sinds"), default=timezone.now)
    started_at = models.DateTimeField(_("gestart op"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("laatste teken van leven"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)
    # Each time the report is queued (asked for, retried) is an attempt; a job carries its
    # number and builds only while it is the report's current one.
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    # A report whose worker died is queued again once by itself (reports_mark_stale).
    auto_retried = models.BooleanField(_("automatisch opnieuw gestart"), default=False)
    history = History(excluded_fields=["heartbeat_at", "progress", "step"])

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("evaluatierapport")
        verbose_name_plural = _("evaluatierapporten")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="fiche", fiche__isnull=False)
                | (~Q(kind="fiche") & Q(fiche__isnull=True)),
                name="fiche_report_has_fiche",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} ({self.get_status_display()})"

    @property
    def is_preview(self) -> bool:
        """An evaluation requested before its reference year began (the interim evaluation
        of 2027 asked for in 2026): its figures cannot be complete, and it says so."""
        return (
            self.kind in (ReportKind.INTERIM, ReportKind.FINAL)
            and timezone.localtime(self.requested_at).year < self.year
        )

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportStatus.DONE, ReportStatus.FAILED)

    @property
    def stale_reason(self) -> str:
        """Why this report will not finish although its row says queued or running; empty
        while it may. The beat task ``evaluations.tasks.mark_stale_reports`` writes it on the
        row; until then pages and the API show it from here, without writing."""
        now = timezone.now()
        if self.status == ReportStatus.QUEUED and self.queued_at < now - queue_timeout():
            return gettext(
                "Geen worker nam dit rapport op binnen %(m)s minuten. Controleer of de "
                "worker draait en start het rapport opnieuw."
            ) % {"m": settings.REPORT_QUEUE_TIMEOUT // 60}
        if (
            self.status == ReportStatus.RUNNING
            and self.heartbeat_at is not None
            and self.heartbeat_at < now - stale_after()
        ):
            if not self.auto_retried:
                return gettext(
                    "De worker stopte tijdens het opmaken (geen teken van leven sinds "
                    "%(t)s). Het rapport wordt automatisch opnieuw gestart."
                ) % {"t": datetime_display(self.heartbeat_at)}
            return gettext(
                "De worker stopte tijdens het opmaken (geen teken van leven sinds "
                "%(t)s), ook na een automatische nieuwe start. Start het rapport opnieuw."
            ) % {"t": datetime_display(self.heartbeat_at)}
        return ""

    @property
    def shown_status(self) -> str:
        """The status as users see it: a dead job shows as failed before the row says so."""
        return ReportStatus.FAILED if self.stale_reason else self.status

    @property
    def shown_status_display(self) -> str:
        return str(ReportStatus(self.shown_status).label)

    @property
    def shown_error(self) -> str:
        return self.stale_reason or self.error

    @property
    def shown_finished(self) -> bool:
        return self.shown_status in (ReportStatus.DONE, ReportStatus.FAILED)

    @property
    def filename(self) -> str:
        if self.kind == ReportKind.FICHE and self.fiche_id:
            return f"actiefiche-{self.fiche_id}-{self.year}.pdf"
        return f"{self.get_kind_display().replace(' ', '-')}-{self.year}.pdf"


class ReleaseStep(models.TextChoices):
    """The way of an evaluation, in order: AJH approves it, then it goes to the Vlaamse
    Regering, then to the Vlaams Parlement."""

    APPROVED = "approved", _("goedgekeurd door AJH")
    GOVERNMENT = "government", _("verzonden aan de Vlaamse Regering")
    PARLIAMENT = "parliament", _("verzonden aan het Vlaams Parlement")

    @property
    def previous(self) -> ReleaseStep | None:
        order = list(ReleaseStep)
        index = order.index(self)
        return order[index - 1] if index else None

    @property
    def next(self) -> ReleaseStep | None:
        order = list(ReleaseStep)
        index = order.index(self)
        return order[index + 1] if index + 1 < len(order) else None


class ReleaseQuerySet(models.QuerySet["ReportRelease"]):
    def visible_to(self, user: object) -> ReleaseQuerySet:
        """Released PDFs are read by every signed-in user, like the reports themselves."""
        if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
            return self.none()
        return self


class ReportRelease(models.Model):
    """One step of an evaluation report's way, frozen: the PDF of ``report`` (never
    rebuilt: a finished report never changes) with the SHA-256 it had at this step and the
    plan version it reports on. A release is never changed or deleted; changes to the data
    make a new report, which goes the whole way again."""

    report = models.ForeignKey(
        EvaluationReport,
        verbose_name=_("rapport"),
        on_delete=models.PROTECT,
        related_name="releases",
    )
    step = models.CharField(_("stap"), max_length=12, choices=ReleaseStep.choices)
    # The step before this one, of the same report: a row can only exist after its
    # predecessor, and each step has one successor at most.
    previous = models.OneToOneField(
        "self",
        verbose_name=_("vorige stap"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_release",
    )
    date = models.DateField(_("datum"))
    reference = models.CharField(_("referentie"), max_length=200, validators=LINE)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("geregistreerd door"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sha256 = models.CharField(_("SHA-256 van de PDF"), max_length=64)
    plan_version = models.ForeignKey(
        "planning.PlanVersion",
        verbose_name=_("planversie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("geregistreerd op"), default=timezone.now)
    history = History()

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["report", "created_at", "id"]
        verbose_name = _("vrijgave van een rapport")
        verbose_name_plural = _("vrijgaven van rapporten")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "step"],
                name="one_release_per_step",
                violation_error_message=_("Deze stap is voor dit rapport al geregistreerd."),
            ),
            models.CheckConstraint(
                condition=Q(step=ReleaseStep.APPROVED, previous__isnull=True)
                | (~Q(step=ReleaseStep.APPROVED) & Q(previous__isnull=False)),
                name="release_follows_previous_step",
                violation_error_message=_(
                    "Verzenden kan pas na de vorige stap; goedkeuren is de eerste stap."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(reference=""),
                name="release_has_reference",
                violation_error_message=_("Vul de referentie in."),
            ),
            models.CheckConstraint(
                condition=~Q(sha256=""),
                name="release_has_sha256",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.get_step_display()}"

    @property
    def step_label(self) -> str:
        return str(ReleaseStep(self.step).label)
