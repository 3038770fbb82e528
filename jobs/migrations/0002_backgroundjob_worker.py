"""BackgroundJob.worker: the process (host:pid) that started the job, recorded by jobs.execution.job_execute."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("jobs", "0001_backgroundjob_from_matching"),
    ]

    operations = [
        migrations.AddField(
            model_name="backgroundjob",
            name="worker",
            field=models.CharField(blank=True, help_text="The process running the job: host name and process id.", max_length=200, verbose_name="worker"),
        ),
    ]
