from __future__ import annotations

from django import forms

from indicators.models import Indicator
from indicators.numbers import NumberField


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "name",
            "description",
            "kind",
            "unit",
            "baseline_value",
            "baseline_year",
            "target_value",
            "target_year",
            "direction",
            "disaggregation",
            "position",
        ]
        widgets = {"description": forms.Textarea({"rows": 3})}
        field_classes = {"baseline_value": NumberField, "target_value": NumberField}
