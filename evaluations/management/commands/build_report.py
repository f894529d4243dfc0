from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from actionplan.selectors import plan_current
from evaluations.models import ReportStatus
from evaluations.reports import build, services


class Command(BaseCommand):
    help = (
        "Maakt een evaluatierapport (PDF) op, langs dezelfde weg als de worker, en "
        "kopieert het naar --output."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", required=True, choices=list(services.EVALUATION_KINDS))
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--output", required=True, type=Path)
        parser.add_argument(
            "--plan", default=None, help="Code van het plan (standaard het meest recente)."
        )

    def handle(
        self, *args: Any, kind: str, year: int, output: Path, plan: str | None, **options: Any
    ) -> None:
        started = time.perf_counter()
        try:
            report = services.report_request(
                plan=plan_current(plan), kind=kind, year=year, user=None, enqueue=False
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        try:
            report = build.report_build(report.pk)
        except Exception as exc:
            raise CommandError(f"Rapport {report.pk} mislukt: {exc}") from exc
        if report.status != ReportStatus.DONE:
            raise CommandError(f"Rapport {report.pk}: {report.error}")
        output.parent.mkdir(parents=True, exist_ok=True)
        with report.file.open("rb") as source, output.open("wb") as target:
            shutil.copyfileobj(source, target)
        self.stdout.write(
            self.style.SUCCESS(
                f"{output}: {report.page_count} pagina's, {report.size} bytes, "
                f"sha256 {report.sha256}, {time.perf_counter() - started:.1f} s "
                f"(rapport {report.pk})."
            )
        )
