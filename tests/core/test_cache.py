"""core.cache.RedisCache: Django's Redis cache with one client per pool, against the real Redis."""

import threading

from django.core.cache import cache

from core.cache import RedisCache, ReusedClientRedisCacheClient


def test_the_configured_cache_reuses_one_client(settings):
    if not isinstance(cache._cache, ReusedClientRedisCacheClient):
        return  # no REDIS_URL: the file cache of the embedded default
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
    cache.set("reuse-probe", {"n": 1}, 30)
    assert cache.get("reuse-probe") == {"n": 1}
    assert cache.get_many(["reuse-probe", "missing"]) == {"reuse-probe": {"n": 1}}
    cache.delete("reuse-probe")
    assert cache.get("reuse-probe") is None


def test_threads_share_the_client_safely(settings):
    if not isinstance(cache._cache, ReusedClientRedisCacheClient):
        return
    errors = []

    def work(number: int) -> None:
        try:
            for step in range(50):
                cache.set(f"thread-{number}", step, 30)
                assert cache.get(f"thread-{number}") == step
        except Exception as error:  # noqa: BLE001 (collected and asserted below)
            errors.append(error)

    threads = [threading.Thread(target=work, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_it_is_djangos_backend():
    from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

    assert issubclass(RedisCache, DjangoRedisCache)
