from __future__ import annotations

from django.urls import path

from worklist import views

app_name = "worklist"

urlpatterns = [
    path("", views.tasks, name="tasks"),
    path("tellers/", views.header_counts, name="header-counts"),
]
