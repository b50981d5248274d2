"""``CommentGroup.comments`` was never used (memberships are read through ``members``). The
relation had its own table (``CommentGroupMember``), which stays: a change of state only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("consultations", "0006_group_member_foreign_keys"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.RemoveField(model_name="commentgroup", name="comments")],
        ),
    ]
