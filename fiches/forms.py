"""The fiche form: every field of the fiche and that year's indicator values, one save."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fiches.models import CONTENT_FIELDS, Fiche, ProgressStatus
from fiches.privacy import personal_data_warnings
from fiches.services import IndicatorValueInput
from indicators.models import Indicator, IndicatorValue

TEXTAREA = forms.Textarea(attrs={"rows": 5})


class FicheForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    goal = forms.CharField(label=_("Inhoudelijk doel"), required=False, widget=TEXTAREA)
    approach = forms.CharField(label=_("Plan van aanpak"), required=False, widget=TEXTAREA)
    status_update = forms.CharField(
        label=_("Stand van zaken"),
        required=False,
        widget=TEXTAREA,
        help_text=_("Wat is er dit jaar gerealiseerd? Verplicht om in te dienen."),
    )
    obstacles = forms.CharField(label=_("Knelpunten"), required=False, widget=TEXTAREA)
    next_steps = forms.CharField(label=_("Volgende stappen"), required=False, widget=TEXTAREA)
    progress_status = forms.ChoiceField(
        label=_("Voortgang"),
        required=False,
        choices=[("", _("— kies —")), *ProgressStatus.choices],
        help_text=_("Verplicht om in te dienen."),
    )
    confirm_privacy = forms.BooleanField(
        label=_(
            "Ik heb nagekeken: deze tekst bevat geen persoonsgegevens van slachtoffers of plegers."
        ),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        indicators: Sequence[Indicator] = (),
        values: dict[int, IndicatorValue] | None = None,
        submitting: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        self.submitting = submitting
        self.privacy_warnings: dict[str, list[str]] = {}
        values = values or {}
        for indicator in self.indicators:
            prefix = f"ind-{indicator.pk}"
            current = values.get(indicator.pk)
            if indicator.is_quantitative:
                self.fields[f"{prefix}-value"] = forms.DecimalField(
                    label=_("Waarde (%(unit)s)") % {"unit": indicator.unit},
                    required=False,
                    max_digits=14,
                    decimal_places=2,
                    initial=current.value if current else None,
                    localize=True,
                )
                self.fields[f"{prefix}-no_data"] = forms.BooleanField(
                    label=_("Geen gegevens beschikbaar"),
                    required=False,
                    initial=current.no_data if current else False,
                )
                self.fields[f"{prefix}-no_data_reason"] = forms.CharField(
                    label=_("Reden waarom er geen gegevens zijn"),
                    required=False,
                    max_length=500,
                    initial=current.no_data_reason if current else "",
                )
                for key, label in indicator.categories:
                    self.fields[f"{prefix}-{key}"] = forms.DecimalField(
                        label=label,
                        required=False,
                        max_digits=14,
                        decimal_places=2,
                        localize=True,
                        initial=(current.breakdown or {}).get(key) if current else None,
                    )
            else:
                self.fields[f"{prefix}-assessment"] = forms.CharField(
                    label=_("Beoordeling"),
                    required=False,
                    widget=forms.Textarea({"rows": 3}),
                    initial=current.assessment if current else "",
                )

    @classmethod
    def initial_for(cls, fiche: Fiche) -> dict[str, Any]:
        return {"version": fiche.version, **{f: getattr(fiche, f) for f in CONTENT_FIELDS}}

    def indicator_rows(self) -> list[dict[str, Any]]:
        """Bound fields grouped per indicator, for the template."""
        rows = []
        for indicator in self.indicators:
            prefix = f"ind-{indicator.pk}"
            rows.append(
                {
                    "indicator": indicator,
                    "fields": [self[name] for name in self.fields if name.startswith(prefix + "-")],
                }
            )
        return rows

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for indicator in self.indicators:
            prefix = f"ind-{indicator.pk}"
            if indicator.is_quantitative:
                value = data.get(f"{prefix}-value")
                no_data = data.get(f"{prefix}-no_data")
                reason = (data.get(f"{prefix}-no_data_reason") or "").strip()
                if no_data and value is not None:
                    self.add_error(
                        f"{prefix}-value", _("Geef een waarde óf kies ‘geen gegevens’, niet beide.")
                    )
                elif no_data and not reason:
                    self.add_error(
                        f"{prefix}-no_data_reason", _("Leg uit waarom er geen gegevens zijn.")
                    )
                elif self.submitting and value is None and not no_data:
                    self.add_error(
                        f"{prefix}-value",
                        _("Vul een getal in, of kies ‘geen gegevens’ met een reden."),
                    )
            elif self.submitting and not (data.get(f"{prefix}-assessment") or "").strip():
                self.add_error(f"{prefix}-assessment", _("Vul de beoordeling in."))
        if self.submitting:
            if not (data.get("status_update") or "").strip():
                self.add_error("status_update", _("Vul de stand van zaken in om in te dienen."))
            if not data.get("progress_status"):
                self.add_error("progress_status", _("Kies de voortgang om in te dienen."))
        texts = {name: data.get(name) or "" for name in CONTENT_FIELDS if name != "progress_status"}
        texts.update(
            {
                name: value
                for name, value in data.items()
                if name.endswith(("-assessment", "-no_data_reason")) and value
            }
        )
        self.privacy_warnings = personal_data_warnings(texts)
        if self.privacy_warnings and not data.get("confirm_privacy"):
            for name, found in self.privacy_warnings.items():
                self.add_error(
                    name,
                    _(
                        "Deze tekst lijkt %(what)s te bevatten. Verwijder persoonsgegevens of "
                        "bevestig hieronder dat het geen persoonsgegevens zijn."
                    )
                    % {"what": " en ".join(found)},
                )
        return data

    def content(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) or "" for name in CONTENT_FIELDS}

    def indicator_values(self) -> list[IndicatorValueInput]:
        result = []
        for indicator in self.indicators:
            prefix = f"ind-{indicator.pk}"
            data = self.cleaned_data
            if indicator.is_quantitative:
                breakdown: dict[str, Decimal | None] = {
                    key: data.get(f"{prefix}-{key}") for key, _label in indicator.categories
                }
                result.append(
                    IndicatorValueInput(
                        indicator_id=indicator.pk,
                        value=data.get(f"{prefix}-value"),
                        no_data=bool(data.get(f"{prefix}-no_data")),
                        no_data_reason=data.get(f"{prefix}-no_data_reason") or "",
                        breakdown=breakdown,
                    )
                )
            else:
                result.append(
                    IndicatorValueInput(
                        indicator_id=indicator.pk,
                        assessment=data.get(f"{prefix}-assessment") or "",
                    )
                )
        return result


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden"),
        widget=forms.Textarea({"rows": 4}),
        max_length=4000,
        error_messages={"required": _("Geef een reden op.")},
    )


class ContributionForm(forms.Form):
    administration = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Bijdrage van je administratie"),
        widget=forms.Textarea({"rows": 5}),
        error_messages={"required": _("Schrijf een bijdrage.")},
    )


class RoundForm(forms.Form):
    year = forms.IntegerField(label=_("Jaar"), min_value=2000, max_value=2100)
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, plan_years: range | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan_years = plan_years

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if self.plan_years is not None and year not in self.plan_years:
            raise forms.ValidationError(
                _("Kies een jaar binnen de looptijd van het plan (%(a)s–%(b)s).")
                % {"a": self.plan_years.start, "b": self.plan_years.stop - 1}
            )
        return year

    def clean_deadline(self) -> dt.date:
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("De deadline ligt in het verleden."))
        return deadline
