"""Project-wide guarantees: migrations match models; production settings pass deploy checks."""

import pytest
from django.core.management import call_command
from django.db import connection

from tests.processes import PRODUCTION_LIKE, run_manage


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
