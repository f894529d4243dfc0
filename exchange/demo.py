"""Imports into the demo plan go with it when the demo is purged."""

from __future__ import annotations

from django.db import transaction

from actionplan.demo import delete_files_on_commit, demo_plans
from actionplan.history import delete_with_history
from exchange.models import ImportJob


def demo_imports_purge() -> dict[str, int]:
    """Delete the import jobs of demo plans (their files once committed) with their history."""
    jobs = ImportJob.objects.filter(plan__in=demo_plans())
    with transaction.atomic():
        files = [job.file for job in jobs.exclude(file="")]
        counts = {"imports": delete_with_history(jobs)}
        delete_files_on_commit(files)
    return counts
