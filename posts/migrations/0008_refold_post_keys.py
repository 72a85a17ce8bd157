"""Post.key under the one folding rule of core.text (it now drops every invisible format
character, soft hyphens and zero-width joiners included, as the wiki's keys always did).

Only titles with a character outside printable ASCII can fold differently, so only those are
read. A post whose new key another post already holds keeps its old key: the two are twins under
the new rule, and the next import of their archive merges them as it merges any twins.
"""

from django.db import migrations

from core.text import fold


def refold_post_keys(apps, schema_editor):
    Post = apps.get_model("posts", "Post")
    rows = Post.objects.exclude(title__regex=r"^[ -~]*$").values_list("pk", "title", "key")
    changed = [(pk, fold(title)) for pk, title, key in rows.iterator() if fold(title) != key]
    if not changed:
        return
    taken = set(
        Post.objects.filter(key__in=[key for _, key in changed]).values_list("key", flat=True)
    )
    for pk, key in changed:
        if key not in taken:
            Post.objects.filter(pk=pk).update(key=key)
            taken.add(key)


class Migration(migrations.Migration):
    dependencies = [("posts", "0007_post_no_default_ordering")]

    operations = [migrations.RunPython(refold_post_keys, migrations.RunPython.noop)]
