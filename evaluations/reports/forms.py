from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actionplan.models import Plan, StrategicGoal
from evaluations.models import ReportKind

REQUESTABLE = [(k, v) for k, v in ReportKind.choices if k != ReportKind.FICHE]


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Soort rapport"), choices=REQUESTABLE)
    year = forms.TypedChoiceField(label=_("Referentiejaar"), coerce=int)

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["year"]).choices = [(y, y) for y in plan.years]
        if not self.is_bound:
            self.initial.setdefault("year", 2027)


class ReleaseForm(forms.Form):
    """One step of the report's way: when, under which reference, and a confirmation."""

    date = forms.DateField(
        label=_("Datum"),
        widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"),
        help_text=_("De datum van de beslissing of de verzending; niet in de toekomst."),
    )
    reference = forms.CharField(
        label=_("Referentie"),
        max_length=200,
        help_text=_("Bijvoorbeeld het nummer van de nota of de brief."),
    )
    confirm = forms.BooleanField(
        label=_(
            "Ik bevestig deze stap. Hij legt de PDF vast met zijn SHA-256 en kan niet "
            "ongedaan gemaakt worden."
        ),
        error_messages={"required": _("Bevestig de stap.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("date", timezone.localdate())
        self.fields["reference"].error_messages["required"] = _("Vul de referentie in.")
        self.fields["date"].error_messages["required"] = _("Vul de datum in.")

    def clean_date(self) -> dt.date:
        date: dt.date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("De datum ligt in de toekomst."))
        return date


# What AJH writes in each section of an evaluation, shown beside the field.
GUIDANCE = {
    "summary": _(
        "De samenvatting voor wie alleen deze bladzijde leest: de stand van het plan in "
        "enkele alinea's, de belangrijkste resultaten en knelpunten, en wat AJH voorstelt. "
        "De kerncijfers (acties per voortgangsstatus, aandeel goedgekeurde fiches) komen er "
        "vanzelf bij."
    ),
    "recommendations": _(
        "Wat moet er veranderen: bijsturingen van acties, nieuwe accenten, middelen. Noem de "
        "acties bij hun code. De goedgekeurde wijzigingen ten opzichte van de basisversie "
        "staan in een eigen hoofdstuk."
    ),
    "impact_analysis": _(
        "Alleen in de eindevaluatie: heeft het plan het verschil gemaakt? Vergelijk de "
        "resultaten met de doelen en de nulmeting, en benoem wat niet te meten was."
    ),
    "finding": _(
        "Bevindingen bij deze strategische doelstelling: wat liep goed, wat bleef achter en "
        "waarom. De voortgang van de acties en de indicatoren staan er al in grafieken bij."
    ),
    "impact": _("Wat de acties van deze doelstelling bereikten ten opzichte van hun doelen."),
}


class NarrativeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    summary = forms.CharField(
        label=_("Samenvatting"),
        required=False,
        widget=forms.Textarea({"rows": 8}),
        help_text=GUIDANCE["summary"],
    )
    recommendations = forms.CharField(
        label=_("Aanbevelingen en bijsturing"),
        required=False,
        widget=forms.Textarea({"rows": 8}),
        help_text=GUIDANCE["recommendations"],
    )
    impact_analysis = forms.CharField(
        label=_("Impactanalyse (eindevaluatie)"),
        required=False,
        widget=forms.Textarea({"rows": 8}),
        help_text=GUIDANCE["impact_analysis"],
    )

    def __init__(self, *args: Any, goals: list[StrategicGoal], final: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = goals
        if not final:
            del self.fields["impact_analysis"]
        for goal in goals:
            self.fields[f"finding-{goal.pk}"] = forms.CharField(
                label=_("Bevindingen SD%(n)s") % {"n": goal.number},
                required=False,
                widget=forms.Textarea({"rows": 6}),
                help_text=GUIDANCE["finding"],
            )
            if final:
                self.fields[f"impact-{goal.pk}"] = forms.CharField(
                    label=_("Impact SD%(n)s") % {"n": goal.number},
                    required=False,
                    widget=forms.Textarea({"rows": 4}),
                    help_text=GUIDANCE["impact"],
                )

    def findings(self) -> dict[int, dict[str, str]]:
        return {
            goal.pk: {
                "text": self.cleaned_data.get(f"finding-{goal.pk}", ""),
                "impact": self.cleaned_data.get(f"impact-{goal.pk}", ""),
            }
            for goal in self.goals
        }
