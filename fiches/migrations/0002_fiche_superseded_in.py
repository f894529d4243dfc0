from django.db import migrations, models
from django.db.models import Case, OuterRef, Subquery, When

APPROVED = "approved"


def fill_superseded_in(apps, schema_editor):  # type: ignore[no-untyped-def]
    """The same as fiches.services.supersession_refresh, over every fiche."""
    fiche = apps.get_model("fiches", "Fiche")
    next_approved = (
        fiche.objects.filter(
            action_id=OuterRef("action_id"), state=APPROVED, year__gt=OuterRef("year")
        )
        .order_by("year")
        .values("year")[:1]
    )
    fiche.objects.update(superseded_in=Case(When(state=APPROVED, then=Subquery(next_approved))))


class Migration(migrations.Migration):
    dependencies = [
        ("fiches", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="fiche",
            name="superseded_in",
            field=models.PositiveSmallIntegerField(
                blank=True, editable=False, null=True, verbose_name="opgevolgd in"
            ),
        ),
        migrations.RunPython(fill_superseded_in, migrations.RunPython.noop),
    ]
