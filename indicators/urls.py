from django.urls import path

from indicators import views

app_name = "indicators"

urlpatterns = [
    # "list" (/acties/<id>/indicatoren/) is added by the project's URLs from fiches.views.
    path(
        "acties/<int:pk>/indicatoren/geschiedenis/",
        views.value_history,
        name="value-history",
    ),
    path("acties/<int:pk>/indicatoren/nieuw/", views.indicator_edit, name="create"),
    path("acties/<int:pk>/indicatoren/<int:indicator_pk>/", views.indicator_edit, name="edit"),
]
