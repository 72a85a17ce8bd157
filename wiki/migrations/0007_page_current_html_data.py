"""Fill Page.html and Page.toc_html from each page's current revision (as saved)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Page = apps.get_model("wiki", "Page")
    Revision = apps.get_model("wiki", "Revision")
    current = Revision.objects.filter(pk=OuterRef("current_revision_id"))
    Page.objects.filter(current_revision__isnull=False).update(
        html=Subquery(current.values("html")[:1]), toc_html=Subquery(current.values("toc_html")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("wiki", "0006_page_current_html")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
