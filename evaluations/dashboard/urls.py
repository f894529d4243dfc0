from __future__ import annotations

from django.urls import path

from evaluations.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("csv/<slug:table>/", views.dashboard_csv, name="dashboard-csv"),
    path("ontwerp/dekking/", views.draft_coverage_partial, name="draft-coverage"),
]
