"""Dashboard indexes: pending actions read in (status, due_on, id) order; upcoming meetings by ends_on."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('coordination', '0004_liaison_reply_due_index'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='actionitem',
            name='action_status_due_idx',
        ),
        migrations.AddIndex(
            model_name='actionitem',
            index=models.Index(fields=['status', 'due_on', 'id'], name='action_status_due_id_idx'),
        ),
        migrations.AddIndex(
            model_name='meeting',
            index=models.Index(fields=['ends_on'], name='meeting_ends_idx'),
        ),
    ]
