"""The yearly cycle's mails: what ``send_reminders`` sends on a given day.

For every open round that has opened by ``today``:

- **opened**: the editors of each lead and co-lead administration get one message listing
  their fiches and the deadline (and later only the fiches added since);
- **reminder**: ``first_reminder_days`` and ``second_reminder_days`` before the deadline
  the lead administration's editors of fiches not yet submitted get one message listing
  them (only the nearest threshold when several are passed, none the round opened after);
- **escalation**: after the deadline the administration's contact person gets one mail
  listing its late fiches (cannot be switched off; without a contact person AJH's digest
  says so);
- **late digest**: each day after the deadline AJH's coordinators get what is late.

Messages to users are notifications (in the app, mailed as each user chose); each one sent
is recorded as a ``Reminder`` with a unique key, so running twice a day, or on two machines,
sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from actionplan.display import date_display
from actionplan.models import Administration, Role, User, action_plan_order
from fiches.models import (
    EDITABLE_STATES,
    Fiche,
    Reminder,
    ReminderKind,
    ReportingRound,
    RoundStatus,
)
from notifications.models import NotificationKind
from notifications.services import (
    MAIL_LANGUAGE,
    absolute_url,
    digests_send,
    mail_deliver,
    mail_send,
    notify,
)

logger = logging.getLogger(__name__)


@dataclass
class Sent:
    """What one run sent, per kind (messages, not fiches)."""

    opened: int = 0
    reminders: int = 0
    escalations: int = 0
    late_digests: int = 0
    without_contact: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"opened={self.opened} reminders={self.reminders} "
            f"escalations={self.escalations} late_digests={self.late_digests}"
        )


def editors_of(administration_ids: Iterable[int]) -> dict[int, list[User]]:
    """The active editors of each administration (one query)."""
    through = User.administrations.through
    members: dict[int, list[User]] = defaultdict(list)
    for row in through.objects.filter(
        administration_id__in=set(administration_ids),
        user__is_active=True,
        user__role=Role.EDITOR,
    ).select_related("user"):
        members[row.administration_id].append(row.user)
    return members


def lead_editors(fiche: Fiche) -> list[User]:
    lead = fiche.action.lead_administration_id
    return editors_of([lead]).get(lead, []) if lead else []


def _lead(fiche: Fiche) -> int:
    return fiche.action.lead_administration_id or 0


def _line(fiche: Fiche) -> str:
    return f"- {fiche.action.code} {fiche.action.title}"


def _sent_keys(keys: Iterable[str]) -> set[str]:
    return set(Reminder.objects.filter(key__in=list(keys)).values_list("key", flat=True))


def _round_fiches(rnd: ReportingRound) -> list[Fiche]:
    return list(
        Fiche.objects.filter(round=rnd)
        .select_related("action", "action__lead_administration")
        .prefetch_related("action__co_lead_administrations")
        .order_by(*action_plan_order("action__"))
    )


def _opened(rnd: ReportingRound, fiches: Sequence[Fiche], sent: Sent) -> None:
    admins = {_lead(f) for f in fiches} | {
        a.pk for f in fiches for a in f.action.co_lead_administrations.all()
    }
    editors = editors_of(admins)
    per_user: dict[int, tuple[User, list[Fiche]]] = {}
    for fiche in fiches:
        involved = [_lead(fiche)] + [a.pk for a in fiche.action.co_lead_administrations.all()]
        for admin_id in involved:
            for user in editors.get(admin_id, []):
                entry = per_user.setdefault(user.pk, (user, []))
                if fiche not in entry[1]:
                    entry[1].append(fiche)
    keys = {
        f"opened:{fiche.pk}:{user.pk}": (user, fiche)
        for user, items in per_user.values()
        for fiche in items
    }
    done = _sent_keys(keys)
    for user, items in per_user.values():
        new = [f for f in items if f"opened:{f.pk}:{user.pk}" not in done]
        if not new:
            continue
        notify(
            users=[user],
            kind=NotificationKind.ROUND_OPENED,
            title=ngettext(
                "Ronde %(year)s is open: %(count)s fiche in te vullen tegen %(deadline)s",
                "Ronde %(year)s is open: %(count)s fiches in te vullen tegen %(deadline)s",
                len(new),
            )
            % {"year": rnd.year, "count": len(new), "deadline": date_display(rnd.deadline)},
            text="\n".join(_line(f) for f in new),
            url=_fiches_url(new),
        )
        _record(ReminderKind.OPENED, rnd, new, user=user)
        sent.opened += 1


def _fiches_url(fiches: Sequence[Fiche]) -> str:
    if len(fiches) == 1:
        return reverse("fiches:detail", args=[fiches[0].pk])
    return reverse("fiches:mine")


def _record(
    kind: str,
    rnd: ReportingRound,
    fiches: Sequence[Fiche | None],
    *,
    user: User | None = None,
    email: str = "",
    days: int | None = None,
    key_extra: str = "",
) -> None:
    rows = []
    for fiche in fiches:
        who = user.pk if user else email
        parts = [kind, str(days) if days is not None else "", str(fiche.pk if fiche else "")]
        key = ":".join(p for p in [*parts, key_extra, str(who)] if p)
        rows.append(
            Reminder(
                key=key,
                kind=kind,
                round=rnd,
                fiche=fiche,
                user=user,
                recipient=(user.email if user else email),
                days_before=days,
            )
        )
    Reminder.objects.bulk_create(rows)


def threshold_due(rnd: ReportingRound, today: dt.date) -> int | None:
    """The reminder threshold (days before the deadline) due on ``today``, if any: the
    nearest one passed, and only one that fell after the round opened."""
    days_left = (rnd.deadline - today).days
    if days_left < 0:
        return None
    thresholds = [
        t
        for t in (rnd.first_reminder_days, rnd.second_reminder_days)
        if t is not None and days_left <= t and rnd.deadline - dt.timedelta(days=t) > rnd.opens_on
    ]
    return min(thresholds) if thresholds else None


def _reminders(rnd: ReportingRound, fiches: Sequence[Fiche], today: dt.date, sent: Sent) -> None:
    days = threshold_due(rnd, today)
    if days is None:
        return
    open_fiches = [f for f in fiches if f.state in EDITABLE_STATES]
    editors = editors_of({_lead(f) for f in open_fiches})
    per_user: dict[int, tuple[User, list[Fiche]]] = {}
    for fiche in open_fiches:
        for user in editors.get(_lead(fiche), []):
            per_user.setdefault(user.pk, (user, []))[1].append(fiche)
    # A fiche reminded at this threshold or a nearer one is not reminded again.
    nearer = [d for d in (rnd.first_reminder_days, rnd.second_reminder_days) if d and d <= days]

    def keys(user: User, fiche: Fiche) -> list[str]:
        return [f"reminder:{d}:{fiche.pk}:{user.pk}" for d in nearer]

    done = _sent_keys(k for u, items in per_user.values() for f in items for k in keys(u, f))
    days_left = (rnd.deadline - today).days
    for user, items in per_user.values():
        new = [f for f in items if not done.intersection(keys(user, f))]
        if not new:
            continue
        notify(
            users=[user],
            kind=NotificationKind.REMINDER,
            title=ngettext(
                "Nog %(days)s dagen: %(count)s fiche is nog niet ingediend",
                "Nog %(days)s dagen: %(count)s fiches zijn nog niet ingediend",
                len(new),
            )
            % {"days": days_left, "count": len(new)},
            text=_("Deadline: %(deadline)s") % {"deadline": date_display(rnd.deadline)}
            + "\n"
            + "\n".join(_line(f) for f in new),
            url=_fiches_url(new),
        )
        _record(ReminderKind.REMINDER, rnd, new, user=user, days=days)
        sent.reminders += 1


def _late(rnd: ReportingRound, fiches: Sequence[Fiche], today: dt.date) -> list[Fiche]:
    if today <= rnd.deadline:
        return []
    return [f for f in fiches if f.state in EDITABLE_STATES]


def _fiche_link(fiche: Fiche) -> str:
    return absolute_url(reverse("fiches:detail", args=[fiche.pk]))


def _escalations(rnd: ReportingRound, late: Sequence[Fiche], sent: Sent) -> None:
    per_admin: dict[int, tuple[Administration, list[Fiche]]] = {}
    for fiche in late:
        admin = fiche.action.lead_administration
        if admin is None:
            continue  # no administration to escalate to; AJH's digest lists the fiche
        per_admin.setdefault(admin.pk, (admin, []))[1].append(fiche)
    for admin, items in per_admin.values():
        email = admin.contact_email
        if not email:
            sent.without_contact.append(admin.name)
            continue
        done = _sent_keys(f"escalation:{f.pk}:{email}" for f in items)
        new = [f for f in items if f"escalation:{f.pk}:{email}" not in done]
        if not new:
            continue
        try:
            _escalate(rnd, admin, new)
        except Exception as exc:  # the mail server's: not recorded, so tried again next run
            logger.warning("escalation to %s (round %s) not sent: %s", email, rnd.pk, exc)
            continue
        _record(ReminderKind.ESCALATION, rnd, new, email=email)
        sent.escalations += 1


def _escalate(rnd: ReportingRound, admin: Administration, fiches: Sequence[Fiche]) -> None:
    """One Dutch mail to the administration's contact person, listing its late fiches."""
    with translation.override(MAIL_LANGUAGE):
        subject = ngettext(
            "%(admin)s: %(count)s fiche van ronde %(year)s is te laat",
            "%(admin)s: %(count)s fiches van ronde %(year)s zijn te laat",
            len(fiches),
        ) % {"admin": admin.name, "count": len(fiches), "year": rnd.year}
        mail_send(
            to=admin.contact_email,
            subject=subject,
            template="escalation",
            context={
                "administration": admin,
                "round": rnd,
                "deadline": date_display(rnd.deadline),
                "fiches": [(f, _fiche_link(f)) for f in fiches],
            },
        )


def _admin_name(fiche: Fiche) -> str:
    admin = fiche.action.lead_administration
    return admin.name if admin else _("geen trekkende administratie")


def _late_digest(today: dt.date, late: Sequence[tuple[ReportingRound, Fiche]], sent: Sent) -> None:
    if not late:
        return
    coordinators = list(User.objects.filter(role=Role.COORDINATOR, is_active=True))
    rnd = late[0][0]
    done = _sent_keys(f"late_digest:{today.isoformat()}:{u.pk}" for u in coordinators)
    recipients = [u for u in coordinators if f"late_digest:{today.isoformat()}:{u.pk}" not in done]
    if not recipients:
        return
    lines = [
        f"- {f.action.code} {f.action.title} ({_admin_name(f)}, "
        + _("deadline %(date)s") % {"date": date_display(r.deadline)}
        + ")"
        for r, f in late
    ]
    if sent.without_contact:
        lines.append(
            _("Zonder contactpersoon, dus zonder escalatie: %(names)s")
            % {"names": ", ".join(sorted(set(sent.without_contact)))}
        )
    notify(
        users=recipients,
        kind=NotificationKind.LATE_DIGEST,
        title=ngettext(
            "%(count)s fiche is te laat (%(date)s)",
            "%(count)s fiches zijn te laat (%(date)s)",
            len(late),
        )
        % {"count": len(late), "date": date_display(today)},
        text="\n".join(lines),
        url=reverse("fiches:mine") + f"?year={rnd.year}",
    )
    for user in recipients:
        _record(ReminderKind.LATE_DIGEST, rnd, [None], user=user, key_extra=today.isoformat())
    sent.late_digests += len(recipients)


def reminders_send(*, today: dt.date) -> Sent:
    """Send what is due on ``today`` (see the module's docstring); idempotent."""
    sent = Sent()
    late: list[tuple[ReportingRound, Fiche]] = []
    with translation.override(MAIL_LANGUAGE):
        rounds = ReportingRound.objects.filter(status=RoundStatus.OPEN, opens_on__lte=today)
        for rnd_id in rounds.values_list("pk", flat=True):
            with transaction.atomic():
                # One run at a time per round: a second one waits and then finds it all sent.
                rnd = ReportingRound.objects.select_for_update().get(pk=rnd_id)
                fiches = _round_fiches(rnd)
                _opened(rnd, fiches, sent)
                _reminders(rnd, fiches, today, sent)
                overdue = _late(rnd, fiches, today)
                _escalations(rnd, overdue, sent)
                late.extend((rnd, f) for f in overdue)
        with transaction.atomic():
            _late_digest(today, late, sent)
    logger.info("reminders for %s: %s", today, sent)
    return sent


@dataclass
class DayResult:
    sent: Sent
    digests: int
    mails: int


def day_send(*, today: dt.date) -> DayResult:
    """The daily run (``send_reminders``): what is due, then the day's digests, then every
    mail still pending."""
    sent = reminders_send(today=today)
    digests = digests_send(today=today)
    mails = mail_deliver()
    return DayResult(sent=sent, digests=digests, mails=mails)
