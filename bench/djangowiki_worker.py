"""Creates pages in django-wiki 0.13, in-process: run by bench/djangowiki.py with the python of a
throwaway virtualenv where django-wiki is installed. Imports nothing of bigsoc's.

    python bench/djangowiki_worker.py DATABASE_URL PAGES.json   # prints one JSON line

PAGES.json is a list of [slug, title, text]. Each page is `URLPath.create_urlpath` under the root
article, its own transaction, as django-wiki's create view does it; django-wiki's default apps
and plugins are installed, so its signals (notifications, the plugins' hooks) run as on a site.
"""

import json
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

# This module is the URLconf too (django-wiki reverses its addresses when it saves); filled once
# Django is set up.
urlpatterns: list = []


def configure(database_url: str) -> None:
    import django
    from django.conf import settings

    parts = urlsplit(database_url)
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-django-wiki-" + "k" * 40,
        SITE_ID=1,
        USE_TZ=True,
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": parts.path.lstrip("/"),
                "USER": parts.username or "",
                "PASSWORD": parts.password or "",
                "HOST": parts.hostname or "",
                "PORT": str(parts.port or ""),
            }
        },
        # django-wiki's installation guide: its apps, its dependencies and its default plugins.
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "django.contrib.humanize.apps.HumanizeConfig",
            "django.contrib.sessions",
            "django.contrib.messages",
            "django.contrib.sites.apps.SitesConfig",
            "django.contrib.staticfiles",
            "django_nyt.apps.DjangoNytConfig",
            "mptt",
            "sekizai",
            "sorl.thumbnail",
            "wiki.apps.WikiConfig",
            "wiki.plugins.attachments.apps.AttachmentsConfig",
            "wiki.plugins.notifications.apps.NotificationsConfig",
            "wiki.plugins.images.apps.ImagesConfig",
            "wiki.plugins.macros.apps.MacrosConfig",
        ],
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.contrib.auth.context_processors.auth",
                        "django.template.context_processors.request",
                        "sekizai.context_processors.sekizai",
                    ]
                },
            }
        ],
        STATIC_URL="/static/",
        ROOT_URLCONF="__main__",
    )
    django.setup()
    from django.urls import include, path

    urlpatterns.append(path("", include("wiki.urls")))


def main() -> None:
    database_url, pages_path = sys.argv[1], sys.argv[2]
    configure(database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from wiki.models import URLPath

    pages = json.loads(Path(pages_path).read_text())
    root = URLPath.create_root(title="Bench root")
    cpu, start = time.process_time(), time.perf_counter()
    for slug, title, text in pages:
        URLPath.create_urlpath(root, slug, title=title, content=text)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    result = {"pages": len(pages), "seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
