"""Forms of meetings, follow-up items, invitations and stakeholder input. They collect
input; the services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actionplan.models import (
    Action,
    Administration,
    OperationalGoal,
    Plan,
    StrategicGoal,
    ViolenceForm,
)
from consultation.models import (
    ConsultationKind,
    ConsultationState,
    EvaluationKind,
    FollowUpState,
)
from consultation.services import MAX_ATTACHMENTS, ConsultationData, FollowUpData, InputData

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _action_choices(plan: Plan) -> Any:
    return Action.objects.for_plan(plan).in_plan_order().only("id", "code", "title")


class ConsultationForm(forms.Form):
    date = forms.DateField(label=_("Datum"), widget=DATE)
    kind = forms.ChoiceField(label=_("Soort overleg"), choices=ConsultationKind.choices)
    title = forms.CharField(label=_("Onderwerp"), max_length=300)
    state = forms.ChoiceField(
        label=_("Status"),
        choices=ConsultationState.choices,
        help_text=_("Een overleg dat niet doorging, annuleer je; het wordt niet verwijderd."),
    )
    administrations = forms.ModelMultipleChoiceField(
        label=_("Deelnemende administraties"),
        queryset=Administration.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_participants = forms.CharField(
        label=_("Andere deelnemers"),
        required=False,
        widget=forms.Textarea({"rows": 2}),
        help_text=_("Organisaties en functies (bijvoorbeeld: stuurgroep, middenveldorganisatie)."),
    )
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=forms.Textarea({"rows": 4}))
    minutes = forms.CharField(
        label=_("Verslag"), required=False, widget=forms.Textarea({"rows": 6})
    )
    decisions = forms.CharField(
        label=_("Beslissingen"), required=False, widget=forms.Textarea({"rows": 4})
    )
    strategic_goals = forms.ModelMultipleChoiceField(
        label=_("Strategische doelstellingen"),
        queryset=StrategicGoal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    operational_goals = forms.ModelMultipleChoiceField(
        label=_("Operationele doelstellingen"),
        queryset=OperationalGoal.objects.none(),
        required=False,
        widget=forms.SelectMultiple({"size": 6}),
    )
    actions = forms.ModelMultipleChoiceField(
        label=_("Acties"),
        queryset=Action.objects.none(),
        required=False,
        widget=forms.SelectMultiple({"size": 8}),
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["strategic_goals"].queryset = StrategicGoal.objects.filter(plan=plan)  # type: ignore[attr-defined]
        self.fields["operational_goals"].queryset = OperationalGoal.objects.filter(  # type: ignore[attr-defined]
            strategic_goal__plan=plan
        ).select_related("strategic_goal")
        self.fields["actions"].queryset = _action_choices(plan)  # type: ignore[attr-defined]

    def data_object(self) -> ConsultationData:
        c = self.cleaned_data
        return ConsultationData(
            date=c["date"],
            kind=c["kind"],
            title=c["title"],
            state=c["state"],
            other_participants=c["other_participants"],
            agenda=c["agenda"],
            minutes=c["minutes"],
            decisions=c["decisions"],
            administrations=list(c["administrations"]),
            actions=list(c["actions"]),
            strategic_goals=list(c["strategic_goals"]),
            operational_goals=list(c["operational_goals"]),
        )


class FollowUpForm(forms.Form):
    """AJH's form of a follow-up item: everything."""

    description = forms.CharField(label=_("Omschrijving"), widget=forms.Textarea({"rows": 3}))
    owner = forms.ModelChoiceField(
        label=_("Verantwoordelijke administratie"),
        queryset=Administration.objects.none(),
        required=False,
        empty_label=_("AJH zelf"),
    )
    due_date = forms.DateField(label=_("Uiterlijk tegen"), widget=DATE, required=False)
    state = forms.ChoiceField(label=_("Status"), choices=FollowUpState.choices)
    note = forms.CharField(
        label=_("Toelichting bij de status"), required=False, widget=forms.Textarea({"rows": 2})
    )
    actions = forms.ModelMultipleChoiceField(
        label=_("Acties"),
        queryset=Action.objects.none(),
        required=False,
        widget=forms.SelectMultiple({"size": 6}),
    )

    def __init__(self, *args: Any, plan: Plan, participants: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = participants  # type: ignore[attr-defined]
        self.fields["actions"].queryset = _action_choices(plan)  # type: ignore[attr-defined]

    def data_object(self) -> FollowUpData:
        c = self.cleaned_data
        return FollowUpData(
            description=c["description"],
            owner=c["owner"],
            due_date=c["due_date"],
            state=c["state"],
            note=c["note"],
            actions=list(c["actions"]),
        )


class FollowUpStateForm(forms.Form):
    """The owner administration's form: how the item stands."""

    state = forms.ChoiceField(label=_("Status"), choices=FollowUpState.choices)
    note = forms.CharField(
        label=_("Toelichting"),
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("Verplicht wanneer het opvolgpunt vervalt."),
    )


class InvitationForm(forms.Form):
    organisation = forms.CharField(label=_("Organisatie"), max_length=300)
    evaluation_kind = forms.ChoiceField(label=_("Evaluatie"), choices=EvaluationKind.choices)
    evaluation_year = forms.TypedChoiceField(label=_("Jaar van de evaluatie"), coerce=int)
    expires_on = forms.DateField(
        label=_("Geldig tot en met"),
        widget=DATE,
        help_text=_("De link werkt tot het einde van deze dag."),
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evaluation_year"].choices = [(y, y) for y in plan.years]  # type: ignore[attr-defined]

    def clean_expires_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["expires_on"]
        if day > timezone.localdate() + dt.timedelta(days=366):
            raise forms.ValidationError(_("Een uitnodiging geldt hoogstens een jaar."))
        return day

    def expires_at(self) -> dt.datetime:
        day: dt.date = self.cleaned_data["expires_on"]
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
        return timezone.make_aware(end)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePdfField(forms.FileField):
    """Several files in one field; the services check each one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if isinstance(data, list | tuple):
            return [super(MultiplePdfField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class StakeholderInputForm(forms.Form):
    """Input as an invited organisation sends it (and AJH enters it, with more fields)."""

    organisation = forms.CharField(label=_("Organisatie"), max_length=300)
    topic = forms.CharField(label=_("Onderwerp"), max_length=300)
    text = forms.CharField(
        label=_("Inbreng"),
        widget=forms.Textarea({"rows": 10}),
        help_text=_(
            "Schrijf geen persoonsgegevens van slachtoffers of daders "
            "(namen, rijksregisternummers, adressen)."
        ),
    )
    strategic_goals = forms.ModelMultipleChoiceField(
        label=_("Over welke strategische doelstellingen gaat de inbreng?"),
        queryset=StrategicGoal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    violence_forms = forms.ModelMultipleChoiceField(
        label=_("Over welke vormen van geweld?"),
        queryset=ViolenceForm.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attachments = MultiplePdfField(label=_("Bijlagen (PDF)"), required=False)
    consent_to_cite = forms.BooleanField(
        label=_(
            "AJH mag deze inbreng citeren in het evaluatierapport, met vermelding van "
            "de organisatie."
        ),
        required=False,
    )
    confirmed = forms.BooleanField(
        label=_("Ik bevestig dat de tekst geen persoonsgegevens van slachtoffers of daders bevat."),
        required=False,
    )

    def __init__(self, *args: Any, plan: Plan, fixed_organisation: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The limits the service holds to, as the sender reads them.
        self.fields["attachments"].help_text = _(
            "Alleen PDF-bestanden, elk hoogstens %(size)s, hoogstens %(n)s bestanden."
        ) % {"size": filesizeformat(settings.CONSULTATION_UPLOAD_MAX_BYTES), "n": MAX_ATTACHMENTS}
        self.fields["strategic_goals"].queryset = StrategicGoal.objects.filter(plan=plan)  # type: ignore[attr-defined]
        if fixed_organisation:
            del self.fields["organisation"]
        self.fixed_organisation = fixed_organisation

    def data_object(self) -> InputData:
        c = self.cleaned_data
        return InputData(
            organisation=c.get("organisation") or self.fixed_organisation,
            topic=c["topic"],
            text=c["text"],
            consent_to_cite=c["consent_to_cite"],
            strategic_goals=list(c["strategic_goals"]),
            violence_forms=list(c["violence_forms"]),
            attachments=c["attachments"],
            confirmed=c["confirmed"],
        )


class EnteredInputForm(StakeholderInputForm):
    """AJH enters input it received: for which evaluation, too."""

    evaluation_kind = forms.ChoiceField(label=_("Evaluatie"), choices=EvaluationKind.choices)
    evaluation_year = forms.TypedChoiceField(label=_("Jaar van de evaluatie"), coerce=int)

    field_order = ["evaluation_kind", "evaluation_year", "organisation"]

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, plan=plan, **kwargs)
        self.fields["evaluation_year"].choices = [(y, y) for y in plan.years]  # type: ignore[attr-defined]
        self.order_fields(self.field_order)
