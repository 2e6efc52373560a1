"""The Alert model moves here from the web app; its table (web_alert) stays where it is."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0002_user_totp_last_step"),
        ("web", "0002_alert_link_alert_recipient"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Alert",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                                   serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(max_length=60)),
                        ("key", models.CharField(db_index=True, max_length=200)),
                        ("message", models.TextField(verbose_name="内容")),
                        ("link", models.CharField(blank=True, max_length=200)),
                        ("created_at", models.DateTimeField()),
                        ("acknowledged_at", models.DateTimeField(blank=True, null=True)),
                        ("acknowledged_by", models.ForeignKey(
                            blank=True, null=True,
                            on_delete=django.db.models.deletion.PROTECT,
                            to=settings.AUTH_USER_MODEL)),
                        ("department", models.ForeignKey(
                            blank=True, null=True,
                            on_delete=django.db.models.deletion.PROTECT,
                            to="accounts.department")),
                        ("recipient", models.ForeignKey(
                            blank=True, null=True,
                            on_delete=django.db.models.deletion.PROTECT,
                            related_name="alerts", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={"ordering": ["-created_at"], "db_table": "web_alert"},
                ),
            ],
        ),
    ]
