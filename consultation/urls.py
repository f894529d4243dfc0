"""Pages of meetings (/overleg/) and stakeholder input (/inbreng/)."""

from __future__ import annotations

from django.urls import URLPattern, path, re_path

from consultation import views

app_name = "consultation"

urlpatterns: list[URLPattern] = [
    path("overleg/", views.consultation_list, name="list"),
    path("overleg/nieuw/", views.consultation_create, name="create"),
    path("overleg/<int:pk>/", views.consultation_detail, name="detail"),
    path("overleg/<int:pk>/wijzigen/", views.consultation_edit, name="edit"),
    path("overleg/<int:pk>/opvolgpunten/nieuw/", views.follow_up_create, name="follow-up-create"),
    path("overleg/opvolgpunten/<int:pk>/", views.follow_up_edit, name="follow-up"),
    path("overleg/opvolgpunten/open/", views.open_follow_ups_partial, name="open-follow-ups"),
    path(
        "acties/<int:pk>/opvolgpunten/", views.action_follow_ups_partial, name="action-follow-ups"
    ),
    path("inbreng/", views.input_list, name="inputs"),
    path("inbreng/nieuw/", views.input_create, name="input-create"),
    path("inbreng/<int:pk>/", views.input_detail, name="input-detail"),
    path("inbreng/bijlagen/<int:pk>/", views.attachment_download, name="attachment"),
    path("inbreng/uitnodigingen/nieuw/", views.invitation_create, name="invitation-create"),
    # Tokens are 43 URL-safe characters: no clash with the pages above.
    re_path(r"^inbreng/(?P<token>[A-Za-z0-9_-]{20,100})/$", views.public_input, name="public"),
]
