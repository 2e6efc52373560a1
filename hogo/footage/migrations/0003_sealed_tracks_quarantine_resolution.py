"""GPS tracks move from a plaintext column to one sealed under each original's data key;
recording names may be as long as upload paths; quarantined uploads record their resolution;
finished uploads no longer keep a copy of their object's data key."""

import json

from django.db import migrations, models


def seal_existing_tracks(apps, schema_editor):
    from hogo.footage.objects import get_store

    Segment = apps.get_model("footage", "Segment")
    kept = Segment.objects.exclude(gps_track=[]).filter(erased_at__isnull=True)
    for segment in kept.select_related("stored").iterator():
        if not segment.stored.wrapped_key:
            continue
        segment.gps_sealed = get_store().seal(
            segment.stored.wrapped_key,
            json.dumps(segment.gps_track, separators=(",", ":")).encode(), f"gps:{segment.pk}")
        segment.save(update_fields=["gps_sealed"])


def date_quarantined_uploads(apps, schema_editor):
    """Files already in quarantine count their kept days from when they were put there."""
    Upload = apps.get_model("footage", "Upload")
    Upload.objects.filter(state="quarantined").update(quarantined_at=models.F("updated_at"))


def forget_finished_upload_keys(apps, schema_editor):
    """Finished uploads kept their data key wrapped: erasure did not reach that copy."""
    Upload = apps.get_model("footage", "Upload")
    Upload.objects.exclude(state="receiving").exclude(wrapped_key="").update(wrapped_key="")


class Migration(migrations.Migration):

    dependencies = [
        ('footage', '0002_upload_footage_upl_recorde_deb7b8_idx'),
    ]

    operations = [
        migrations.AddField(
            model_name='segment',
            name='gps_sealed',
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(seal_existing_tracks, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='segment',
            name='gps_track',
        ),
        migrations.RunPython(forget_finished_upload_keys, migrations.RunPython.noop),
        migrations.AddField(
            model_name='upload',
            name='quarantined_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(date_quarantined_uploads, migrations.RunPython.noop),
        migrations.AddField(
            model_name='upload',
            name='resolution_note',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='upload',
            name='resolved_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='upload',
            name='resolved_by',
            field=models.CharField(blank=True, max_length=150),
        ),
        migrations.AlterField(
            model_name='segment',
            name='original_name',
            field=models.CharField(max_length=500, verbose_name='ファイル名'),
        ),
        migrations.AlterField(
            model_name='upload',
            name='state',
            field=models.CharField(choices=[('receiving', '受信中'), ('ingested', '登録済み'), ('duplicate', '登録済み（重複）'), ('quarantined', '隔離'), ('failed', '失敗（再送が必要）'), ('erased', '隔離後に消去')], default='receiving', max_length=12),
        ),
        migrations.AlterField(
            model_name='deletionrecord',
            name='what',
            field=models.CharField(max_length=700),
        ),
        migrations.AddIndex(
            model_name='upload',
            index=models.Index(fields=['state', 'uploaded_by'], name='upload_open_by_token'),
        ),
    ]
