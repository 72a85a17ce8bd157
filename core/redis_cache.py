"""Django's Redis cache backend, keeping one Redis client per connection pool.

Django's `RedisCacheClient` builds a new `redis.Redis` for every cache command. Building one
(it fills a table of response callbacks) costs more than a GET round trip to a local Redis,
and a logged-in page makes many commands (figures: docs/performance.md). A
client holds no state of its own between commands besides its pool, and redis-py clients may be
shared between threads, so one per pool is kept for the life of the process.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
