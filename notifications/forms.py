from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from actionplan.models import User
from notifications.models import (
    COORDINATOR_KINDS,
    Delivery,
    NotificationKind,
    NotificationPreference,
    default_delivery,
)


def kinds_for(user: User) -> list[NotificationKind]:
    return [k for k in NotificationKind if user.is_coordinator or k not in COORDINATOR_KINDS]


class PreferencesForm(forms.Form):
    """Per kind of notification: each message, a daily digest, or no mail."""

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chosen = dict(
            NotificationPreference.objects.filter(user=user).values_list("kind", "delivery")
        )
        for kind in kinds_for(user):
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                initial=chosen.get(kind.value, default_delivery(kind)),
                error_messages={"invalid_choice": _("Kies een van de mogelijkheden.")},
            )

    def choices(self) -> dict[str, str]:
        return {kind: value for kind, value in self.cleaned_data.items()}
