"""The group membership table gets its foreign keys back (0005 had dropped them for speed).

Memberships whose comment or group no longer exists (possible while there were no constraints)
are removed first: they are derived data, and the next grouping run would rebuild them anyway.
"""

import django.db.models.deletion
from django.db import migrations, models


def remove_orphans(apps, schema_editor):
    Comment = apps.get_model("consultations", "Comment")
    CommentGroup = apps.get_model("consultations", "CommentGroup")
    CommentGroupMember = apps.get_model("consultations", "CommentGroupMember")
    CommentGroupMember.objects.exclude(comment_id__in=Comment.objects.values("pk")).delete()
    CommentGroupMember.objects.exclude(group_id__in=CommentGroup.objects.values("pk")).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("consultations", "0005_group_member_without_constraints"),
    ]

    operations = [
        migrations.RunPython(remove_orphans, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="commentgroupmember",
            name="comment",
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name="group_member", serialize=False, to="consultations.comment"),
        ),
        migrations.AlterField(
            model_name="commentgroupmember",
            name="group",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="members", to="consultations.commentgroup"),
        ),
    ]
