"""With REDIS_URL set, the cache and the sessions live in Redis (and survive a restart)."""

import json

from tests.ops.helpers import production_env, run_python
from tests.ops.redis_server import REDIS_TEST_URL, needs_redis

FIRST_PROCESS = """
import json
import django

django.setup()
from django.conf import settings
from django.core.cache import cache
from django.test import Client

cache.set("ops-redis-probe", "kept in redis", 300)
client = Client()
response = client.post("/accounts/age-check/", {"next": "/"})
print(json.dumps({
    "status": response.status_code,
    "session_key": client.cookies[settings.SESSION_COOKIE_NAME].value,
    "cache_backend": settings.CACHES["default"]["BACKEND"],
    "session_engine": settings.SESSION_ENGINE,
}))
"""

RESTARTED_PROCESS = """
import json
import sys
import django

django.setup()
from importlib import import_module
from django.conf import settings
from django.core.cache import cache
from accounts.viewer import AGE_GATE_SESSION_KEY

session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=sys.argv[1])
print(json.dumps({"cached": cache.get("ops-redis-probe"), "gate_passed": session.get(AGE_GATE_SESSION_KEY)}))
"""


def redis_env(tmp_path):
    # The SQLite file cannot be opened: anything that reached for the database would fail.
    return production_env(
        DJANGO_SETTINGS_MODULE="config.settings",
        REDIS_URL=REDIS_TEST_URL,
        NTRDB_SQLITE_PATH=str(tmp_path / "no-such-directory" / "db.sqlite3"),
    )


@needs_redis
def test_cache_and_sessions_go_to_redis_and_survive_a_restart(tmp_path, redis_test_db):
    first = run_python(FIRST_PROCESS, redis_env(tmp_path))
    assert first.returncode == 0, first.stderr
    written = json.loads(first.stdout)
    assert written["status"] == 302, "the age gate was passed without touching the database"
    assert written["cache_backend"] == "core.cache.RedisCache"
    assert written["session_engine"] == "django.contrib.sessions.backends.cache"

    keys = {key.decode() for key in redis_test_db.keys("*")}
    assert ":1:ops-redis-probe" in keys
    assert any(key.endswith(written["session_key"]) for key in keys), keys

    restarted = run_python(["-c", RESTARTED_PROCESS, written["session_key"]], redis_env(tmp_path))
    assert restarted.returncode == 0, restarted.stderr
    assert json.loads(restarted.stdout) == {"cached": "kept in redis", "gate_passed": True}


def test_without_redis_url_the_cache_is_local_memory_and_sessions_use_the_database():
    result = run_python(
        "import json; from django.conf import settings;"
        " print(json.dumps([settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE]))",
        production_env(DJANGO_SETTINGS_MODULE="config.settings"),
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.contrib.sessions.backends.db",
    ]
