import logging
import sqlite3
import sys
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection, transaction
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from ops.models import HealthProbe

logger = logging.getLogger(__name__)

# Errors that mean a backing service cannot be reached right now (rather than a bug):
# pages answer 503 with Retry-After instead of the 500 page.
UNAVAILABLE_ERRORS = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)
RETRY_AFTER_SECONDS = 30


def _ping_database():
    # A table every migrated database has: an empty file at a mistyped SQLite path opens
    # fine but is not a working database.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM django_migrations LIMIT 1")


class NotWritable(Exception):
    """The database answers reads but refuses writes (a read-only file, mount or replica)."""


def _probe_database_write():
    # A real INSERT, rolled back: a read-only SQLite file (or BEGIN IMMEDIATE on it) and a
    # read-only PostgreSQL transaction both refuse it, and nothing is left behind.
    try:
        with transaction.atomic():
            HealthProbe.objects.create()
            transaction.set_rollback(True)
    except Exception as exc:
        raise NotWritable from exc


def _refuses_writes(exc: BaseException | None) -> bool:
    """SQLite's SQLITE_READONLY (a read-only file: even the WAL pragma at connect fails) or
    PostgreSQL's read_only_sql_transaction (25006), anywhere in the chain."""
    while exc is not None:
        if isinstance(exc, NotWritable):
            return True
        if isinstance(exc, sqlite3.Error) and getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_READONLY:
            return True
        if getattr(exc, "sqlstate", None) == "25006":
            return True
        exc = exc.__cause__
    return False


def _check_database():
    _ping_database()
    _probe_database_write()


def _ping_cache():
    key = f"ops:healthz:{uuid.uuid4().hex}"
    cache.set(key, 1, timeout=10)
    if cache.get(key) != 1:
        raise RuntimeError("the cache did not return the value just written")
    cache.delete(key)


def _run_check(name, check) -> str:
    try:
        check()
    except Exception as exc:  # whatever breaks, the check failed and healthz must still answer
        if _refuses_writes(exc):
            logger.warning("healthz: %s check failed: not writable", name, exc_info=True)
            return "not writable"
        logger.warning("healthz: %s check failed", name, exc_info=True)
        return "failing"
    return "ok"


@never_cache
@require_safe
def healthz(request):
    """For load balancers and monitors: 200 when the database (and Redis, if configured) answer, else 503.

    The database must answer a read and accept a write (rolled back): "failing" or "not writable".

    It reads neither the session nor the viewer, so it works whatever the visitor's cookies.
    """
    checks = {"database": _run_check("database", _check_database)}
    if settings.REDIS_URL:
        checks["redis"] = _run_check("redis", _ping_cache)
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse({"status": "ok" if healthy else "failing", "checks": checks}, status=200 if healthy else 503)


def _caused_by_unavailable_service(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, UNAVAILABLE_ERRORS):
            return True
        exc = exc.__cause__
    return False


def service_unavailable() -> HttpResponse:
    # Rendered without the request, so no context processor runs: nothing here may read the
    # session, the user or the viewer, all of which live in the database that is down.
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: an unreachable database or cache gets the 503 page, anything else the usual 500.

    Django calls this for an exception raised anywhere in the request: a view, a middleware
    (sessions, auth), a template, or another error page, while that exception is being handled.
    """
    if _caused_by_unavailable_service(sys.exc_info()[1]):
        return service_unavailable()
    return defaults.server_error(request, template_name)
