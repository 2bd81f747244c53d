import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def known_from_live_sessions(apps, schema_editor):
    """The devices of the sessions live at the upgrade are known: no alert for every user's next login."""
    from sessions_api.devices import device_of

    user_session, known_device = (
        apps.get_model("sessions_api", name) for name in ("UserSession", "KnownDevice")
    )
    latest: dict[tuple, object] = {}
    rows = user_session.objects.values_list("user_id", "user_agent", "created_at").iterator(chunk_size=2000)
    for user_id, user_agent, created_at in rows:
        device = device_of(user_agent)
        key = (user_id, device.browser, device.os)
        latest[key] = max(latest.get(key, created_at), created_at)
    known_device.objects.bulk_create(
        [known_device(user_id=u, browser=b, os=o, last_login_at=at) for (u, b, o), at in latest.items()],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("sessions_api", "0006_usersession_authenticated_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="usersession",
            name="new_device",
            field=models.BooleanField(
                db_default=False,
                default=False,
                help_text="Its login came from a browser and OS its user had not logged in from lately.",
            ),
        ),
        migrations.CreateModel(
            name="KnownDevice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("browser", models.CharField(max_length=64)),
                ("os", models.CharField(max_length=64)),
                ("last_login_at", models.DateTimeField()),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="known_devices",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "browser", "os"), name="knowndevice_user_browser_os"
                    )
                ],
            },
        ),
        migrations.RunPython(known_from_live_sessions, migrations.RunPython.noop),
    ]
