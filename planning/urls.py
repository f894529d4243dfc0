"""Pages of drafting and changing the plan: proposals and clustering (/ontwerp/), plan
versions (/planversies/) and change requests (/wijzigingsverzoeken/)."""

from __future__ import annotations

from django.urls import path

from planning.drafting import views as drafting

app_name = "planning"

urlpatterns = [
    path("ontwerp/", drafting.draft_plan, name="draft"),
    path("ontwerp/voorstellen/nieuw/", drafting.proposal_create, name="proposal-create"),
    path("ontwerp/voorstellen/<int:pk>/", drafting.proposal_detail, name="proposal-detail"),
    path("ontwerp/voorstellen/<int:pk>/wijzigen/", drafting.proposal_edit, name="proposal-edit"),
    path(
        "ontwerp/voorstellen/<int:pk>/clusteren/",
        drafting.proposal_cluster,
        name="proposal-cluster",
    ),
    path(
        "ontwerp/voorstellen/<int:pk>/antwoorden/",
        drafting.proposal_respond,
        name="proposal-respond",
    ),
    path("ontwerp/voorstellen/<int:pk>/<slug:step>/", drafting.proposal_step, name="proposal-step"),
    path(
        "ontwerp/doelstellingen/nieuw/",
        drafting.operational_goal_create,
        name="operational-goal-create",
    ),
]
