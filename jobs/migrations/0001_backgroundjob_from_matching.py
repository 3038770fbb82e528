"""BackgroundJob, formerly matching's: the model's state comes over on the existing table, which is then
renamed for this app. Its rows are kept."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("matching", "0007_backgroundjob_to_jobs_app"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="BackgroundJob",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(max_length=16, verbose_name="kind")),
                        ("status", models.CharField(choices=[("queued", "Queued"), ("running", "Running"), ("succeeded", "Succeeded"), ("failed", "Failed")], db_index=True, default="queued", max_length=16, verbose_name="status")),
                        ("options", models.JSONField(blank=True, default=dict, verbose_name="options")),
                        ("phase", models.CharField(blank=True, max_length=32, verbose_name="phase")),
                        ("phases", models.JSONField(blank=True, default=list, verbose_name="phases")),
                        ("progress", models.PositiveSmallIntegerField(default=0, verbose_name="progress (%)")),
                        ("result", models.JSONField(blank=True, default=dict, verbose_name="result")),
                        ("error", models.TextField(blank=True, verbose_name="error")),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="created")),
                        ("started_at", models.DateTimeField(blank=True, null=True, verbose_name="started")),
                        ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="finished")),
                        ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="started by")),
                    ],
                    options={
                        "verbose_name": "background job",
                        "verbose_name_plural": "background jobs",
                        "ordering": ["-created_at", "-id"],
                        "db_table": "matching_backgroundjob",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="backgroundjob", table=None),
    ]
