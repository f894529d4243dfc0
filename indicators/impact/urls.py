from __future__ import annotations

from django.urls import URLPattern, path

from indicators.impact import views

app_name = "impact"

urlpatterns: list[URLPattern] = [
    path("", views.impact_list, name="list"),
    path("nieuw/", views.impact_indicator_edit, name="create"),
    path("<int:pk>/", views.impact_detail, name="detail"),
    path("<int:pk>/wijzigen/", views.impact_indicator_edit, name="edit"),
    path("<int:pk>/geschiedenis/", views.impact_history, name="history"),
    path("<int:pk>/waarden/nieuw/", views.impact_value_edit, name="value-create"),
    path("<int:pk>/waarden/<int:value_pk>/", views.impact_value_edit, name="value-edit"),
    path(
        "<int:pk>/waarden/<int:value_pk>/verwijderen/",
        views.impact_value_remove,
        name="value-delete",
    ),
]
