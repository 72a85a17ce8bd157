"""Page.key and PageLink.target_key under the one folding rule of core.text (it now folds
«guillemets» to plain quotes, as the importer's keys always did). Slugs are unchanged."""

from django.db import migrations

from core.text import fold


def refold_keys(apps, schema_editor):
    for model, field in ((apps.get_model("wiki", "Page"), "key"),
                         (apps.get_model("wiki", "PageLink"), "target_key")):  # fmt: skip
        title = "title" if field == "key" else "target_title"
        rows = model.objects.exclude(**{f"{title}__regex": r"^[ -~]*$"})
        for pk, text, key in rows.values_list("pk", title, field).iterator():
            if fold(text)[:255] != key:
                model.objects.filter(pk=pk).update(**{field: fold(text)[:255]})


class Migration(migrations.Migration):
    dependencies = [("wiki", "0007_page_current_html_data")]

    operations = [migrations.RunPython(refold_keys, migrations.RunPython.noop)]
