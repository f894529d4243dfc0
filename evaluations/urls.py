from django.urls import path

from evaluations import report_views, views

app_name = "evaluations"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/csv/<slug:table>/", views.dashboard_csv, name="dashboard-csv"),
    path("reports/", report_views.report_list, name="reports"),
    path("reports/<int:pk>/rij/", report_views.report_row, name="report-row"),
    path("reports/<int:pk>/download/", report_views.report_download, name="report-download"),
    path("reports/<int:pk>/opnieuw/", report_views.report_retry, name="report-retry"),
    path("reports/teksten/<str:kind>/<int:year>/", report_views.narrative_edit, name="narrative"),
    path("fiches/<int:pk>/pdf/", report_views.fiche_pdf, name="fiche-pdf"),
]
