"""Plans whose first version was approved before ``Plan.baseline_approved_on`` existed get
that date from the version."""

from django.db import migrations


def baseline_from_first_approved_version(apps, schema_editor):
    Plan = apps.get_model("actionplan", "Plan")
    PlanVersion = apps.get_model("planning", "PlanVersion")
    for plan in Plan.objects.filter(baseline_approved_on__isnull=True):
        first = (
            PlanVersion.objects.filter(plan=plan, state="approved").order_by("number").first()
        )
        if first is not None:
            plan.baseline_approved_on = first.decision_date
            plan.save(update_fields=["baseline_approved_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0001_initial"),
        ("actionplan", "0008_plan_baseline_approved_on"),
    ]

    operations = [
        migrations.RunPython(baseline_from_first_approved_version, migrations.RunPython.noop),
    ]
