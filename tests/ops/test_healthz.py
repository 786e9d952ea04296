"""/healthz: 200 when the database (and Redis, when configured) answer, 503 otherwise; never cached."""

from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError, connection

from tests.ops.redis_server import REDIS_TEST_URL, needs_redis


def assert_never_cached(response):
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "no-cache", "max-age=0"} <= cache_control


def test_healthy_database_answers_200(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}
    assert_never_cached(response)


def test_head_request_works_for_load_balancers(db, client):
    assert client.head("/healthz").status_code == 200


def test_unreachable_database_answers_503(db, client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    # Undone before the test database is rolled back, which needs a working cursor.
    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", unreachable)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "failing", "checks": {"database": "failing"}}
    assert_never_cached(response)


def test_database_without_the_schema_is_failing(db, client):
    # What an empty file at a mistyped NTRDB_SQLITE_PATH looks like: it opens, but holds no tables.
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE django_migrations RENAME TO django_migrations_away")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "failing"


def test_healthz_reads_neither_the_session_nor_the_viewer(db, client, monkeypatch):
    client.cookies["sessionid"] = "a" * 32

    def unreadable(self):
        raise AssertionError("healthz read the session")

    monkeypatch.setattr(SessionStore, "load", unreadable)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "Cookie" not in response.get("Vary", ""), "the viewer was consulted"


def test_healthz_is_not_redirected_to_https(db, client, settings):
    settings.SECURE_SSL_REDIRECT = True  # as with DJANGO_HTTPS=1: probes on the private network use plain HTTP
    assert client.get("/healthz").status_code == 200
    assert client.get("/works/").status_code == 301


def _use_redis(settings, url):
    settings.REDIS_URL = url
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def test_unreachable_redis_answers_503(db, client, settings):
    _use_redis(settings, "redis://127.0.0.1:1/0")  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "failing", "checks": {"database": "ok", "redis": "failing"}}


@needs_redis
def test_reachable_redis_answers_200(db, client, settings, redis_test_db):
    _use_redis(settings, REDIS_TEST_URL)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}
    assert redis_test_db.dbsize() == 0, "the probe key is removed again"
