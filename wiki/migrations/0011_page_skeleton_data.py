"""Every page's skeleton (core.confusables), for the look-alike check on new titles."""

from django.db import migrations


def skeletons(apps, schema_editor):
    from core.confusables import skeleton

    Page = apps.get_model("wiki", "Page")
    pages = list(Page.objects.only("pk", "title"))
    for page in pages:
        page.skeleton = skeleton(page.title)
    Page.objects.bulk_update(pages, ["skeleton"], batch_size=1000)



class Migration(migrations.Migration):
    dependencies = [("wiki", "0010_page_skeleton")]

    operations = [migrations.RunPython(skeletons, migrations.RunPython.noop)]
