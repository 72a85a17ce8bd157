"""Create the `moderators` group: its members may protect, revert, delete and restore pages."""

from django.db import migrations

GROUP = "moderators"


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name=GROUP)


def remove_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wiki", "0001_pages_and_revisions"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
