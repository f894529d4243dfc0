"""The dashboard's sections: an overview and one page per panel, each at its own URL.

A section's template reads only the figures of its own panel from the ``Dashboard``
(``figures.py`` computes each figure when first read), so a section runs only its own
queries. The overview keeps the ids of the panels the dashboard once had on one page
(``#completion``, ``#progress``, ``#coverage``, ``#trends``): an old link lands on the
line that leads to that section.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    key: str
    path: str  # below /dashboard/
    label: Any  # in the sub-navigation
    summary: Any  # what the section answers, on the overview
    anchor: str  # its id on the overview

    @property
    def url_name(self) -> str:
        return "dashboard:dashboard" if self.key == OVERVIEW else f"dashboard:{self.key}"

    @property
    def template(self) -> str:
        return f"evaluations/dashboard/{self.key}.html"


OVERVIEW = "overview"
INDICATORS = "indicators"

SECTIONS: dict[str, Section] = {
    section.key: section
    for section in (
        Section(
            OVERVIEW,
            "",
            _("Overzicht"),
            _("Waar staan we: de kerncijfers van het jaar en de voortgang in één grafiek."),
            "overview",
        ),
        Section(
            "completion",
            "indieningen/",
            _("Indieningen"),
            _(
                "De fiches van de rapporteringsronde: ingediend, goedgekeurd of nog niet "
                "binnen, per administratie en per minister."
            ),
            "completion",
        ),
        Section(
            "progress",
            "voortgang/",
            _("Voortgang"),
            _(
                "Hoe ver de acties staan volgens hun goedgekeurde fiches, per doelstelling, "
                "minister, administratie, vorm van geweld en doelgroep."
            ),
            "progress",
        ),
        Section(
            "bottlenecks",
            "knelpunten/",
            _("Knelpunten"),
            _("De acties met vertraging en de acties die niet SMART-volledig zijn."),
            "bottlenecks",
        ),
        Section(
            "coverage",
            "dekking/",
            _("Dekking"),
            _(
                "Leemtes en mogelijke overlap: welke vormen van geweld en doelgroepen per "
                "strategische doelstelling geen enkele actie hebben."
            ),
            "coverage",
        ),
        Section(
            INDICATORS,
            "indicatoren/",
            _("Indicatoren"),
            _("De evolutie van de kwantitatieve indicatoren tegenover nulmeting en streefwaarde."),
            "trends",
        ),
    )
}
