"""One username rule on every database: unique ignoring case, accents kept (see accounts.models.username_key).

Adds `username_key`, fills it for existing users, makes it unique; on MySQL/MariaDB both the username
and its key are compared byte for byte (utf8mb4_bin), since the default collation there equates
`josé` with `jose` and `Customer1` with `customer1` while SQLite does not.
"""
import unicodedata

from django.db import migrations, models


def fill_keys(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    users = list(User.objects.only("pk", "username"))
    for user in users:
        user.username_key = unicodedata.normalize("NFKC", user.username).casefold()
    User.objects.bulk_update(users, ["username_key"], batch_size=1000)


def binary_collation(apps, schema_editor):
    if schema_editor.connection.vendor != "mysql":
        return
    table = schema_editor.quote_name("accounts_user")
    for column in ("username", "username_key"):
        schema_editor.execute(
            f"ALTER TABLE {table} MODIFY {schema_editor.quote_name(column)} "
            "varchar(150) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL"
        )


def default_collation(apps, schema_editor):
    if schema_editor.connection.vendor != "mysql":
        return
    table = schema_editor.quote_name("accounts_user")
    schema_editor.execute(f"ALTER TABLE {table} MODIFY {schema_editor.quote_name('username')} varchar(150) NOT NULL")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="user", name="username_key",
            field=models.CharField(default="", editable=False, max_length=150, verbose_name="username key",
                                   help_text="The username case-folded: two usernames differing only in case are one user."),
            preserve_default=False,
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user", name="username_key",
            field=models.CharField(editable=False, max_length=150, unique=True, verbose_name="username key",
                                   help_text="The username case-folded: two usernames differing only in case are one user."),
        ),
        migrations.RunPython(binary_collation, default_collation, atomic=False),  # DDL: MySQL cannot roll it back
    ]
