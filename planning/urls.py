"""Pages of drafting and changing the plan: proposals and clustering (/ontwerp/), plan
versions (/planversies/) and change requests (/wijzigingsverzoeken/)."""

from __future__ import annotations

from django.urls import path  # noqa: F401

app_name = "planning"

urlpatterns: list = []
