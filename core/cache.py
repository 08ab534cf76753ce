"""Django's Redis cache, with one Redis client per connection pool instead of a new one per command.

``django.core.cache.backends.redis.RedisCacheClient.get_client`` builds a ``redis.Redis`` object on every
cache call; with redis-py 8 that object takes longer to build than the GET it sends (a logged-in page
makes about five cache calls). A client is safe to share between threads (each command borrows a
connection from the pool), and the pool itself notices a fork.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
