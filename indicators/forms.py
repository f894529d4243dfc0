from __future__ import annotations

from typing import Any

from django import forms

from indicators.models import Indicator, ValueKind
from indicators.numbers import NumberField


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "name",
            "description",
            "kind",
            "unit",
            "value_kind",
            "min_value",
            "max_value",
            "baseline_value",
            "baseline_year",
            "target_value",
            "target_year",
            "direction",
            "disaggregation",
            "position",
        ]
        widgets = {"description": forms.Textarea({"rows": 3})}
        field_classes = {
            name: NumberField
            for name in ("baseline_value", "target_value", "min_value", "max_value")
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Qualitative indicators have no value kind; a quantitative one left empty is a
        # plain number without bounds.
        self.fields["value_kind"].required = False

    def clean_value_kind(self) -> str:
        return self.cleaned_data.get("value_kind") or ValueKind.DECIMAL
