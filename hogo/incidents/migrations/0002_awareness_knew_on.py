"""One name for the day of knowing (GLOSSARY knew_on): Awareness.aware_from/aware_to become
knew_on/knew_on_latest. RenameField keeps the data."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="awareness", old_name="aware_from",
                               new_name="knew_on"),
        migrations.RenameField(model_name="awareness", old_name="aware_to",
                               new_name="knew_on_latest"),
        migrations.AlterModelOptions(name="awareness",
                                     options={"ordering": ["knew_on", "recorded_at"]}),
    ]
