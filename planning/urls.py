"""Pages of drafting and changing the plan: proposals and clustering (/ontwerp/), plan
versions (/planversies/) and change requests (/wijzigingsverzoeken/)."""

from __future__ import annotations

from django.urls import URLPattern, path

from planning import views
from planning.drafting import views as drafting

app_name = "planning"

urlpatterns: list[URLPattern] = [
    # Drafting: proposals, co-lead answers, AJH's decisions and clustering
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
    # Plan versions and change requests
    path("planversies/", views.version_list, name="versions"),
    path("planversies/<int:pk>/", views.version_detail, name="version-detail"),
    path("planversies/<int:pk>/indienen/", views.version_submit, name="version-submit"),
    path("planversies/<int:pk>/goedkeuren/", views.version_approve, name="version-approve"),
    path("planversies/<int:a>/vergelijk/<int:b>/", views.version_compare, name="version-compare"),
    path("wijzigingsverzoeken/", views.change_request_list, name="change-requests"),
    path(
        "wijzigingsverzoeken/<int:pk>/",
        views.change_request_detail,
        name="change-request-detail",
    ),
    path("acties/<int:pk>/wijziging/", views.change_request_new, name="change-request-new"),
    path("acties/<int:pk>/wijzigingen/", views.action_changes, name="action-changes"),
]
