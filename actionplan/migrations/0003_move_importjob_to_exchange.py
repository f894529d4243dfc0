# ImportJob moved to the exchange app. Its tables stay where they are (the exchange app's
# model keeps db_table "actionplan_importjob" and "actionplan_historicalimportjob"), so this
# only removes the model from actionplan's migration state; exchange 0001 adds it there.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('actionplan', '0002_import_job'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='HistoricalImportJob'),
                migrations.DeleteModel(name='ImportJob'),
            ],
            database_operations=[],
        ),
    ]
