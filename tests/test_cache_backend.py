"""core.cache: the Redis backend keeps one client per connection pool."""

from core.cache import RedisCache


def test_one_redis_client_serves_every_call():
    # Nothing connects until a command is sent, so no server is needed here.
    backend = RedisCache("redis://127.0.0.1:1/0", {})
    client = backend._cache.get_client("a-key")
    assert backend._cache.get_client("another-key") is client
    assert backend._cache.get_client(write=True) is client
