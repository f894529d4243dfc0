"""The one definition of "the current approved fiche as of year Y" and its counterpart."""

from __future__ import annotations

import datetime as dt

import pytest

from actionplan.demo import demo_load
from fiches.demo import demo_fiches_load
from fiches.models import Fiche, FicheState

pytestmark = pytest.mark.django_db


def test_approved_as_of_is_each_actions_newest_approved_fiche_up_to_the_year(
    plan,
) -> None:
    demo_load(actions=40, seed=3)
    demo_fiches_load(seed=3, today=dt.date(2027, 6, 1))
    approved = Fiche.objects.filter(state=FicheState.APPROVED).order_by("year")
    assert len({f.action_id for f in approved}) < approved.count()  # several years each
    for year in (2025, 2026, 2027):
        newest = {f.action_id: f.pk for f in approved if f.year <= year}
        current = list(Fiche.objects.approved_as_of(year).values_list("action_id", "pk"))
        assert len(current) == len(newest)  # at most one per action
        assert dict(current) == newest


def test_unapproved_up_to_counts_the_plans_fiches_that_do_not_count(
    plan,
) -> None:
    demo_load(actions=20, seed=4)
    demo_fiches_load(seed=4, today=dt.date(2027, 6, 1))
    for year in (2025, 2026, 2027):
        expected = {
            f.pk
            for f in Fiche.objects.filter(action__plan=plan)
            if f.year <= year and f.state != FicheState.APPROVED
        }
        assert (
            set(Fiche.objects.for_plan(plan).unapproved_up_to(year).values_list("pk", flat=True))
            == expected
        )
