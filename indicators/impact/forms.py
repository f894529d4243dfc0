"""Forms of impact indicators and values; the rules are the models' (``full_clean`` in the
services), the forms only read what the browser sends."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from actionplan.models import Plan, StrategicGoal
from indicators.models import IMPACT_CATEGORIES, ImpactDimension, ImpactIndicator, ImpactValue
from indicators.numbers import NumberField


class ImpactIndicatorForm(forms.ModelForm):
    dimensions = forms.MultipleChoiceField(
        label=_("Uitsplitsingen"),
        choices=ImpactDimension.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Waarnaar de bron de cijfers uitsplitst (Verdrag van Istanbul, art. 11): enkel "
            "deze uitsplitsingen worden bij de waarden aanvaard."
        ),
    )

    class Meta:
        model = ImpactIndicator
        fields = [
            "strategic_goal",
            "kind",
            "name",
            "definition",
            "unit",
            "value_kind",
            "source",
            "periodicity",
            "baseline_value",
            "baseline_year",
            "target_value",
            "target_year",
            "dimensions",
            "position",
        ]
        widgets = {"definition": forms.Textarea({"rows": 4})}
        field_classes = {"baseline_value": NumberField, "target_value": NumberField}

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        goal_field = self.fields["strategic_goal"]
        assert isinstance(goal_field, forms.ModelChoiceField)
        goal_field.queryset = StrategicGoal.objects.filter(plan=plan).order_by("number")
        goal_field.empty_label = str(_("— het hele plan —"))


class ImpactValueForm(forms.ModelForm):
    """A value with one select per dimension the indicator declares; all empty: the total."""

    class Meta:
        model = ImpactValue
        fields = ["year", "value", "source", "source_date", "note"]
        field_classes = {"value": NumberField}
        widgets = {
            "source_date": forms.DateInput({"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea({"rows": 3}),
        }

    def __init__(self, *args: Any, indicator: ImpactIndicator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].required = False
        self.fields["source"].help_text = _("Leeg: de bron van de indicator (%(source)s).") % {
            "source": indicator.source
        }
        current = self.instance.disaggregation if self.instance.pk else {}
        for name, label in indicator.dimension_choices:
            self.fields[f"dim_{name}"] = forms.ChoiceField(
                label=label,
                choices=[("", _("— totaal —")), *IMPACT_CATEGORIES[name]],
                required=False,
                initial=current.get(name, ""),
            )
        self.dimension_names = [name for name, _label in indicator.dimension_choices]

    @property
    def disaggregation(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[f"dim_{name}"]
            for name in self.dimension_names
            if self.cleaned_data.get(f"dim_{name}")
        }
