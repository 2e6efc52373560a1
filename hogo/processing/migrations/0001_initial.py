"""The Processing model moves here from the copies app: state only, the table stays
(copies_processing), so no row is copied and nothing is locked."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('copies', '0002_copy_count_note_copy_parent_copy_people_count_and_more'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Processing',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('count_only', models.BooleanField(default=False)),
                        ('requested_at', models.DateTimeField()),
                        ('reason', models.TextField(blank=True, verbose_name='加工が必要な理由')),
                        ('mask', models.CharField(choices=[('blur', 'ぼかし'), ('mosaic', 'モザイク'), ('solid', '塗りつぶし')], default='blur', max_length=10, verbose_name='加工の方法')),
                        ('faces', models.BooleanField(default=True, verbose_name='顔')),
                        ('plates', models.BooleanField(default=True, verbose_name='ナンバープレート')),
                        ('keep_audio', models.BooleanField(default=False, verbose_name='音声を残す')),
                        ('state', models.CharField(choices=[('pending', '承認待ち'), ('refused', '不承認'), ('analysing', '検出中'), ('review', '確認待ち'), ('rendering', '加工中'), ('made', '作成済み'), ('counted', '計数済み'), ('failed', '失敗')], default='pending', max_length=10)),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('decided_as', models.CharField(blank=True, max_length=200)),
                        ('decision_note', models.TextField(blank=True)),
                        ('progress', models.PositiveSmallIntegerField(default=0)),
                        ('analysis', models.JSONField(blank=True, null=True)),
                        ('removed_tracks', models.JSONField(blank=True, default=list)),
                        ('added_boxes', models.JSONField(blank=True, default=list)),
                        ('reviewed_at', models.DateTimeField(blank=True, null=True)),
                        ('people_count', models.PositiveIntegerField(blank=True, null=True)),
                        ('plate_count', models.PositiveIntegerField(blank=True, null=True)),
                        ('record', models.JSONField(blank=True, default=dict)),
                        ('error', models.TextField(blank=True)),
                        ('copy', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='processings', to='copies.copy')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('result', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='made_by', to='copies.copy')),
                        ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'copies_processing',
                        'ordering': ['-requested_at'],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
