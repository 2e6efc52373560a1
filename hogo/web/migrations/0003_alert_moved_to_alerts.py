"""The Alert model now belongs to the alerts app (same table): only Django's state changes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("web", "0002_alert_link_alert_recipient"),
        ("alerts", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="Alert")],
        ),
    ]
