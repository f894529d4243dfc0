from __future__ import annotations

from django.urls import path

from evaluations.dashboard import views
from evaluations.dashboard.sections import OVERVIEW, SECTIONS

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, {"section": OVERVIEW}, name="dashboard"),
    *[
        path(section.path, views.dashboard, {"section": section.key}, name=section.key)
        for section in SECTIONS.values()
        if section.key != OVERVIEW
    ],
    path("csv/<slug:table>/", views.dashboard_csv, name="dashboard-csv"),
    path("ontwerp/dekking/", views.draft_coverage_partial, name="draft-coverage"),
]
