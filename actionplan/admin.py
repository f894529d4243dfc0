"""Django admin for the plan structure and reference data (AJH only)."""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from actionplan import services
from actionplan.models import (
    Action,
    Administration,
    AttentionPoint,
    Minister,
    OperationalGoal,
    Plan,
    PolicyDomain,
    PortfolioHolder,
    RelatedPlan,
    StrategicGoal,
    TargetGroup,
    User,
    ViolenceForm,
)


class NoDeleteAdmin(SimpleHistoryAdmin):
    """Plan data is referenced by fiches and history; it is never deleted."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReasonForm(forms.ModelForm):
    """Every change in the admin says why: the reason goes into the history."""

    change_reason = forms.CharField(
        label=_("Reden van de wijziging"),
        max_length=500,
        help_text=_("Komt in de geschiedenis, met je naam en het tijdstip."),
        error_messages={"required": _("Geef de reden van de wijziging op.")},
    )


class ActionAdminForm(ReasonForm):
    """A change here is an editorial correction. Adjusting an approved action (scope,
    timing, leads, indicators, a stop) is a change request decided by AJH, which the
    evaluations list against the baseline: it does not start in the admin."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["change_reason"].help_text = _(
            "Komt in de geschiedenis, met je naam en het tijdstip. Een wijziging hier is een "
            "redactionele correctie; een bijsturing van een goedgekeurde actie loopt via een "
            "wijzigingsverzoek (Wijziging aanvragen op de pagina van de actie)."
        )

        if "strategic_goal" in self.fields:
            self.fields["strategic_goal"].required = False
            self.fields["strategic_goal"].help_text = _(
                "Volgt uit de operationele doelstelling wanneer die gekozen is."
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        goal = cleaned.get("operational_goal")
        if goal is not None:
            cleaned["strategic_goal"] = goal.strategic_goal
        elif "strategic_goal" in self.fields and not cleaned.get("strategic_goal"):
            self.add_error(
                "strategic_goal", _("Kies een strategische of een operationele doelstelling.")
            )
        # The service's rule on leads, shown on the field before anything is saved.
        errors = services.action_lead_errors(
            lead_minister=cleaned.get("lead_minister"),
            co_lead_ministers=cleaned.get("co_lead_ministers") or [],
            lead_administration=cleaned.get("lead_administration"),
            co_lead_administrations=cleaned.get("co_lead_administrations") or [],
        )
        for name, message in errors.items():
            self.add_error(name, message)
        return cleaned


class ReasonAdmin(NoDeleteAdmin):
    form = ReasonForm

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        extra = [name for name in self.form.declared_fields if name.startswith("change_")]
        return [
            (None, {"fields": [f for f in fieldsets[0][1]["fields"] if f not in extra]}),
            *fieldsets[1:],
            (_("Waarom"), {"fields": extra}),
        ]


@admin.register(Plan)
class PlanAdmin(NoDeleteAdmin):
    list_display = ["title", "code", "start_year", "end_year", "coordinating_agency"]


@admin.register(StrategicGoal)
class StrategicGoalAdmin(ReasonAdmin):
    list_display = ["number", "title", "policy_level", "plan"]
    list_filter = ["plan", "policy_level"]

    def save_model(self, request: HttpRequest, obj: StrategicGoal, form: Any, change: bool) -> None:
        services.strategic_goal_save(goal=obj, reason=form.cleaned_data["change_reason"])


@admin.register(OperationalGoal)
class OperationalGoalAdmin(ReasonAdmin):
    list_display = ["code", "title", "strategic_goal"]
    list_filter = ["strategic_goal__plan", "strategic_goal"]
    list_select_related = ["strategic_goal"]
    search_fields = ["code", "title"]

    def save_model(
        self, request: HttpRequest, obj: OperationalGoal, form: Any, change: bool
    ) -> None:
        services.operational_goal_save(goal=obj, reason=form.cleaned_data["change_reason"])


@admin.register(Action)
class ActionAdmin(ReasonAdmin):
    form = ActionAdminForm
    list_display = [
        "code",
        "title",
        "stage",
        "lead_minister",
        "lead_administration",
        "start_year",
        "end_year",
        "is_demo",
    ]
    # The stage changes only through the drafting and change-request steps (planning).
    readonly_fields = ["stage"]
    list_filter = [
        "plan",
        "stage",
        "strategic_goal",
        "lead_administration",
        "violence_forms",
        "is_demo",
    ]
    list_select_related = ["lead_minister", "lead_administration"]
    search_fields = ["code", "title", "description"]
    autocomplete_fields = ["operational_goal"]
    filter_horizontal = [
        "co_lead_ministers",
        "co_lead_administrations",
        "violence_forms",
        "target_groups",
        "attention_points",
        "related_plans",
    ]

    def save_model(self, request: HttpRequest, obj: Action, form: Any, change: bool) -> None:
        # Many-to-many values are saved with the row, as one history record.
        self._m2m = {
            name: form.cleaned_data[name]
            for name in services.ACTION_M2M_FIELDS
            if name in form.cleaned_data
        }
        services.action_save(
            action=obj,
            m2m=self._m2m,
            reason=form.cleaned_data["change_reason"],
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class PortfolioHolderFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        holders = [
            form.instance
            for form in self.forms
            if form.cleaned_data and not form.errors and form.instance.valid_from
        ]
        for form in self.forms:
            if form.instance in holders:
                message = services.holder_overlap_message(form.instance, holders)
                if message:
                    form.add_error("valid_from", message)


class PortfolioHolderInline(admin.TabularInline):
    model = PortfolioHolder
    formset = PortfolioHolderFormSet
    fields = ["person_name", "valid_from", "valid_to"]
    extra = 1
    can_delete = False  # a reshuffle ends a period; who held a portfolio stays known


@admin.register(Minister)
class MinisterAdmin(ReasonAdmin):
    list_display = ["name", "portfolio", "term_start", "term_end", "is_demo"]
    search_fields = ["name", "portfolio"]
    filter_horizontal = ["administrations"]
    inlines = [PortfolioHolderInline]

    def save_model(self, request: HttpRequest, obj: Minister, form: Any, change: bool) -> None:
        services.minister_save(
            minister=obj,
            administrations=form.cleaned_data["administrations"],
            reason=form.cleaned_data["change_reason"],
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The administrations were saved with the row; holders go through their service,
        # changed periods before new ones (a reshuffle ends one period, then starts one).
        reason = form.cleaned_data["change_reason"]
        for formset in formsets:
            holders = formset.save(commit=False)
            for holder in sorted(holders, key=lambda h: h.pk is None):
                holder.minister = form.instance
                services.portfolio_holder_save(holder=holder, reason=reason)


@admin.register(Administration)
class AdministrationAdmin(ReasonAdmin):
    list_display = ["name", "code", "policy_domain", "contact_name", "contact_email", "is_demo"]
    list_select_related = ["policy_domain"]
    list_filter = ["policy_domain", "is_demo"]
    search_fields = ["name", "code"]

    def save_model(
        self, request: HttpRequest, obj: Administration, form: Any, change: bool
    ) -> None:
        services.administration_save(administration=obj, reason=form.cleaned_data["change_reason"])


@admin.register(ViolenceForm)
class ViolenceFormAdmin(NoDeleteAdmin):
    list_display = ["code", "name", "position"]


@admin.register(TargetGroup)
class TargetGroupAdmin(NoDeleteAdmin):
    list_display = ["name", "code", "position"]


@admin.register(AttentionPoint)
class AttentionPointAdmin(NoDeleteAdmin):
    list_display = ["code", "title"]


@admin.register(PolicyDomain)
class PolicyDomainAdmin(NoDeleteAdmin):
    list_display = ["name", "code"]


@admin.register(RelatedPlan)
class RelatedPlanAdmin(NoDeleteAdmin):
    list_display = ["name", "code", "level"]


class NamedUserMixin(forms.Form):
    """Pages, PDFs and histories show people by their full name, so every account has one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name"):
            if name in self.fields:
                self.fields[name].required = True


class UserCreateForm(NamedUserMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "email")


class UserEditForm(NamedUserMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    form = UserEditForm
    add_form = UserCreateForm
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    list_display = ["username", "get_full_name", "role", "is_active"]
    list_filter = ["role", "is_active", "administrations"]
    fieldsets = [
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Rol in Actieplanmonitor"), {"fields": ["role", "administrations"]}),
    ]
    filter_horizontal = ["administrations", "groups", "user_permissions"]


# --- Logins (django-axes) ----------------------------------------------------------------


def _is_coordinator(request: HttpRequest) -> bool:
    return isinstance(request.user, User) and request.user.is_coordinator


class CoordinatorReadsMixin:
    """AJH follows failed logins and lockouts: coordinators read them without a model
    permission of their own. Nobody adds or edits them here."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_coordinator(request) or super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_coordinator(request) or super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AccessAttempt)
class LoginAttemptAdmin(CoordinatorReadsMixin, AccessAttemptAdmin):
    """Failed logins per user name and address; a locked pair shows "Locked Out".
    Deleting the row lifts the lockout at once (AJH may)."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_coordinator(request) or super().has_delete_permission(request, obj)


@admin.register(AccessFailureLog)
class LoginFailureLogAdmin(CoordinatorReadsMixin, AccessFailureLogAdmin):
    """Every failed login, kept after a lockout ends; ``locked out`` marks the ones refused."""


@admin.register(AccessLog)
class LoginLogAdmin(CoordinatorReadsMixin, AccessLogAdmin):
    """Successful logins (page and API token), with the address they came from."""
