import pytest
import redis

from tests.ops.redis_server import REDIS_HOST, REDIS_PORT, REDIS_TEST_DB


@pytest.fixture
def redis_test_db():
    """A redis-py client on the test database, flushed before and after the test."""
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_TEST_DB)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()
