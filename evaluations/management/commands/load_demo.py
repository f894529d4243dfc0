from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from actionplan.demo import DemoRefused, demo_load
from actionplan.models import Action
from fiches.demo import demo_fiches_load


class Command(BaseCommand):
    help = "Voegt synthetische demogegevens toe (als demo gemarkeerd). Zelfde seed, zelfde data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--actions", type=int, default=60)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Niets doen (zonder fout) als het plan al acties heeft; voor make run.",
        )

    def handle(self, *args: Any, actions: int, seed: int, if_empty: bool, **options: Any) -> None:
        if actions < 1:
            raise CommandError("--actions moet minstens 1 zijn.")
        if if_empty and Action.objects.exists():
            self.stdout.write("Er zijn al acties: geen demogegevens toegevoegd.")
            return
        started = time.perf_counter()
        try:
            result = demo_load(actions=actions, seed=seed)
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        fiche_counts = demo_fiches_load(seed=seed, plan=result.plan)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo geladen in {elapsed:.1f} s in het demoplan {result.plan}: "
                f"{result.operational_goals} operationele "
                f"doelstellingen, {result.actions} acties, {fiche_counts.get('fiches', 0)} "
                f"fiches, {fiche_counts.get('indicators', 0)} indicatoren, "
                f"{fiche_counts.get('values', 0)} metingen."
            )
        )
        if result.users_skipped:
            self.stdout.write(
                self.style.WARNING("DEBUG staat uit: geen demogebruikers aangemaakt.")
            )
        elif result.users:
            self.stdout.write(
                f"Demogebruikers (wachtwoord ${{DEMO_PASSWORD}}, standaard "
                f"'{'demo' if settings.DEMO_PASSWORD == 'demo' else '***'}'): "
                + ", ".join(result.users)
            )
