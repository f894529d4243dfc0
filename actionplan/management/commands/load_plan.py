from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from actionplan.services import plan_load

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "data" / "plan.json"


class Command(BaseCommand):
    help = "Laadt het actieplan (doelstellingen, vormen van geweld, ...) uit JSON. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=DEFAULT_FILE)

    def handle(self, *args: Any, file: Path, verbosity: int, **options: Any) -> None:
        data = json.loads(file.read_text(encoding="utf-8"))
        result = plan_load(data=data, reason=f"load_plan {file.name}")
        if verbosity > 1:
            for line in result.details:
                self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                f"Plan geladen: {result.created} nieuw, {result.updated} bijgewerkt, "
                f"{result.unchanged} ongewijzigd."
            )
        )
