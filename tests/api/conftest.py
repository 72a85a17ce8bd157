"""API fixtures: volunteers with tokens, and a JSON client."""

import json

import pytest

from api.tokens import create_token
from wiki.services import create_page


@pytest.fixture
def volunteer(django_user_model):
    return django_user_model.objects.create_user("vol", password="x-vol-9")


@pytest.fixture
def write_token(volunteer):
    return create_token(user=volunteer, name="bot", scope="write")[1]


@pytest.fixture
def read_token(volunteer):
    return create_token(user=volunteer, name="dashboard", scope="read")[1]


@pytest.fixture
def send(client):
    """`send(method, url, body=None, token=None, **headers)` → the response."""

    def call(method, url, body=None, token=None, **headers):
        if token:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        data = json.dumps(body) if body is not None else None
        return client.generic(
            method, url, data=data or "", content_type="application/json", **headers
        )

    return call


@pytest.fixture
def make_page():
    def make(title="Volunteering", text="First text.", author=None):
        return create_page(title=title, text=text, author=author).page

    return make
