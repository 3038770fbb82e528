"""BackgroundJob moves to the jobs app (jobs/migrations/0001 takes the table over).

The jobs app knows no matching model, so the job's link to the run it produced becomes the "run" key of
its result (which the matching kinds already wrote); the column goes after the copy.
"""
from django.db import migrations


def run_into_result(apps, schema_editor):
    BackgroundJob = apps.get_model("matching", "BackgroundJob")
    for job in BackgroundJob.objects.filter(run__isnull=False).exclude(result__has_key="run").iterator():
        job.result = {**(job.result or {}), "run": job.run_id}
        job.save(update_fields=["result"])


def result_into_run(apps, schema_editor):
    BackgroundJob = apps.get_model("matching", "BackgroundJob")
    MatchingRun = apps.get_model("matching", "MatchingRun")
    for job in BackgroundJob.objects.filter(result__has_key="run").iterator():
        run_id = job.result.get("run")
        if run_id and MatchingRun.objects.filter(pk=run_id).exists():
            BackgroundJob.objects.filter(pk=job.pk).update(run_id=run_id)


class Migration(migrations.Migration):

    dependencies = [
        ("matching", "0006_assignment_note_is_a_text_line"),
    ]

    operations = [
        migrations.RunPython(run_into_result, result_into_run),
        migrations.RemoveField(model_name="backgroundjob", name="run"),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="BackgroundJob")],
            database_operations=[],
        ),
    ]
