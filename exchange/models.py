"""Spreadsheet imports: one row per uploaded file, the source of truth for its status."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from actionplan.history import History
from actionplan.models import Plan, User


class ImportKind(models.TextChoices):
    ACTIONS = "actions", _("acties")
    INDICATOR_VALUES = "indicator-values", _("indicatorwaarden")
    MINISTERS = "ministers", _("ministers")
    ADMINISTRATIONS = "administrations", _("administraties")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("in wachtrij")
    CHECKING = "checking", _("wordt nagekeken")
    CHECKED = "checked", _("nagekeken")
    APPLYING = "applying", _("wordt toegepast")
    APPLIED = "applied", _("toegepast")
    FAILED = "failed", _("mislukt")


class ImportJobQuerySet(models.QuerySet["ImportJob"]):
    def visible_to(self, user: User | AnonymousUser) -> ImportJobQuerySet:
        """Who may see import jobs, for every page and API path: coordinators every job,
        other users the ones they uploaded, anonymous visitors none."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_coordinator:
            return self
        return self.filter(requested_by=user)


class ImportJob(models.Model):
    """One uploaded spreadsheet: checked first (dry run), applied after confirmation."""

    kind = models.CharField(_("soort"), max_length=20, choices=ImportKind.choices)
    plan = models.ForeignKey(
        Plan, verbose_name=_("actieplan"), on_delete=models.PROTECT, related_name="imports"
    )
    file = models.FileField(_("bestand"), upload_to="imports/%Y/")
    filename = models.CharField(_("bestandsnaam"), max_length=255)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("voortgang (%)"), default=0)
    result = models.JSONField(_("resultaat"), default=dict, blank=True)
    error = models.TextField(_("foutmelding"), blank=True)
    requested_by = models.ForeignKey(
        User, verbose_name=_("door"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("opgeladen op"), auto_now_add=True)
    # The tables kept the names they had when the model lived in actionplan.
    history = History(excluded_fields=["progress"], table_name="actionplan_historicalimportjob")

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        db_table = "actionplan_importjob"
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename}"

    @property
    def is_busy(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.APPLYING)

    @property
    def can_apply(self) -> bool:
        result = self.result or {}
        return (
            self.status == ImportStatus.CHECKED
            and not result.get("errors")
            and (result.get("created", 0) or result.get("updated", 0)) > 0
        )
