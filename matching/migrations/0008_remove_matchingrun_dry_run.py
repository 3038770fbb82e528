"""One dry run: a preview (kind "preview", its plan in PlannedChange rows). Automatic runs no longer have
a dry-run mode, so the flag goes; the dry runs already stored changed nothing and become previews
(without a stored plan), so that no page takes them for runs that wrote, and undo refuses them."""
from django.db import migrations


def dry_runs_to_previews(apps, schema_editor):
    MatchingRun = apps.get_model("matching", "MatchingRun")
    MatchingRun.objects.filter(dry_run=True).update(kind="preview")


def previews_to_dry_runs(apps, schema_editor):
    MatchingRun = apps.get_model("matching", "MatchingRun")
    MatchingRun.objects.filter(kind="preview").update(dry_run=True)


class Migration(migrations.Migration):

    dependencies = [
        ("matching", "0007_backgroundjob_to_jobs_app"),
    ]

    operations = [
        migrations.RunPython(dry_runs_to_previews, previews_to_dry_runs),
        migrations.RemoveField(model_name="matchingrun", name="dry_run"),
    ]
