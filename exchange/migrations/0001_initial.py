# ImportJob moved here from actionplan (actionplan 0003). The tables already exist under
# their old names (db_table), so the model enters this app's state only; the database keeps
# every row. Content types follow, so that permissions and admin log entries stay attached.

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

MODELS = ("importjob", "historicalimportjob")


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label="exchange", model=model).exists():
            ContentType.objects.filter(app_label="actionplan", model=model).update(
                app_label="exchange"
            )


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label="actionplan", model=model).exists():
            ContentType.objects.filter(app_label="exchange", model=model).update(
                app_label="actionplan"
            )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('actionplan', '0003_move_importjob_to_exchange'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalImportJob',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('actions', 'acties'), ('indicator-values', 'indicatorwaarden')], max_length=20, verbose_name='soort')),
                        ('file', models.TextField(max_length=100, verbose_name='bestand')),
                        ('filename', models.CharField(max_length=255, verbose_name='bestandsnaam')),
                        ('status', models.CharField(choices=[('queued', 'in wachtrij'), ('checking', 'wordt nagekeken'), ('checked', 'nagekeken'), ('applying', 'wordt toegepast'), ('applied', 'toegepast'), ('failed', 'mislukt')], default='queued', max_length=10, verbose_name='status')),
                        ('result', models.JSONField(blank=True, default=dict, verbose_name='resultaat')),
                        ('error', models.TextField(blank=True, verbose_name='foutmelding')),
                        ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='opgeladen op')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.TextField(null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('plan', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='actionplan.plan', verbose_name='actieplan')),
                        ('requested_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='door')),
                    ],
                    options={
                        'verbose_name': 'historical import',
                        'verbose_name_plural': 'historical imports',
                        'db_table': 'actionplan_historicalimportjob',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='ImportJob',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('actions', 'acties'), ('indicator-values', 'indicatorwaarden')], max_length=20, verbose_name='soort')),
                        ('file', models.FileField(upload_to='imports/%Y/', verbose_name='bestand')),
                        ('filename', models.CharField(max_length=255, verbose_name='bestandsnaam')),
                        ('status', models.CharField(choices=[('queued', 'in wachtrij'), ('checking', 'wordt nagekeken'), ('checked', 'nagekeken'), ('applying', 'wordt toegepast'), ('applied', 'toegepast'), ('failed', 'mislukt')], default='queued', max_length=10, verbose_name='status')),
                        ('progress', models.PositiveSmallIntegerField(default=0, verbose_name='voortgang (%)')),
                        ('result', models.JSONField(blank=True, default=dict, verbose_name='resultaat')),
                        ('error', models.TextField(blank=True, verbose_name='foutmelding')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='opgeladen op')),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='imports', to='actionplan.plan', verbose_name='actieplan')),
                        ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='door')),
                    ],
                    options={
                        'verbose_name': 'import',
                        'verbose_name_plural': 'imports',
                        'db_table': 'actionplan_importjob',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
