"""What the application tells a user: in the app (read or unread) and, as the user chose per
kind, by e-mail (each message, a daily digest, or not at all).

A notification row is also the mail's outbox: it is written in the same transaction as the
step it reports, and ``services.mail_deliver`` sends what is pending (right after the
commit and again from beat), so a broker or mail server that is down loses nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from actionplan.models import User


class NotificationKind(models.TextChoices):
    ROUND_OPENED = "round_opened", _("Ronde geopend: je fiches en de deadline")
    REMINDER = "reminder", _("Herinnering voor de deadline")
    DEADLINE_EXTENDED = "deadline_extended", _("Deadline verlengd")
    RETURNED = "returned", _("Fiche teruggestuurd")
    APPROVED = "approved", _("Fiche goedgekeurd")
    REOPENED = "reopened", _("Fiche heropend")
    LATE_DIGEST = "late_digest", _("Dagelijks overzicht van wat te laat is (AJH)")
    REPORT_READY = "report_ready", _("Rapport klaar")
    IMPORT_FINISHED = "import_finished", _("Import afgerond")


# Only coordinators receive these; the preferences page shows them to coordinators only.
COORDINATOR_KINDS = frozenset({NotificationKind.LATE_DIGEST})


class Delivery(models.TextChoices):
    EACH = "each", _("Elk bericht apart per e-mail")
    DIGEST = "digest", _("Eén dagelijks overzicht per e-mail")
    NONE = "none", _("Geen e-mail, alleen in de toepassing")


# Without a choice of the user: a mail per message, except for what the user just asked for
# and follows on screen anyway (reports, imports), which stays in the app.
DEFAULT_DELIVERY = {
    NotificationKind.REPORT_READY: Delivery.NONE,
    NotificationKind.IMPORT_FINISHED: Delivery.NONE,
}


def default_delivery(kind: str) -> Delivery:
    return DEFAULT_DELIVERY.get(NotificationKind(kind), Delivery.EACH)


class MailState(models.TextChoices):
    PENDING = "pending", _("te versturen")
    DIGEST = "digest", _("voor het dagelijkse overzicht")
    SENT = "sent", _("verstuurd")
    SKIPPED = "skipped", _("geen e-mail gevraagd")
    FAILED = "failed", _("mislukt")


# A mail that fails this many times is given up on (the notification stays in the app).
MAIL_ATTEMPTS = 5


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_user(self, user: User | AnonymousUser) -> NotificationQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(user_id=user.pk)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("soort"), max_length=30, choices=NotificationKind.choices)
    # Written by the application from codes, names and AJH's reason; never fiche text.
    title = models.CharField(_("titel"), max_length=300)
    text = models.TextField(_("tekst"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("op"), default=timezone.now)
    read_at = models.DateTimeField(_("gelezen op"), null=True, blank=True)
    mail_state = models.CharField(
        _("e-mail"), max_length=10, choices=MailState.choices, default=MailState.PENDING
    )
    mail_attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    mailed_at = models.DateTimeField(_("gemaild op"), null=True, blank=True)
    mail_error = models.TextField(_("fout bij het mailen"), blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_user_read"),
            models.Index(fields=["mail_state"], name="notification_mail_state"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """How a user receives one kind of notification by e-mail; no row means each message."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("soort"), max_length=30, choices=NotificationKind.choices)
    delivery = models.CharField(
        _("per e-mail"), max_length=10, choices=Delivery.choices, default=Delivery.EACH
    )

    class Meta:
        verbose_name = _("meldingsvoorkeur")
        verbose_name_plural = _("meldingsvoorkeuren")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()}: {self.get_delivery_display()}"
