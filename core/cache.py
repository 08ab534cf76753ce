"""The cache: Django's Redis backend with reused clients, and generation-token caching.

``RedisCache``: Django's Redis cache, with one Redis client per connection pool instead of a new one per
command.

``django.core.cache.backends.redis.RedisCacheClient.get_client`` builds a ``redis.Redis`` object on every
cache call; with redis-py 8 that object takes longer to build than the GET it sends (a logged-in page
makes about five cache calls). A client is safe to share between threads (each command borrows a
connection from the pool), and the pool itself notices a fork.
"""

import logging
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.db import transaction

log = logging.getLogger(__name__)
T = TypeVar("T")


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


class Generations:
    """Values cached under a random generation token, for facts read on every page and changed rarely.

    ``get(key, compute)`` reads ``<namespace>:<scope>:<token>:<key>``; ``renew(scope)`` replaces the token,
    so every entry of the scope is from then on ignored (they expire after ``entry_seconds``). A random
    token, not a counter: a cache that loses the token (eviction, a Redis restart) never brings back the
    entries of an earlier generation. ``renew_now_and_on_commit`` is for model signals: renewing at once
    lets the transaction's own later reads see the change, renewing after the commit keeps a request that
    read the old rows meanwhile from leaving them in the new generation. When the cache does not answer,
    ``compute()`` answers and the error is logged.
    """

    def __init__(self, namespace: str, *, entry_seconds: int):
        self.namespace = namespace
        self.entry_seconds = entry_seconds

    def token_key(self, scope) -> str:
        return f"{self.namespace}:{scope}:generation"

    def renew(self, scope="") -> None:
        try:
            cache.set(self.token_key(scope), uuid.uuid4().hex, timeout=None)
        except Exception:  # the cache is down: nothing is read from it either
            log.exception("could not renew the %s cache generation", self.namespace)

    def renew_now_and_on_commit(self, scope="") -> None:
        self.renew(scope)
        transaction.on_commit(lambda: self.renew(scope))

    def get(self, key: str, compute: Callable[[], T], scope="") -> T:
        try:
            token = cache.get_or_set(self.token_key(scope), uuid.uuid4().hex, timeout=None)
            full_key = f"{self.namespace}:{scope}:{token}:{key}"
            value = cache.get(full_key)
        except Exception:
            log.exception("the %s cache does not answer; computing", self.namespace)
            return compute()
        if value is None:
            value = compute()
            try:
                cache.set(full_key, value, self.entry_seconds)
            except Exception:
                log.exception("could not store a %s cache entry", self.namespace)
        return value
