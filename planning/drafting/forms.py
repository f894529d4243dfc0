"""Forms of the drafting pages. They read input; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from actionplan.models import (
    Action,
    Administration,
    AttentionPoint,
    Minister,
    OperationalGoal,
    Plan,
    RelatedPlan,
    StrategicGoal,
    TargetGroup,
    User,
    ViolenceForm,
)
from planning.drafting.services import PROPOSAL_FIELDS

PROPOSAL_M2M_FIELDS = (
    "co_lead_ministers",
    "co_lead_administrations",
    "violence_forms",
    "target_groups",
    "attention_points",
    "related_plans",
)
QUARTERS = [(q, f"Q{q}") for q in range(1, 5)]


class ProposalForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    strategic_goal = forms.ModelChoiceField(
        StrategicGoal.objects.none(), label=_("Strategische doelstelling")
    )
    title = forms.CharField(label=_("Titel"), max_length=500)
    description = forms.CharField(
        label=_("SMART-omschrijving"),
        widget=forms.Textarea({"rows": 5}),
        required=False,
        help_text=_("Wat doet de actie, voor wie, hoe en met welk resultaat?"),
    )
    lead_administration = forms.ModelChoiceField(
        Administration.objects.none(), label=_("Trekkende administratie")
    )
    co_lead_administrations = forms.ModelMultipleChoiceField(
        Administration.objects.none(),
        label=_("Meewerkende administraties"),
        required=False,
        help_text=_("Elke meewerkende administratie bevestigt of weigert haar deel."),
    )
    lead_minister = forms.ModelChoiceField(
        Minister.objects.none(), label=_("Trekkende minister"), required=False
    )
    co_lead_ministers = forms.ModelMultipleChoiceField(
        Minister.objects.none(), label=_("Meewerkende ministers"), required=False
    )
    partners = forms.CharField(
        label=_("Partners"), widget=forms.Textarea({"rows": 2}), required=False
    )
    start_year = forms.TypedChoiceField(label=_("Startjaar"), coerce=int)
    start_quarter = forms.TypedChoiceField(
        label=_("Startkwartaal"), choices=QUARTERS, coerce=int, initial=1
    )
    end_year = forms.TypedChoiceField(label=_("Eindjaar"), coerce=int)
    end_quarter = forms.TypedChoiceField(
        label=_("Eindkwartaal"), choices=QUARTERS, coerce=int, initial=4
    )
    violence_forms = forms.ModelMultipleChoiceField(
        ViolenceForm.objects.none(),
        label=_("Vormen van geweld"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_groups = forms.ModelMultipleChoiceField(
        TargetGroup.objects.none(),
        label=_("Doelgroepen"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attention_points = forms.ModelMultipleChoiceField(
        AttentionPoint.objects.none(),
        label=_("Beleidsaandachtspunten (a–h)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    related_plans = forms.ModelMultipleChoiceField(
        RelatedPlan.objects.none(),
        label=_("Gerelateerde plannen"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    estimated_budget = forms.DecimalField(
        label=_("Geraamd budget (euro)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
    )
    capacity = forms.CharField(
        label=_("Capaciteit/middelen"),
        widget=forms.Textarea({"rows": 3}),
        required=False,
        help_text=_("Welke mensen en middelen de actie vraagt en wie ze inzet."),
    )

    def __init__(self, *args: Any, plan: Plan, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["strategic_goal"].queryset = StrategicGoal.objects.filter(plan=plan)  # type: ignore[attr-defined]
        own = Administration.objects.all()
        if not user.is_coordinator:
            own = own.filter(members=user)
        fields["lead_administration"].queryset = own  # type: ignore[attr-defined]
        fields["co_lead_administrations"].queryset = Administration.objects.all()  # type: ignore[attr-defined]
        fields["lead_minister"].queryset = Minister.objects.all()  # type: ignore[attr-defined]
        fields["co_lead_ministers"].queryset = Minister.objects.all()  # type: ignore[attr-defined]
        fields["violence_forms"].queryset = ViolenceForm.objects.all()  # type: ignore[attr-defined]
        fields["target_groups"].queryset = TargetGroup.objects.all()  # type: ignore[attr-defined]
        fields["attention_points"].queryset = AttentionPoint.objects.all()  # type: ignore[attr-defined]
        fields["related_plans"].queryset = RelatedPlan.objects.all()  # type: ignore[attr-defined]
        years = [(year, str(year)) for year in plan.years]
        fields["start_year"].choices = years  # type: ignore[attr-defined]
        fields["end_year"].choices = years  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(action: Action) -> dict[str, Any]:
        data: dict[str, Any] = {name: getattr(action, name) for name in PROPOSAL_FIELDS}
        data["version"] = action.version
        for name in PROPOSAL_M2M_FIELDS:
            data[name] = list(getattr(action, name).all())
        return data

    def proposal_data(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The proposal's fields and its many-to-many fields, for the services."""
        data = {name: self.cleaned_data[name] for name in PROPOSAL_FIELDS}
        data["capacity"] = data["capacity"] or ""
        m2m = {name: list(self.cleaned_data[name]) for name in PROPOSAL_M2M_FIELDS}
        return data, m2m


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden"), widget=forms.Textarea({"rows": 3}), required=False, max_length=2000
    )


class RequiredReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden"),
        widget=forms.Textarea({"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Geef een reden op.")},
    )


class MergeForm(RequiredReasonForm):
    into = forms.ModelChoiceField(
        Action.objects.none(),
        label=_("Samenvoegen met"),
        help_text=_("Dit voorstel gaat op in het gekozen voorstel of de gekozen actie."),
    )
    extend = forms.BooleanField(
        label=_("Meewerkende partners en kenmerken overnemen"), required=False, initial=True
    )


class ClusterForm(forms.Form):
    operational_goal = forms.ModelChoiceField(
        OperationalGoal.objects.none(), label=_("Operationele doelstelling")
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["operational_goal"].queryset = OperationalGoal.objects.filter(  # type: ignore[attr-defined]
            strategic_goal__plan=plan
        ).order_by("strategic_goal__number", "number")


class RespondForm(forms.Form):
    administration = forms.ModelChoiceField(
        Administration.objects.none(), label=_("Administratie"), widget=forms.HiddenInput
    )
    confirm = forms.TypedChoiceField(
        label=_("Antwoord"),
        choices=[("1", _("Bevestigen")), ("0", _("Weigeren"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reden (verplicht bij weigeren)"),
        widget=forms.Textarea({"rows": 2}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["administration"].queryset = Administration.objects.filter(members=user)  # type: ignore[attr-defined]


class OperationalGoalForm(forms.Form):
    strategic_goal = forms.ModelChoiceField(
        StrategicGoal.objects.none(), label=_("Strategische doelstelling")
    )
    title = forms.CharField(label=_("Titel"), max_length=500)
    text = forms.CharField(
        label=_("Toelichting"), widget=forms.Textarea({"rows": 2}), required=False
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["strategic_goal"].queryset = StrategicGoal.objects.filter(plan=plan)  # type: ignore[attr-defined]
