"""Spreadsheet exchange: the import pages, and the export and import endpoints of the API."""

from __future__ import annotations

from django.urls import path, re_path

from exchange import views
from exchange.api import ExportView, ImportView

app_name = "exchange"

urlpatterns = [
    path("import/<slug:kind>/", views.import_start, name="import"),
    path("import/<slug:kind>/sjabloon.xlsx", views.import_template, name="import-template"),
    path("imports/<int:pk>/", views.import_job, name="import-job"),
    path("imports/<int:pk>/bevestigen/", views.import_confirm, name="import-confirm"),
    path("imports/<int:pk>/opnieuw/", views.import_retry, name="import-retry"),
]

# Under /api/v1/, without a namespace: the API's URL names are flat.
api_urlpatterns = [
    re_path(
        r"^exports/(?P<kind>[a-z-]+)\.(?P<fmt>xlsx|csv)$",
        ExportView.as_view(),
        name="api-export",
    ),
    path("imports/<slug:kind>/", ImportView.as_view(), name="api-import"),
]
