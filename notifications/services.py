"""Writes for notifications: tell users something (``notify``), send the mails that are due
(``mail_deliver``, ``digests_send``), mark read, and keep the preferences.

Mails are Dutch whatever the interface language (the issue's rule for mails), plain text
with an HTML alternative, and carry no fiche text: titles are built from codes and names,
the text from dates and AJH's reason.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from actionplan.display import date_display
from actionplan.jobs import JobUnavailable, enqueue
from notifications.models import (
    MAIL_ATTEMPTS,
    Delivery,
    MailState,
    Notification,
    NotificationKind,
    NotificationPreference,
    default_delivery,
)

if TYPE_CHECKING:
    from actionplan.models import User

logger = logging.getLogger(__name__)

MAIL_LANGUAGE = "nl"


def absolute_url(path: str) -> str:
    """A link for a mail: the application's own address (``SITE_URL``) and ``path``."""
    return settings.SITE_URL.rstrip("/") + path if path else settings.SITE_URL


def deliveries(users: Iterable[User], kind: str) -> dict[int, str]:
    """How each of ``users`` wants ``kind`` by mail (one query)."""
    ids = [u.pk for u in users]
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=ids, kind=kind).values_list(
            "user_id", "delivery"
        )
    )
    return {pk: chosen.get(pk, default_delivery(kind)) for pk in ids}


_MAIL_STATE = {
    Delivery.EACH: MailState.PENDING,
    Delivery.DIGEST: MailState.DIGEST,
    Delivery.NONE: MailState.SKIPPED,
}


def notify(
    *, users: Iterable[User], kind: str, title: str, text: str = "", url: str = ""
) -> list[Notification]:
    """One notification per active user with an e-mail address or not; the mail follows the
    user's preference for ``kind`` and is sent after the commit (and by beat, should the
    queue be down then)."""
    recipients = {u.pk: u for u in users if u.is_active}
    if not recipients:
        return []
    how = deliveries(recipients.values(), kind)
    now = timezone.now()
    rows = Notification.objects.bulk_create(
        Notification(
            user=user,
            kind=kind,
            title=title[:300],
            text=text,
            url=url,
            created_at=now,
            mail_state=_MAIL_STATE[Delivery(how[user.pk])] if user.email else MailState.SKIPPED,
        )
        for user in recipients.values()
    )
    if any(row.mail_state == MailState.PENDING for row in rows):
        transaction.on_commit(_deliver_soon)
    return rows


def _deliver_soon() -> None:
    # Best effort: beat sends whatever is still pending a minute later.
    try:
        enqueue("notifications.tasks.deliver_mail", [])
    except JobUnavailable:
        logger.warning("mail queue not reachable; beat sends the pending notifications")


def _send(*, to: str, subject: str, template: str, context: Mapping[str, object]) -> None:
    with translation.override(MAIL_LANGUAGE):
        context = {**context, "site_url": settings.SITE_URL}
        text = render_to_string(f"notifications/mail/{template}.txt", context)
        html = render_to_string(f"notifications/mail/{template}.html", context)
        message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
        message.attach_alternative(html, "text/html")
        message.send()


def mail_send(*, to: str, subject: str, template: str, context: Mapping[str, object]) -> None:
    """Send one Dutch mail from ``templates/notifications/mail/<template>.{txt,html}``."""
    _send(to=to, subject=subject, template=template, context=context)


def mail_deliver(*, limit: int = 200) -> int:
    """Send the pending notifications one mail each; returns how many were sent. Rows are
    claimed with ``SKIP LOCKED``, so two workers never send the same one."""
    sent = 0
    with transaction.atomic():
        claimed = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(mail_state=MailState.PENDING)
            .select_related("user")
            .order_by("created_at", "id")[:limit]
        )
        for row in claimed:
            try:
                _send(
                    to=row.user.email,
                    subject=row.title,
                    template="notification",
                    context={"notification": row, "link": absolute_url(row.url)},
                )
            except Exception as exc:  # the mail server's problem, kept on the row
                row.mail_attempts += 1
                row.mail_error = str(exc)[:1000]
                if row.mail_attempts >= MAIL_ATTEMPTS:
                    row.mail_state = MailState.FAILED
                logger.warning("notification %s: mail failed: %s", row.pk, exc)
            else:
                row.mail_attempts += 1
                row.mail_state = MailState.SENT
                row.mailed_at = timezone.now()
                row.mail_error = ""
                sent += 1
            row.save(update_fields=["mail_state", "mail_attempts", "mailed_at", "mail_error"])
    return sent


def digests_send(*, today: dt.date) -> int:
    """One mail per user with the notifications they wanted as a daily digest; returns the
    number of mails. Run once a day (``send_reminders``); a second run that day finds
    nothing left to send."""
    mails = 0
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(mail_state=MailState.DIGEST)
            .select_related("user")
            .order_by("user_id", "created_at", "id")
        )
        per_user: dict[int, list[Notification]] = defaultdict(list)
        for row in rows:
            per_user[row.user_id].append(row)
        now = timezone.now()
        for items in per_user.values():
            user = items[0].user
            with translation.override(MAIL_LANGUAGE):
                subject = _("Actieplanmonitor: je overzicht van %(date)s") % {
                    "date": date_display(today)
                }
            try:
                _send(
                    to=user.email,
                    subject=subject,
                    template="digest",
                    context={
                        "user": user,
                        "items": [(n, absolute_url(n.url)) for n in items],
                        "today": today,
                    },
                )
            except Exception as exc:
                logger.warning("digest for user %s failed: %s", user.pk, exc)
                Notification.objects.filter(pk__in=[n.pk for n in items]).update(
                    mail_error=str(exc)[:1000], mail_attempts=F("mail_attempts") + 1
                )
                continue
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(
                mail_state=MailState.SENT, mailed_at=now, mail_error=""
            )
            mails += 1
    return mails


def notifications_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones without ``ids``)."""
    rows = Notification.objects.for_user(user).unread()
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


@transaction.atomic
def preferences_save(*, user: User, choices: Mapping[str, str]) -> None:
    """Store the user's choice per kind (each message, digest, none)."""
    for kind, delivery in choices.items():
        NotificationKind(kind)
        Delivery(delivery)
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"delivery": delivery}
        )
