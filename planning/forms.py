"""Forms of plan versions and change requests. They collect input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from actionplan.models import Action, ActionStage, Administration, Minister
from indicators.numbers import NumberField
from planning.models import ChangeKind, RequestState

QUARTERS = [(q, f"Q{q}") for q in range(1, 5)]


class VersionCreateForm(forms.Form):
    note = forms.CharField(
        label=_("Toelichting (optioneel)"), required=False, widget=forms.Textarea({"rows": 2})
    )


class VersionApproveForm(forms.Form):
    decision_date = forms.DateField(
        label=_("Datum van de beslissing van de Vlaamse Regering"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Geef de datum van de beslissing op.")},
    )
    decision_reference = forms.CharField(
        label=_("Referentie van de beslissing"),
        max_length=200,
        help_text=_("Bijvoorbeeld VR 2026 1206 DOC.0123/1"),
        error_messages={"required": _("Geef de referentie van de beslissing op.")},
    )
    confirm = forms.BooleanField(
        label=_("Ik bevestig: de goedgekeurde versie ligt daarna vast en verandert niet meer."),
        error_messages={"required": _("Bevestig dat de versie vastgelegd wordt.")},
    )


def kinds_for(action: Action) -> list[tuple[str, Any]]:
    """The kinds of change that apply to ``action``: a new action for an accepted one,
    every other kind for an action of the approved plan."""
    if action.stage == ActionStage.ACCEPTED:
        return [(ChangeKind.NEW.value, ChangeKind.NEW.label)]
    if action.stage == ActionStage.APPROVED:
        return [(k, label) for k, label in ChangeKind.choices if k != ChangeKind.NEW]
    return []


class KindForm(forms.Form):
    kind = forms.ChoiceField(label=_("Soort wijziging"))

    def __init__(self, *args: Any, action: Action, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")  # no colon, like every other form's labels
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds_for(action)  # type: ignore[attr-defined]


class ChangeRequestForm(forms.Form):
    """The reason and, for the chosen kind, the proposed values (prefilled with the
    current ones)."""

    reason = forms.CharField(
        label=_("Reden van de wijziging"),
        widget=forms.Textarea({"rows": 3}),
        help_text=_("Komt in de geschiedenis van de actie en in de evaluaties."),
        error_messages={"required": _("Geef de reden van de wijziging op.")},
    )

    def __init__(self, *args: Any, action: Action, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action = action
        self.kind = kind
        self.indicator_ids: list[int] = []
        if kind == ChangeKind.SCOPE:
            self.fields["title"] = forms.CharField(
                label=_("Nieuwe titel"), max_length=500, initial=action.title
            )
            self.fields["description"] = forms.CharField(
                label=_("Nieuwe SMART-omschrijving"),
                required=False,
                widget=forms.Textarea({"rows": 4}),
                initial=action.description,
            )
        elif kind == ChangeKind.TIMING:
            for name, label in (
                ("start_year", _("Nieuw startjaar")),
                ("end_year", _("Nieuw eindjaar")),
            ):
                self.fields[name] = forms.IntegerField(label=label, initial=getattr(action, name))
            for name, label in (
                ("start_quarter", _("Nieuw startkwartaal")),
                ("end_quarter", _("Nieuw eindkwartaal")),
            ):
                self.fields[name] = forms.TypedChoiceField(
                    label=label, choices=QUARTERS, coerce=int, initial=getattr(action, name)
                )
        elif kind == ChangeKind.LEADS:
            self.fields["lead_minister"] = forms.ModelChoiceField(
                label=_("Trekkende minister"),
                queryset=Minister.objects.order_by("name"),
                required=False,
                initial=action.lead_minister_id,
            )
            self.fields["lead_administration"] = forms.ModelChoiceField(
                label=_("Trekkende administratie"),
                queryset=Administration.objects.order_by("name"),
                initial=action.lead_administration_id,
            )
            self.fields["co_lead_ministers"] = forms.ModelMultipleChoiceField(
                label=_("Meewerkende ministers"),
                queryset=Minister.objects.order_by("name"),
                required=False,
                initial=[m.pk for m in action.co_lead_ministers.all()],
            )
            self.fields["co_lead_administrations"] = forms.ModelMultipleChoiceField(
                label=_("Meewerkende administraties"),
                queryset=Administration.objects.order_by("name"),
                required=False,
                initial=[a.pk for a in action.co_lead_administrations.all()],
            )
        elif kind == ChangeKind.TARGETS:
            for indicator in action.indicators.all():
                if not indicator.is_quantitative:
                    continue
                self.indicator_ids.append(indicator.pk)
                prefix = f"indicator_{indicator.pk}_"
                name = indicator.name
                self.fields[prefix + "baseline_value"] = NumberField(
                    label=_("%(name)s: nulmeting") % {"name": name},
                    required=False,
                    initial=indicator.baseline_value,
                )
                self.fields[prefix + "baseline_year"] = forms.IntegerField(
                    label=_("%(name)s: jaar nulmeting") % {"name": name},
                    required=False,
                    initial=indicator.baseline_year,
                )
                self.fields[prefix + "target_value"] = NumberField(
                    label=_("%(name)s: streefwaarde") % {"name": name},
                    required=False,
                    initial=indicator.target_value,
                )
                self.fields[prefix + "target_year"] = forms.IntegerField(
                    label=_("%(name)s: jaar streefwaarde") % {"name": name},
                    required=False,
                    initial=indicator.target_year,
                )
        elif kind == ChangeKind.INDICATORS:
            self.fields["name"] = forms.CharField(label=_("Naam van de nieuwe indicator"))
            self.fields["unit"] = forms.CharField(label=_("Eenheid"), required=False)
            self.fields["baseline_value"] = NumberField(label=_("Nulmeting"), required=False)
            self.fields["baseline_year"] = forms.IntegerField(
                label=_("Jaar nulmeting"), required=False
            )
            self.fields["target_value"] = NumberField(label=_("Streefwaarde"), required=False)
            self.fields["target_year"] = forms.IntegerField(
                label=_("Jaar streefwaarde"), required=False
            )
        # The reason last: it is what the requester writes after choosing the values.
        self.order_fields([name for name in self.fields if name != "reason"] + ["reason"])

    def proposed(self) -> dict[str, Any]:
        """The proposed values, as the service takes them."""
        data = self.cleaned_data
        if self.kind == ChangeKind.SCOPE:
            return {"title": data["title"], "description": data["description"]}
        if self.kind == ChangeKind.TIMING:
            return {
                name: data[name]
                for name in ("start_year", "start_quarter", "end_year", "end_quarter")
            }
        if self.kind == ChangeKind.LEADS:
            minister = data["lead_minister"]
            return {
                "lead_minister": minister.pk if minister else None,
                "lead_administration": data["lead_administration"].pk,
                "co_lead_ministers": [m.pk for m in data["co_lead_ministers"]],
                "co_lead_administrations": [a.pk for a in data["co_lead_administrations"]],
            }
        if self.kind == ChangeKind.TARGETS:
            items = []
            for pk in self.indicator_ids:
                prefix = f"indicator_{pk}_"
                item: dict[str, Any] = {"id": pk}
                changed = False
                for name in ("baseline_value", "baseline_year", "target_value", "target_year"):
                    value = data.get(prefix + name)
                    changed = changed or value != self.fields[prefix + name].initial
                    item[name] = _text(value) if name.endswith("_value") else value
                if changed:
                    items.append(item)
            return {"indicators": items}
        if self.kind == ChangeKind.INDICATORS:
            item = {
                "name": data["name"],
                "kind": "quantitative",
                "unit": data["unit"],
                "baseline_value": _text(data["baseline_value"]),
                "baseline_year": data["baseline_year"],
                "target_value": _text(data["target_value"]),
                "target_year": data["target_year"],
            }
            return {"indicators": [item]}
        return {}


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Beslissing"),
        choices=[
            (RequestState.APPROVED.value, _("goedkeuren en toepassen")),
            (RequestState.REJECTED.value, _("afwijzen")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies goedkeuren of afwijzen.")},
    )
    note = forms.CharField(
        label=_("Toelichting"),
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("Verplicht bij een afwijzing: de aanvrager leest de reden."),
    )
