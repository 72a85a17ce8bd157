"""The replica router's rules (core.replicas), without replicas: the drill
(tests/drills/test_replica.py) runs them against a real streaming replica."""

import pytest
from django.db import transaction

from core import replicas
from core.replicas import ReplicaRouter, _Request, parse_lsn
from wiki.models import Page


def test_wal_positions_order_as_postgresql_orders_them():
    assert parse_lsn("0/16B3748") < parse_lsn("0/16B3749") < parse_lsn("1/0")
    assert parse_lsn("16/B374D848") == (0x16 << 32) + 0xB374D848


@pytest.mark.parametrize("text", ["", "nonsense", "1/zz", "/"])
def test_a_cookie_that_is_no_wal_position_asks_for_nothing(text):
    assert parse_lsn(text) is None


def test_a_replica_is_behind_by_the_age_of_the_oldest_position_it_has_not_replayed(monkeypatch):
    samples = replicas._Replicas()
    samples.primary.extend([(100.0, 10), (101.0, 20), (102.0, 30)])
    monkeypatch.setattr(replicas, "_replicas", samples)
    assert replicas._lag_seconds(30, now=103.0) == 0.0
    assert replicas._lag_seconds(20, now=103.0) == pytest.approx(1.0)
    assert replicas._lag_seconds(5, now=103.0) == pytest.approx(3.0)


@pytest.fixture
def reading_from_replica():
    state = _Request(replica="replica1")
    token = replicas._request.set(state)
    yield state
    replicas._request.reset(token)


def test_reads_go_to_the_chosen_replica_and_writes_to_the_primary(reading_from_replica):
    router = ReplicaRouter()
    assert router.db_for_read(Page) == "replica1"
    assert router.db_for_write(Page) == "default"


def test_after_a_write_the_rest_of_the_request_reads_from_the_primary(reading_from_replica):
    router = ReplicaRouter()
    router.db_for_write(Page)
    assert reading_from_replica.wrote
    assert router.db_for_read(Page) == "default"


@pytest.mark.django_db
def test_reads_inside_a_transaction_on_the_primary_stay_on_the_primary(reading_from_replica):
    with transaction.atomic():
        assert ReplicaRouter().db_for_read(Page) == "default"


def test_outside_a_request_every_read_is_the_primarys():
    assert ReplicaRouter().db_for_read(Page) == "default"
    assert ReplicaRouter().allow_migrate("replica1", "wiki") is False


def test_a_replica_behind_the_sites_latest_write_is_not_current(monkeypatch, reading_from_replica):
    seen = replicas._Replicas()
    seen.replayed = {"replica1": 100}
    monkeypatch.setattr(replicas, "_replicas", seen)
    reading_from_replica.started = 1_000
    reading_from_replica.latest_write = 100
    assert replicas.current() and replicas.current(generation=999)
    # A generation set after the request began: its write may be past what the request read.
    assert not replicas.current(generation=1_001)
    reading_from_replica.latest_write = 101
    assert not replicas.current()


def test_a_page_to_be_kept_is_read_from_the_primary_when_no_replica_has_the_latest_write(
    monkeypatch, reading_from_replica
):
    seen = replicas._Replicas(checked_at=float("inf"))  # no new look during the test
    seen.replayed = {"replica1": 100}
    monkeypatch.setattr(replicas, "_replicas", seen)
    monkeypatch.setattr(replicas, "replica_aliases", lambda: ["replica1"])
    reading_from_replica.latest_write = 150
    replicas.read_current()
    assert reading_from_replica.replica is None
    assert ReplicaRouter().db_for_read(Page) == "default"
