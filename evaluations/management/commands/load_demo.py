from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from actionplan.demo import DemoRefused, demo_load
from actionplan.models import Action
from consultation.demo import demo_consultation_load
from fiches.demo import demo_fiches_load
from indicators.demo import demo_impact_load
from planning.demo import DECISION_DATE, demo_planning_load


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
        impact_counts = demo_impact_load(result.plan, seed) if result.plan is not None else {}
        # The drafting and change cycle is walked by the demo users, through the services.
        planning_counts = (
            demo_planning_load(plan=result.plan, seed=seed)
            if result.plan is not None and not result.users_skipped
            else {}
        )
        # Meetings are recorded in AJH's name: they need the demo coordinator too.
        consultation_counts = (
            demo_consultation_load(result.plan, seed)
            if result.plan is not None and not result.users_skipped
            else {}
        )
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo geladen in {elapsed:.1f} s in het demoplan {result.plan}: "
                f"{result.operational_goals} operationele "
                f"doelstellingen, {result.actions} acties, {fiche_counts.get('fiches', 0)} "
                f"fiches, {fiche_counts.get('indicators', 0)} indicatoren, "
                f"{fiche_counts.get('values', 0)} metingen, "
                f"{impact_counts.get('impact_indicators', 0)} impactindicatoren met "
                f"{impact_counts.get('impact_values', 0)} waarden."
            )
        )
        if consultation_counts:
            self.stdout.write(
                f"Overleg en inbreng: {consultation_counts['consultations']} overlegmomenten, "
                f"{consultation_counts['follow_ups']} opvolgpunten, "
                f"{consultation_counts['stakeholder_inputs']} bijdragen van het middenveld."
            )
        if planning_counts:
            draft = ", versie 2 in opmaak" if planning_counts["plan_versions"] > 1 else ""
            self.stdout.write(
                f"Ontwerp en bijsturing: versie 1 goedgekeurd als basisversie (beslissing "
                f"{min(DECISION_DATE, timezone.localdate()):%d-%m-%Y}){draft}, "
                f"{planning_counts['change_requests']} wijzigingsverzoeken, "
                f"{planning_counts['proposals']} voorstellen op /ontwerp/."
            )
        if result.users_skipped:
            self.stdout.write(
                self.style.WARNING(
                    "DEBUG staat uit: geen demogebruikers aangemaakt, en dus geen demo van "
                    "ontwerp en bijsturing (planversies, wijzigingsverzoeken, voorstellen) en "
                    "van overleg en inbreng: die hebben de demogebruikers nodig."
                )
            )
        elif result.users:
            self.stdout.write(
                f"Demogebruikers (wachtwoord ${{DEMO_PASSWORD}}, standaard "
                f"'{'demo' if settings.DEMO_PASSWORD == 'demo' else '***'}'): "
                + ", ".join(result.users)
            )
