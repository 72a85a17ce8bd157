"""The data migrations that brought stored keys to the one folding rule (core.text.fold)."""

import importlib

import pytest
from django.apps import apps

from core.text import fold
from posts.models import Post
from tests.wiki.conftest import make_page
from wiki.models import Page, PageLink

pytestmark = pytest.mark.django_db


def migration(app: str, name: str):
    return importlib.import_module(f"{app}.migrations.{name}")


def test_post_keys_folded_by_the_importers_old_rule_are_refolded():
    soft = Post.objects.create(
        title="Big So\u00adciety", slug="a", key="big so\u00adciety", body=""
    )
    plain = Post.objects.create(title="Plain title", slug="b", key="plain title", body="")
    migration("posts", "0008_refold_post_keys").refold_post_keys(apps, None)
    soft.refresh_from_db()
    plain.refresh_from_db()
    assert soft.key == "big society" == fold(soft.title)
    assert plain.key == "plain title"


def test_a_post_whose_new_key_is_taken_keeps_its_old_key_for_the_next_import_to_merge():
    Post.objects.create(title="Big Society", slug="a", key="big society", body="")
    Post.objects.create(title="Big So\u00adciety", slug="b", key="big so\u00adciety", body="")
    migration("posts", "0008_refold_post_keys").refold_post_keys(apps, None)
    assert set(Post.objects.values_list("key", flat=True)) == {"big society", "big so\u00adciety"}


def test_page_and_link_keys_folded_by_the_wikis_old_rule_are_refolded():
    page = make_page(title="\u00abLa Société\u00bb", text="See [[\u00abAutre\u00bb]].")
    Page.objects.filter(pk=page.pk).update(key="\u00abla société\u00bb")
    PageLink.objects.filter(from_page=page).update(target_key="\u00abautre\u00bb")
    migration("wiki", "0008_refold_keys").refold_keys(apps, None)
    page.refresh_from_db()
    assert page.key == '"la société"'
    assert PageLink.objects.get(from_page=page).target_key == '"autre"'
