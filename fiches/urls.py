from django.urls import path

from fiches import views

app_name = "fiches"

urlpatterns = [
    path("", views.my_fiches, name="mine"),
    path("beoordelen/", views.review_queue, name="review"),
    path("rondes/", views.rounds, name="rounds"),
    path("rondes/<int:pk>/afsluiten/", views.round_close, name="round-close"),
    path("rondes/<int:pk>/verlengen/", views.round_extend, name="round-extend"),
    path("<int:pk>/", views.fiche_detail, name="detail"),
    path("<int:pk>/geschiedenis/", views.fiche_history, name="history"),
    path("<int:pk>/indienen/", views.fiche_submit, name="submit"),
    path("<int:pk>/goedkeuren/", views.fiche_approve, name="approve"),
    path("<int:pk>/terugsturen/", views.fiche_return, name="return"),
    path("<int:pk>/heropenen/", views.fiche_reopen, name="reopen"),
    path("<int:pk>/bijdrage/", views.contribution_save, name="contribution"),
]
