"""``manage.py send_reminders [--today YYYY-MM-DD]``: send what is due that day.

Beat runs it every morning (``REMINDERS_AT``); running it again sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from fiches.reminders import day_send


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today: geen datum als 2026-09-15: {value!r}") from exc


class Command(BaseCommand):
    help = "Verstuurt de herinneringen, escalaties en overzichten die vandaag verschuldigd zijn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=str,
            default="",
            help="De dag waarvoor verstuurd wordt (JJJJ-MM-DD); standaard vandaag.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = _day(options["today"]) if options["today"] else timezone.localdate()
        result = day_send(today=today)
        sent = result.sent
        self.stdout.write(
            f"{today.isoformat()}: {sent.opened} berichten over geopende rondes, "
            f"{sent.reminders} herinneringen, {sent.escalations} escalaties, "
            f"{sent.late_digests} overzichten van wat te laat is, "
            f"{result.digests} dagelijkse overzichten, {result.mails} e-mails verstuurd"
        )
        if sent.without_contact:
            self.stdout.write(
                "Zonder contactpersoon (geen escalatie): "
                + ", ".join(sorted(set(sent.without_contact)))
            )
