"""Counting failures and sign-ups in the cache, to slow down guessing and mass sign-up.

The cache is per process with the default local-memory backend and shared across
workers when REDIS_URL is set; either way a limit holds for at least one process.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    if settings.BEHIND_PROXY:
        # Our reverse proxy appends the address it saw; earlier entries are client-supplied.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(*parts: str) -> str:
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]
    return f"throttle:{parts[0]}:{digest}"


def _count(key: str) -> int:
    return cache.get(key, 0)


def _bump(key: str, timeout: int) -> int:
    if cache.add(key, 1, timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:
        # Expired between add() and incr().
        cache.set(key, 1, timeout)
        return 1


def login_is_locked(request, username: str) -> bool:
    ip = client_ip(request)
    pair = _key("login", ip, username.casefold())
    return (
        _count(pair) >= settings.NTRDB_LOGIN_FAILURES_ALLOWED
        or _count(_key("login-ip", ip)) >= settings.NTRDB_LOGIN_FAILURES_PER_IP
    )


def login_failed(request, username: str) -> None:
    ip = client_ip(request)
    timeout = settings.NTRDB_LOGIN_LOCKOUT_SECONDS
    _bump(_key("login", ip, username.casefold()), timeout)
    _bump(_key("login-ip", ip), timeout)


def login_succeeded(request, username: str) -> None:
    cache.delete(_key("login", client_ip(request), username.casefold()))


def signup_allowed(request) -> bool:
    return _count(_key("signup", client_ip(request))) < settings.NTRDB_SIGNUPS_PER_IP_PER_HOUR


def signup_recorded(request) -> None:
    _bump(_key("signup", client_ip(request)), 60 * 60)


def _reset_keys(request, email: str) -> tuple[str, str]:
    return _key("reset", email.strip().casefold()), _key("reset-ip", client_ip(request))


def reset_allowed(request, email: str) -> bool:
    """May a password-reset mail go to ``email`` from this client? Known or not, the same count."""
    per_address, per_ip = _reset_keys(request, email)
    return (
        _count(per_address) < settings.NTRDB_RESETS_PER_ADDRESS_PER_HOUR
        and _count(per_ip) < settings.NTRDB_RESETS_PER_IP_PER_HOUR
    )


def reset_recorded(request, email: str) -> None:
    for key in _reset_keys(request, email):
        _bump(key, 60 * 60)
