"""Planning rows of the demo plan: versions and change requests someone made while trying
the demo go with it when the demo is purged."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from actionplan.demo import demo_actions, demo_plans
from actionplan.history import delete_with_history
from planning.models import ChangeRequest, PlanVersion


def demo_planning_purge() -> dict[str, int]:
    """Delete the change requests of demo actions and the versions of demo plans, with
    their history."""
    with transaction.atomic():
        requests = ChangeRequest.objects.filter(
            Q(action__in=demo_actions()) | Q(version__plan__in=demo_plans())
        )
        counts = {"change_requests": delete_with_history(requests)}
        counts["plan_versions"] = delete_with_history(
            PlanVersion.objects.filter(plan__in=demo_plans())
        )
    return counts
