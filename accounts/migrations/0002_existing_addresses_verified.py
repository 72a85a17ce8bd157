"""Accounts made before verification existed keep their mail: their addresses count as verified
(they were mailed password resets and notifications before; asking them all to click a link
would silently stop their watchlists)."""

from django.conf import settings
from django.db import migrations


def verify_existing(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    VerifiedEmail = apps.get_model("accounts", "VerifiedEmail")
    VerifiedEmail.objects.bulk_create(
        VerifiedEmail(user_id=pk, email=email)
        for pk, email in User.objects.exclude(email="").values_list("pk", "email")
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_verified_email")]

    operations = [migrations.RunPython(verify_existing, migrations.RunPython.noop)]
