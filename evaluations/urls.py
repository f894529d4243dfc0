from django.urls import path

from evaluations import views

app_name = "evaluations"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/csv/<slug:table>/", views.dashboard_csv, name="dashboard-csv"),
]
