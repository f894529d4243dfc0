"""Who may see import jobs: one QuerySet method that every page and API path uses."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from exchange.models import ImportJob, ImportKind

pytestmark = pytest.mark.django_db


def _job(plan, user, name: str) -> ImportJob:
    return ImportJob.objects.create(
        kind=ImportKind.INDICATOR_VALUES,
        plan=plan,
        filename=name,
        file=f"imports/{name}",
        requested_by=user,
    )


def test_import_jobs_are_visible_to_their_uploader_and_to_coordinators_only(
    plan, coordinator, editor_a, editor_b, reader
):
    own = _job(plan, editor_a, "a.csv")
    other = _job(plan, editor_b, "b.csv")

    assert set(ImportJob.objects.visible_to(coordinator)) == {own, other}
    assert list(ImportJob.objects.visible_to(editor_a)) == [own]
    assert list(ImportJob.objects.visible_to(reader)) == []
    assert list(ImportJob.objects.visible_to(AnonymousUser())) == []


def test_a_job_of_someone_else_is_not_found_on_the_page_nor_in_the_api(
    client, plan, editor_a, editor_b
):
    other = _job(plan, editor_b, "b.csv")
    client.force_login(editor_a)

    assert client.get(f"/imports/{other.pk}/").status_code == 404
    assert client.get(f"/api/v1/import-jobs/{other.pk}/").status_code == 404
    assert client.get("/api/v1/import-jobs/").json()["results"] == []
