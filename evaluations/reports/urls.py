from __future__ import annotations

from django.urls import path

from evaluations.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="reports"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/stap/<str:step>/", views.report_release, name="release"),
    path("<int:pk>/stap/<str:step>/download/", views.release_download, name="release-download"),
    path("<int:pk>/rij/", views.report_row, name="report-row"),
    path("<int:pk>/download/", views.report_download, name="report-download"),
    path("<int:pk>/opnieuw/", views.report_retry, name="report-retry"),
    path("fiches/<int:pk>/pdfs/", views.fiche_pdfs, name="fiche-pdfs"),
    path("teksten/<str:kind>/<int:year>/", views.narrative_edit, name="narrative"),
    path(
        "teksten/<str:kind>/<int:year>/voorbeeld/<str:name>/",
        views.narrative_preview,
        name="narrative-preview",
    ),
]
