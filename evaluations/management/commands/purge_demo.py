from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import ProtectedError

from actionplan.demo import demo_purge
from consultation.demo import demo_consultation_purge
from evaluations.demo import demo_evaluations_purge
from exchange.demo import demo_imports_purge
from fiches.demo import demo_fiches_purge
from indicators.demo import demo_indicators_purge
from planning.demo import demo_planning_purge

LABELS = {
    "reports": "rapporten",
    "narratives": "evaluatieteksten",
    "imports": "imports",
    "consultations": "overlegmomenten",
    "follow_ups": "opvolgpunten",
    "stakeholder_inputs": "inbreng",
    "invitations": "uitnodigingen",
    "fiches": "fiches",
    "change_requests": "wijzigingsverzoeken",
    "plan_versions": "planversies",
    "rounds": "rondes",
    "values": "metingen",
    "indicators": "indicatoren",
    "impact_values": "impactwaarden",
    "impact_indicators": "impactindicatoren",
    "actions": "acties",
    "operational_goals": "operationele doelstellingen",
    "strategic_goals": "strategische doelstellingen",
    "plans": "plannen",
    "ministers": "ministers",
    "administrations": "administraties",
    "users": "gebruikers",
}


class Command(BaseCommand):
    help = (
        "Verwijdert alle demogegevens (demoplan, zijn doelstellingen, acties, fiches, "
        "indicatoren, rondes, rapporten, demoministers, -administraties en -gebruikers, met "
        "hun geschiedenis) en niets anders."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # From the top floor down: a row is deleted after every row that points to it.
        # The command lives on the top floor so that it may compose every floor's purge.
        purges = [
            demo_evaluations_purge,
            demo_imports_purge,
            demo_consultation_purge,
            demo_fiches_purge,
            demo_planning_purge,
            demo_indicators_purge,
            demo_purge,
        ]
        counts: dict[str, int] = {}
        try:
            with transaction.atomic():
                for purge in purges:
                    counts.update(purge())
        except ProtectedError as exc:
            blocking = sorted({str(obj) for obj in exc.protected_objects})[:5]
            raise CommandError(
                "Er is niets verwijderd: echte gegevens verwijzen nog naar demogegevens ("
                + "; ".join(blocking)
                + "). Pas die eerst aan."
            ) from exc
        done = ", ".join(f"{n} {LABELS.get(key, key)}" for key, n in counts.items() if n)
        self.stdout.write(self.style.SUCCESS(f"Demogegevens verwijderd: {done or 'geen'}."))
