"""expires_on now holds the last day a copy is kept (保存期間の満了日, Civil Code Arts. 140,
143); it used to hold the first day of erasure. Copies extended before this stored the day
after the extension's last day: they now store that last day itself."""

import datetime as dt

from django.db import migrations, models


def extension_last_day(apps, schema_editor):
    Copy = apps.get_model("copies", "Copy")
    moved = {}  # parent pk -> (old, new): a masked copy made after the extension took the old
    for copy in Copy.objects.filter(erased_at__isnull=True, extensions__isnull=False).distinct():
        until = max(e.until for e in copy.extensions.all())
        if copy.expires_on == until + dt.timedelta(days=1):
            moved[copy.pk] = (copy.expires_on, until)
            copy.expires_on = until
            copy.save(update_fields=["expires_on"])
    for copy in Copy.objects.filter(erased_at__isnull=True, parent_id__in=list(moved),
                                    extensions__isnull=True):
        old, new = moved[copy.parent_id]
        if copy.expires_on == old:
            copy.expires_on = new
            copy.save(update_fields=["expires_on"])


class Migration(migrations.Migration):

    dependencies = [
        ('copies', '0003_processing_moved_to_its_app'),
    ]

    operations = [
        migrations.AlterField(
            model_name='copy',
            name='expires_on',
            field=models.DateField(verbose_name='保存期間の満了日'),
        ),
        migrations.AlterField(
            model_name='retentionextension',
            name='reason',
            field=models.CharField(choices=[('evidence', '証拠保全等の理由により特に必要'), ('law', '法令等の規定により保管が義務付けられる'), ('investigation', '捜査機関から犯罪捜査の目的による要請')], max_length=20, verbose_name='延長の理由'),
        ),
        migrations.AlterField(
            model_name='retentionextension',
            name='until',
            field=models.DateField(verbose_name='延長後の保存期間の満了日'),
        ),
        migrations.RunPython(extension_last_day, migrations.RunPython.noop),
    ]
