"""Project-wide guarantees: migrations match models; production settings pass deploy checks."""

import subprocess

import pytest
from django.core.management import call_command
from django.db import connection

from tests.processes import PRODUCTION_LIKE, ROOT, run_manage


@pytest.mark.django_db
def test_models_have_no_missing_migrations():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_database_is_postgresql():
    assert connection.vendor == "postgresql"


def test_production_settings_pass_deploy_checks():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_LIKE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_secret_key():
    result = run_manage("check", DEBUG="0", ALLOWED_HOSTS="wiki.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def _setting(name: str, **env: str):
    code = f"from django.conf import settings; print(repr(settings.{name}))"
    result = run_manage("shell", "-c", code, **PRODUCTION_LIKE, **env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_sessions_are_read_from_redis_and_kept_in_postgresql_when_redis_is_configured():
    assert _setting("SESSION_ENGINE", REDIS_URL="redis://127.0.0.1:6379/7") == (
        "'django.contrib.sessions.backends.cached_db'"
    )
    # Without Redis the cache is a database table, so sessions stay plainly in the database
    # (Django's database engine, read with a fixed statement: core/sessions.py).
    assert _setting("SESSION_ENGINE", REDIS_URL="") == "'core.sessions'"


def test_kept_fragments_are_off_with_the_page_cache():
    # Storing a fragment that expires at once cost every uncached search four cache round trips.
    fragments = "CACHES.get('template_fragments', {}).get('BACKEND')"
    assert _setting(fragments, PAGE_CACHE_SECONDS="0") == (
        "'django.core.cache.backends.dummy.DummyCache'"
    )
    kept = "CACHES['template_fragments'].get('KEY_PREFIX')"
    assert _setting(kept, PAGE_CACHE_SECONDS="600", RELEASE="abc123") == "'release-abc123'"


def test_the_release_is_a_digest_of_the_source_unless_a_deploy_names_it(tmp_path):
    from core.release import source_digest

    (tmp_path / "app" / "templates").mkdir(parents=True)
    page = tmp_path / "app" / "templates" / "page.html"
    page.write_text("<p>one</p>")
    (tmp_path / "app" / "notes.md").write_text("not source")
    before = source_digest(tmp_path, ["app"])
    (tmp_path / "app" / "notes.md").write_text("still not source")
    assert source_digest(tmp_path, ["app"]) == before
    page.write_text("<p>two</p>")
    assert source_digest(tmp_path, ["app"]) != before
    assert _setting("RELEASE", RELEASE="v42") == "'v42'"


def test_email_links_follow_the_port_the_development_server_was_given():
    assert _setting("SITE_URL", PORT="8300") == "'http://127.0.0.1:8300'"
    assert _setting("SITE_URL", PORT="8300", SITE_URL="https://wiki.example.org") == (
        "'https://wiki.example.org'"
    )


def test_make_run_tells_the_server_and_the_worker_the_port_it_serves():
    plan = subprocess.run(
        ["make", "-n", "run", "PORT=8300"], cwd=ROOT, capture_output=True, text=True, timeout=60
    ).stdout
    start = plan[plan.index("export SITE_URL") :]
    assert "http://127.0.0.1:8300" in start.split(";")[0]
    assert start.index("send_notifications") < start.index("runserver 127.0.0.1:8300")
