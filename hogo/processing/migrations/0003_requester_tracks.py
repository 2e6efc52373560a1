"""The tracks a reviewer marks as the requester's in a person's own footage (R-607): left
unmasked while everyone else is masked."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('processing', '0002_progress_timing'),
    ]

    operations = [
        migrations.AddField(
            model_name='processing',
            name='requester_tracks',
            field=models.JSONField(blank=True, default=list),
        ),
    ]
