"""The fiche form: every field of the fiche and that year's indicator values, one save."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from actionplan.texts import text_field
from fiches.checks import OutliersSuspected, PersonalDataSuspected, indicator_value_key
from fiches.models import CONTENT_FIELDS, Contribution, Fiche, ProgressStatus
from fiches.services import IndicatorValueInput
from indicators.models import Indicator, IndicatorValue
from indicators.numbers import NumberField


def limited_textarea(
    model: type[models.Model], name: str, *, rows: int = 5, required: bool = False, **kwargs: Any
) -> forms.CharField:
    """A textarea for a model's text with a maximum length: the model's own validators (the
    same message as the service's), and ``maxlength`` + ``data-counter`` for the live
    counter of static/js/counter.js."""
    field = text_field(model, name)
    # A fiche's texts are plan content: Dutch, whatever the interface language (lang for
    # spell-checking and screen readers).
    attrs = {"lang": "nl", "rows": rows, "maxlength": field.max_length, "data-counter": True}
    return forms.CharField(
        required=required,
        validators=field.validators,
        widget=forms.Textarea(attrs=attrs),
        **kwargs,
    )


class ServiceForm(forms.Form):
    """A form whose rules are the service's: its refusals are shown on the fields they name."""

    def field_for(self, key: str) -> str | None:
        return key if key in self.fields else None

    def add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for key, messages in exc.message_dict.items():
            self.add_error(self.field_for(key), messages)


class FicheForm(ServiceForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    goal = limited_textarea(Fiche, "goal", label=_("Inhoudelijk doel"))
    approach = limited_textarea(Fiche, "approach", label=_("Plan van aanpak"))
    status_update = limited_textarea(
        Fiche,
        "status_update",
        label=_("Stand van zaken"),
        help_text=_("Wat is er dit jaar gerealiseerd? Verplicht om in te dienen."),
    )
    obstacles = limited_textarea(Fiche, "obstacles", label=_("Knelpunten"))
    next_steps = limited_textarea(Fiche, "next_steps", label=_("Volgende stappen"))
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
    confirm_outliers = forms.BooleanField(
        label=_("Ik heb de gemarkeerde waarden nagekeken: ze kloppen."),
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
        self.outlier_warnings: dict[str, list[str]] = {}
        values = values or {}
        for indicator in self.indicators:
            prefix = f"ind-{indicator.pk}"
            current = values.get(indicator.pk)
            if indicator.is_quantitative:
                self.fields[f"{prefix}-value"] = NumberField(
                    label=_("Waarde (%(unit)s)") % {"unit": indicator.unit},
                    required=False,
                    max_digits=14,
                    decimal_places=2,
                    initial=current.value if current else None,
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
                    self.fields[f"{prefix}-{key}"] = NumberField(
                        label=label,
                        required=False,
                        max_digits=14,
                        decimal_places=2,
                        initial=(current.breakdown or {}).get(key) if current else None,
                    )
            else:
                self.fields[f"{prefix}-assessment"] = limited_textarea(
                    IndicatorValue,
                    "assessment",
                    label=_("Beoordeling"),
                    rows=3,
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
        super().clean()
        data = self.cleaned_data
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
                # The indicator's bounds (the service applies them too), shown on the field.
                for key in ["value", *(key for key, _label in indicator.categories)]:
                    message = indicator.value_error(data.get(f"{prefix}-{key}"))
                    if message:
                        self.add_error(f"{prefix}-{key}", message)
            elif self.submitting and not (data.get(f"{prefix}-assessment") or "").strip():
                self.add_error(f"{prefix}-assessment", _("Vul de beoordeling in."))
        if self.submitting:
            if not (data.get("status_update") or "").strip():
                self.add_error("status_update", _("Vul de stand van zaken in om in te dienen."))
            if not data.get("progress_status"):
                self.add_error("progress_status", _("Kies de voortgang om in te dienen."))
        return data

    def add_service_errors(self, exc: ValidationError) -> None:
        if isinstance(exc, OutliersSuspected):
            # Shows the confirmation checkbox; the warning stands at the number itself.
            self.outlier_warnings = exc.message_dict
            for indicator in self.indicators:
                for message in exc.message_dict.get(indicator_value_key(indicator.pk), []):
                    self.add_error(f"ind-{indicator.pk}-value", message)
            return
        if isinstance(exc, PersonalDataSuspected):
            # Shows the confirmation checkbox.
            self.privacy_warnings = exc.message_dict
        super().add_service_errors(exc)

    def field_for(self, key: str) -> str | None:
        # A service names an indicator's value ``indicator-<id>``; on this form that is the
        # value's text field (the assessment, or the reason why there is no data).
        for indicator in self.indicators:
            if key == indicator_value_key(indicator.pk):
                suffix = "no_data_reason" if indicator.is_quantitative else "assessment"
                return f"ind-{indicator.pk}-{suffix}"
        return super().field_for(key)

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
    text = limited_textarea(
        Contribution,
        "text",
        required=True,
        label=_("Bijdrage van je administratie"),
        error_messages={"required": _("Schrijf een bijdrage.")},
    )


class RoundDeadlineForm(ServiceForm):
    """The new deadline of an open round; the rules are ``round_extend``'s."""

    deadline = forms.DateField(
        label=_("Nieuwe deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )


class RoundForm(ServiceForm):
    """The rules (a year of the plan, a deadline not in the past) are ``round_open``'s."""

    year = forms.IntegerField(label=_("Jaar"), min_value=2000, max_value=2100)
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    first_reminder_days = forms.IntegerField(
        label=_("Eerste herinnering, dagen voor de deadline"),
        min_value=1,
        max_value=365,
        initial=14,
        required=False,
        help_text=_("Leeg: geen herinnering."),
    )
    second_reminder_days = forms.IntegerField(
        label=_("Tweede herinnering, dagen voor de deadline"),
        min_value=1,
        max_value=365,
        initial=3,
        required=False,
        help_text=_("Leeg: geen tweede herinnering."),
    )
