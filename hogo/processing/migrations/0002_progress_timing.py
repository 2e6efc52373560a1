"""When a processing job really began and when its detections were ready: the time-left
estimate and the work queue read them."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('processing', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='processing',
            name='analysed_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='processing',
            name='progress_started_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
