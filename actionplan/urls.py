from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from actionplan import api, logins, views
from consultation.api import register as register_consultation
from evaluations.dashboard.api import StatsView
from evaluations.reports import views as report_views
from evaluations.reports.api import register as register_reports
from exchange.api import register as register_imports
from exchange.urls import api_urlpatterns as exchange_api_urls
from fiches import views as fiche_views
from fiches.api import register as register_fiches
from indicators import urls as indicator_urls
from indicators.api import register as register_indicators
from notifications.api import register as register_notifications
from planning.api import register as register_planning
from planning.drafting.api import ProposalViewSet
from worklist.api import TaskListView

# Query parameters and bodies that cannot be honoured: a Dutch 400 (JSON under /api/).
handler400 = "actionplan.bad_request.bad_request"
# An address under /api/ that no view answers: JSON, as the schema documents every 404.
handler404 = "actionplan.bad_request.not_found"

router = DefaultRouter()
router.register("plans", api.PlanViewSet)
router.register("strategic-goals", api.StrategicGoalViewSet)
router.register("operational-goals", api.OperationalGoalViewSet)
# Proposals are written through the same resource: the planning floor's viewset keeps
# actionplan's read contract and adds the drafting steps.
router.register("actions", ProposalViewSet, basename="action")
router.register("ministers", api.MinisterViewSet)
router.register("administrations", api.AdministrationViewSet)

register_fiches(router)
register_indicators(router)
register_reports(router)
register_imports(router)
register_planning(router)
register_consultation(router)
register_notifications(router)

app_urls = (
    [
        path("", views.overview, name="overview"),
        path("acties/<int:pk>/", views.action_detail, name="action-detail"),
        path("doelstellingen/<int:pk>/acties/", views.goal_actions, name="goal-actions"),
        path("acties/<int:pk>/geschiedenis/", views.action_history, name="action-history"),
        path("accounts/api-sleutels/", views.tokens, name="tokens"),
        path(
            "accounts/api-sleutels/alle/intrekken/",
            views.tokens_revoke_all,
            name="tokens-revoke-all",
        ),
        path(
            "accounts/api-sleutels/<str:digest>/intrekken/",
            views.token_revoke,
            name="token-revoke",
        ),
        path("taal/", views.language_switch, name="language"),
    ],
    "actionplan",
)

urlpatterns = [
    path(
        "", include(app_urls)
    ),  # actionplan: /, /acties/, /doelstellingen/, /taal/, /accounts/api-sleutels/
    path("fiches/", include("fiches.urls")),
    path("", include("planning.urls")),  # planning: /ontwerp/, /planversies/, /wijzigingsverzoeken/
    path("dashboard/", include("evaluations.dashboard.urls")),  # evaluations: dashboard
    path("reports/", include("evaluations.reports.urls")),  # evaluations: reports
    # The PDF of one fiche is asked for at the fiche's address; the reports side makes it.
    path("fiches/<int:pk>/pdf/", report_views.fiche_pdf, name="fiche-pdf"),
    # indicators: /acties/<id>/indicatoren/...; the list shows whether each value's fiche is
    # approved, so the fiches side serves it under the indicators' name.
    path(
        "",
        include(
            (
                [
                    path(
                        "acties/<int:pk>/indicatoren/",
                        fiche_views.action_indicators,
                        name="list",
                    ),
                    *indicator_urls.urlpatterns,
                ],
                indicator_urls.app_name,
            )
        ),
    ),
    path("impact/", include("indicators.impact.urls")),  # indicators: impact indicators
    path("", include("exchange.urls")),  # exchange: /import/<kind>/, /imports/<id>/
    path("", include("consultation.urls")),  # consultation: /overleg/, /inbreng/
    path("meldingen/", include("notifications.urls")),  # notifications: list, preferences
    path("taken/", include("worklist.urls")),  # worklist: Mijn taken, the header's counts
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    # Logins: a token (knox, expires), revoke this one or all of the user's.
    path("api/v1/auth/token/", logins.ObtainTokenView.as_view(), name="api-token"),
    path("api/v1/auth/logout/", logins.LogoutView.as_view(), name="api-logout"),
    path("api/v1/auth/logout-all/", logins.LogoutAllView.as_view(), name="api-logout-all"),
    path("api/v1/stats/", StatsView.as_view(), name="api-stats"),
    path("api/v1/tasks/", TaskListView.as_view(), name="api-tasks"),
    # exchange: /api/v1/exports/<kind>.<fmt>, /api/v1/imports/<kind>/
    path("api/v1/", include(exchange_api_urls)),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # DRF views opt out of the login middleware; the docs page is for people: redirect.
    path(
        "api/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
]
