from django.db import migrations, models
from django.db.models import F


def proved_at_login(apps, schema_editor):
    """A session signed in before step-up last proved the password when it was created."""
    apps.get_model("sessions_api", "UserSession").objects.update(authenticated_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("sessions_api", "0005_usersession_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="usersession",
            name="authenticated_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(proved_at_login, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="usersession",
            name="authenticated_at",
            field=models.DateTimeField(
                help_text="When its user last proved the password for it: at login, and at each "
                "reauthentication."
            ),
        ),
    ]
