"""Pages of the plan structure: the overview tree and the action page with its history;
and a user's own API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actionplan import selectors, services
from actionplan.filters import ActionFilter
from actionplan.history import timeline
from actionplan.http import AuthenticatedHttpRequest
from actionplan.jobs import broker_reachable
from actionplan.models import Action, OperationalGoal, User
from actionplan.params import QueryParams


@require_GET
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    plan = selectors.plan_current(request.GET.get("plan"))
    params = QueryParams(request.GET)
    action_filter = params.filter(ActionFilter(request.GET or None, queryset=Action.objects.all()))
    params.check()
    actions = action_filter.qs if action_filter.is_bound else Action.objects.all()
    tree, listed = selectors.plan_tree(plan, actions)
    context = {
        "plan": plan,
        "tree": tree,
        "listed": listed,
        "query": request.GET.urlencode(),
        "filter": action_filter,
        "filtered": action_filter.is_bound
        and any(v for k, v in request.GET.items() if k != "plan"),
        "action_count": sum(node.action_count for node in tree),
    }
    template = "actionplan/overview.html"
    if request.htmx:
        template += "#tree"
    return render(request, template, context)


@require_GET
def goal_actions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The (filtered) actions of one operational goal: loaded when the goal is opened on a
    large overview, or as a page of its own without JavaScript."""
    goal = get_object_or_404(OperationalGoal.objects.select_related("strategic_goal"), pk=pk)
    params = QueryParams(request.GET)
    action_filter = params.filter(
        ActionFilter(request.GET or None, queryset=Action.objects.in_plan())
    )
    params.check()
    actions = action_filter.qs if action_filter.is_bound else Action.objects.in_plan()
    context = {
        "goal": goal,
        "actions": list(selectors.goal_actions(actions.filter(operational_goal=goal))),
    }
    template = "actionplan/goal_actions.html"
    if request.htmx:
        template += "#list"
    return render(request, template, context)


@require_GET
def action_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_detail(pk, request.user)
    fiches = action.fiches.only("id", "year", "state", "action_id").order_by("-year")
    return render(
        request,
        "actionplan/action_detail.html",
        {"action": action, "tab": "details", "fiches": fiches},
    )


@require_GET
def action_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_detail(pk, request.user)
    return render(
        request,
        "actionplan/action_history.html",
        {
            "action": action,
            "tab": "history",
            "entries": timeline(action, exclude=("id", "version")),
        },
    )


@require_GET
def tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The signed-in user's API tokens that still work: when made, until when (no key)."""
    return render(
        request,
        "actionplan/tokens.html",
        {"tokens": list(selectors.tokens_active(request.user)), "hours": settings.API_TOKEN_HOURS},
    )


@require_http_methods(["GET", "POST"])
def token_revoke(request: AuthenticatedHttpRequest, digest: str) -> HttpResponse:
    """Asks first (GET), revokes on POST. Another user's token is not found (404)."""
    token = get_object_or_404(selectors.tokens_active(request.user), digest=digest)
    if request.method == "POST":
        services.token_revoke(user=request.user, digest=token.digest)
        messages.success(
            request, _("De API-sleutel is ingetrokken. Wie ze nog gebruikt, krijgt geen toegang.")
        )
        return redirect("actionplan:tokens")
    return render(request, "actionplan/token_revoke.html", {"token": token})


@require_http_methods(["GET", "POST"])
def tokens_revoke_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        count = services.token_revoke_all(user=request.user)
        messages.success(
            request,
            _("Al je API-sleutels zijn ingetrokken (%(count)s).") % {"count": count},
        )
        return redirect("actionplan:tokens")
    count = selectors.tokens_active(request.user).count()
    return render(request, "actionplan/token_revoke.html", {"token": None, "count": count})


@login_not_required
@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """The switch in the header: a signed-in user's choice is kept on their profile, a
    visitor's in the language cookie. Both get the cookie, so that the login page after
    signing out speaks the same language."""
    language = request.POST.get("language", "")
    if isinstance(request.user, User):
        try:
            services.user_language_set(user=request.user, language=language)
        except ValidationError as error:
            return HttpResponseBadRequest(" ".join(error.messages))
    elif language not in {code for code, _name in settings.LANGUAGES}:
        return HttpResponseBadRequest(_("Kies Nederlands of English."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("actionplan:overview" if request.user.is_authenticated else "login")
    response = redirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite="Lax",
    )
    return response


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker reachable: 200, else 503; within BROKER_TIMEOUT for the broker
    (a load balancer's check must not hang on a broker that does not answer)."""
    checks = {"database": _database_reachable(), "broker": broker_reachable()}
    status = 200 if all(checks.values()) else 503
    return JsonResponse({"status": "ok" if status == 200 else "error", **checks}, status=status)


def _database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False
