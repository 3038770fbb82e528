# The encoder changes how Python writes the JSON text (UTF-8 characters instead of \u escapes), not the
# column: state only, so SQLite does not rebuild the history table for it.

import matching.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('matching', '0004_stored_plans_and_jobs'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='assignment',
                    name='shared_hobbies',
                    field=models.JSONField(blank=True, default=list, encoder=matching.models.TermsJSONEncoder,
                                           verbose_name='shared hobbies'),
                ),
                migrations.AlterField(
                    model_name='assignment',
                    name='shared_needs',
                    field=models.JSONField(blank=True, default=list, encoder=matching.models.TermsJSONEncoder,
                                           verbose_name='shared needs'),
                ),
            ],
            database_operations=[],
        ),
    ]
