from __future__ import annotations

from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/openen/", views.notification_open, name="open"),
    path("alles-gelezen/", views.notifications_read_all, name="read-all"),
    path("voorkeuren/", views.preferences, name="preferences"),
]
