from __future__ import annotations

from typing import Any, cast

from django import forms
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


class NarrativeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    summary = forms.CharField(
        label=_("Samenvatting"), required=False, widget=forms.Textarea({"rows": 8})
    )
    recommendations = forms.CharField(
        label=_("Aanbevelingen en bijsturing"), required=False, widget=forms.Textarea({"rows": 8})
    )
    impact_analysis = forms.CharField(
        label=_("Impactanalyse (eindevaluatie)"), required=False, widget=forms.Textarea({"rows": 8})
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
            )
            if final:
                self.fields[f"impact-{goal.pk}"] = forms.CharField(
                    label=_("Impact SD%(n)s") % {"n": goal.number},
                    required=False,
                    widget=forms.Textarea({"rows": 4}),
                )

    def findings(self) -> dict[int, dict[str, str]]:
        return {
            goal.pk: {
                "text": self.cleaned_data.get(f"finding-{goal.pk}", ""),
                "impact": self.cleaned_data.get(f"impact-{goal.pk}", ""),
            }
            for goal in self.goals
        }
