"""core.cache against the real Redis: reused clients, and values cached under generation tokens."""

import threading

import pytest
from django.core.cache import cache
from django.test import TestCase

from core.cache import Generations, RedisCache, ReusedClientRedisCacheClient

DEAD_REDIS = {"default": {"BACKEND": "core.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}


@pytest.fixture
def redis_cache():
    if not isinstance(cache._cache, ReusedClientRedisCacheClient):
        pytest.skip("no REDIS_URL: the embedded default uses the file cache")
    return cache


def test_the_configured_cache_reuses_one_client(redis_cache):
    assert redis_cache._cache.get_client() is redis_cache._cache.get_client(write=True)
    redis_cache.set("reuse-probe", {"n": 1}, 30)
    assert redis_cache.get("reuse-probe") == {"n": 1}
    assert redis_cache.get_many(["reuse-probe", "missing"]) == {"reuse-probe": {"n": 1}}
    redis_cache.delete("reuse-probe")
    assert redis_cache.get("reuse-probe") is None


def test_threads_share_the_client_safely(redis_cache):
    errors = []

    def work(number: int) -> None:
        try:
            for step in range(50):
                redis_cache.set(f"thread-{number}", step, 30)
                assert redis_cache.get(f"thread-{number}") == step
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


class GenerationsTests(TestCase):
    def setUp(self):
        self.calls = 0
        self.cached = Generations("probe", entry_seconds=60)

    def compute(self) -> int:
        self.calls += 1
        return self.calls

    def test_a_value_is_computed_once_per_generation_and_scope(self):
        self.assertEqual(self.cached.get("k", self.compute, scope=1), 1)
        self.assertEqual(self.cached.get("k", self.compute, scope=1), 1)
        self.assertEqual(self.cached.get("k", self.compute, scope=2), 2)  # another scope
        self.cached.renew(scope=1)
        self.assertEqual(self.cached.get("k", self.compute, scope=1), 3)
        self.assertEqual(self.cached.get("k", self.compute, scope=2), 2)  # not renewed

    def test_renewing_in_a_transaction_renews_again_on_commit(self):
        self.cached.get("k", self.compute)
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            self.cached.renew_now_and_on_commit()
        self.assertEqual(self.cached.get("k", self.compute), 2)  # renewed at once
        for callback in callbacks:
            callback()
        self.assertEqual(self.cached.get("k", self.compute), 3)  # and again after the commit

    def test_a_lost_token_never_brings_back_older_entries(self):
        self.cached.get("k", self.compute)
        cache.delete(self.cached.token_key(""))
        self.assertEqual(self.cached.get("k", self.compute), 2)

    def test_without_a_cache_every_call_computes(self):
        with self.settings(CACHES=DEAD_REDIS), self.assertLogs("core.cache", "ERROR"):
            self.assertEqual(self.cached.get("k", self.compute), 1)
            self.assertEqual(self.cached.get("k", self.compute), 2)
            self.cached.renew()  # logged, not raised
