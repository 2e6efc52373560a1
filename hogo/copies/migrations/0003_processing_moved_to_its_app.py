"""Processing now lives in the processing app (its 0001 took over the model's state and the
table copies_processing); copies only forgets it, without touching the database."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('copies', '0002_copy_count_note_copy_parent_copy_people_count_and_more'),
        ('processing', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Processing')],
            database_operations=[],
        ),
    ]
