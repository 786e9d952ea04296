"""The local Redis server some tests use, when one answers."""

import socket

import pytest

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# Tests own this database number and flush only it; 0 is left to whatever else uses the server.
REDIS_TEST_DB = 13
REDIS_TEST_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_TEST_DB}"


def redis_answers() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


needs_redis = pytest.mark.skipif(
    not redis_answers(), reason=f"no Redis server answers on {REDIS_HOST}:{REDIS_PORT} (start redis-server to run this)"
)
